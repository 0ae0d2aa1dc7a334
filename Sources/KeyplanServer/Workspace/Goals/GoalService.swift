import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Goals`: customer goals co-edited by sellers and customer editors. Each change is
/// written with its journal row (shared) in one transaction; updates and deletions go through
/// ``RecordVersion`` so that a stale edit answers ABORTED with the current goal.
struct GoalService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(GoalsService.create) { request, call in
            let caller = try call.caller()
            let draft = try Validate.goal(request.goal)
            return try await environment.inTenant(caller.tenantID) { connection in
                let goals = GoalRepository(connection: connection)
                try await goals.checkParent(of: draft, for: nil, in: request.accountID)
                let created = try await goals.insert(draft, in: request.accountID, by: caller)
                try await Self.journal(.created, before: nil, after: created, by: caller, on: connection)
                return created
            }
        }
        routes.unary(GoalsService.update) { request, call in
            let caller = try call.caller()
            let draft = try Validate.goal(request.goal)
            let expected = try Validate.expectedVersion(request.expectedVersion)
            return try await environment.inTenant(caller.tenantID) { connection in
                let goals = GoalRepository(connection: connection)
                let current = try await Self.lock(request.goalID, in: request.accountID, expected: expected, goals)
                // Unchanged: nothing to write or journal, and the version stays.
                guard draft != current.draft else { return current }
                try await goals.checkParent(of: draft, for: current.id, in: request.accountID)
                if current.kind == .goal, draft.kind != .goal { try await Self.requireNoChildren(of: current, goals) }
                let updated = try await goals.update(current.id, in: request.accountID, to: draft, by: caller)
                try await Self.journal(.updated, before: current, after: updated, by: caller, on: connection)
                return updated
            }
        }
        routes.unary(GoalsService.delete) { request, call in
            let caller = try call.caller()
            let expected = try Validate.expectedVersion(request.expectedVersion)
            try await environment.inTenant(caller.tenantID) { connection in
                let goals = GoalRepository(connection: connection)
                let current = try await Self.lock(request.goalID, in: request.accountID, expected: expected, goals)
                try await Self.requireNoChildren(of: current, goals)
                try await ActionService.unlink(fromGoal: current.id, in: request.accountID, by: caller, on: connection)
                try await goals.delete(current.id)
                try await Self.journal(.deleted, before: current, after: nil, by: caller, on: connection)
            }
            return Empty()
        }
        routes.unary(GoalsService.list) { request, call in
            let caller = try call.caller()
            return GoalTree(arranging: try await environment.inTenant(caller.tenantID) {
                try await GoalRepository(connection: $0).list(in: request.accountID)
            })
        }
        routes.unary(GoalsService.get) { request, call in
            let caller = try call.caller()
            guard let goal = try await environment.inTenant(caller.tenantID, {
                try await GoalRepository(connection: $0).goal(request.goalID, in: request.accountID)
            }) else { throw Self.noGoal(request.goalID) }
            return goal
        }
        routes.unary(GoalsService.linkSolution) { request, call in
            let caller = try call.caller()
            let solution = try Validate.text(request.solution, field: "the solution", characters: 1...200)
            let note = try Validate.text(request.note, field: "the note", characters: 0...2000)
            return try await changeSolution(solution, of: request.goalID, in: request.accountID, by: caller) { goals in
                let before = try await goals.solutionNote(solution, of: request.goalID)
                guard before != note else { return nil }
                try await goals.linkSolution(solution, note: note, to: request.goalID, by: caller)
                return SolutionChange(
                    operation: before == nil ? .created : .updated, before: before.map { SolutionLink(solution: solution, note: $0) },
                    after: SolutionLink(solution: solution, note: note))
            }
        }
        routes.unary(GoalsService.unlinkSolution) { request, call in
            let caller = try call.caller()
            let solution = try Validate.text(request.solution, field: "the solution", characters: 1...200)
            return try await changeSolution(solution, of: request.goalID, in: request.accountID, by: caller) { goals in
                guard let before = try await goals.solutionNote(solution, of: request.goalID) else {
                    throw RPCError(code: .notFound, message: "the solution “\(solution)” is not linked to this goal")
                }
                try await goals.unlinkSolution(solution, from: request.goalID)
                return SolutionChange(operation: .deleted, before: SolutionLink(solution: solution, note: before), after: nil)
            }
        }
    }

    /// A solution link as the journal records it.
    private struct SolutionLink: Encodable {
        var solution: String
        var note: String
    }

    private struct SolutionChange {
        var operation: WorkspaceChange.Operation
        var before: SolutionLink?
        var after: SolutionLink?

        var verb: String {
            switch operation {
            case .created: "linked to"
            case .updated: "relinked to"
            case .deleted: "unlinked from"
            }
        }
    }

    /// Runs `change` on a goal of the account (NOT_FOUND if there is none) and journals what it
    /// returns (`nil`: nothing changed); answers the goal as it is then.
    private func changeSolution(
        _ solution: String, of goalID: UUID, in accountID: UUID, by caller: Principal,
        _ change: @escaping (GoalRepository) async throws -> SolutionChange?
    ) async throws -> GoalView {
        try await environment.inTenant(caller.tenantID) { connection in
            let goals = GoalRepository(connection: connection)
            guard let goal = try await goals.goal(goalID, in: accountID) else { throw Self.noGoal(goalID) }
            guard let change = try await change(goals) else { return goal }
            try await WorkspaceJournal(connection: connection).record(JournalEntry(
                accountID: accountID, entity: .goalSolution, entityID: goalID, operation: change.operation, version: nil, visibility: .shared,
                summary: "Solution “\(solution)” \(change.verb) \(goal.kind.rawValue) “\(goal.title)”",
                fields: FieldChange.diff(before: change.before, after: change.after)), by: caller)
            guard let changed = try await goals.goal(goalID, in: accountID) else { throw Self.noGoal(goalID) }
            return changed
        }
    }

    /// The goal, locked, when it is still at `expected` (see ``VersionedRecord``).
    private static func lock(_ id: UUID, in accountID: UUID, expected: Int, _ goals: GoalRepository) async throws -> GoalView {
        try await goals.goal(id, in: accountID, locking: true).unchanged(since: expected, missing: "no goal \(id) in this account")
    }

    private static func requireNoChildren(of goal: GoalView, _ goals: GoalRepository) async throws {
        let children = try await goals.childCount(of: goal.id)
        guard children == 0 else {
            throw RPCError(
                code: .failedPrecondition,
                message: "\(children) objective(s) or initiative(s) hang under the goal “\(goal.title)”: move or delete them first")
        }
    }

    private static func noGoal(_ id: UUID) -> RPCError {
        RPCError(code: .notFound, message: "no goal \(id) in this account")
    }

    /// The view's fields people edit; who and when are the journal's own columns.
    private static let unjournaledFields: Set<String> = [
        "id", "accountID", "version", "solutions", "createdBy", "createdAt", "updatedBy", "updatedAt",
    ]

    private static func journal(_ operation: WorkspaceChange.Operation, before: GoalView?, after: GoalView?, by caller: Principal, on connection: PostgresConnection) async throws {
        guard let goal = after ?? before else { return }
        let kind = goal.kind.rawValue.prefix(1).uppercased() + goal.kind.rawValue.dropFirst()
        try await WorkspaceJournal(connection: connection).record(JournalEntry(
            accountID: goal.accountID, entity: .goal, entityID: goal.id, operation: operation, version: after?.version, visibility: .shared,
            summary: "\(kind) “\(goal.title)” \(operation.rawValue)",
            fields: FieldChange.diff(before: before, after: after, except: unjournaledFields)), by: caller)
    }
}
