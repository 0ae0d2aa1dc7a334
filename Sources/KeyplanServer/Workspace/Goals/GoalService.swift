import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Goals`: customer goals co-edited by sellers and customer editors. Each change is
/// written with its journal row (shared) in one transaction; updates and deletions go through
/// ``VersionedRecord`` so that a stale edit answers ABORTED with the current goal.
struct GoalService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(GoalsService.create) { request, call in
            let draft = try Validate.goal(request.goal)
            let goals = GoalRepository(transaction: call.transaction)
            let change = try await goals.prepareChange(of: nil, in: request.accountID, parent: draft.parentID, by: call.principal)
            try Self.requireParent(draft.parentID, change)
            let created = try goals.insertAtCommit(draft, in: request.accountID, by: call.principal, change)
            try Self.journal(.created, before: nil, after: created, by: call.principal, on: call.transaction)
            CallAudit.record { $0.objectID = created.id }
            return created
        }
        routes.account(GoalsService.update) { request, call in
            try Validate.noContradictions(request.contradictions)
            return try await Self.change(request.goalID, expected: request.expectedVersion, parent: request.parentID, in: call) { current in
                request.applied(to: current.draft)
            }
        }
        routes.account(GoalsService.setMetric) { request, call in
            try Validate.noContradictions(request.contradictions)
            return try await Self.change(request.goalID, expected: request.expectedVersion, parent: nil, in: call) { current in
                var draft = current.draft
                if let index = draft.metrics.firstIndex(where: { $0.name.lowercased() == request.name.lowercased() }) {
                    draft.metrics[index] = request.applied(to: draft.metrics[index])
                } else {
                    draft.metrics.append(request.applied(to: nil))
                }
                return draft
            }
        }
        routes.account(GoalsService.removeMetric) { request, call in
            try await Self.change(request.goalID, expected: request.expectedVersion, parent: nil, in: call) { current in
                var draft = current.draft
                guard let index = draft.metrics.firstIndex(where: { $0.name.lowercased() == request.name.lowercased() }) else {
                    throw RPCError(code: .notFound, message: "the \(current.kind.rawValue) “\(current.title)” has no metric “\(request.name)”")
                }
                draft.metrics.remove(at: index)
                return draft
            }
        }
        routes.account(GoalsService.delete) { request, call in
            let expected = try Validate.expectedVersion(request.expectedVersion)
            let goals = GoalRepository(transaction: call.transaction)
            // The goal, locked, and what hangs under it, in one round trip.
            let change = try await goals.prepareChange(of: request.goalID, in: request.accountID, parent: nil, by: call.principal)
            let current = try change.current.unchanged(since: expected, missing: "no goal \(request.goalID) in this account")
            try Self.requireNoChildren(of: current, count: change.childCount)
            try await ActionService.unlink(fromGoal: current.id, in: request.accountID, by: call.principal, on: call.transaction)
            try await goals.delete(current.id)
            try Self.journal(.deleted, before: current, after: nil, by: call.principal, on: call.transaction)
            return Empty()
        }
        routes.account(GoalsService.list) { request, call in
            GoalTree(arranging: try await GoalRepository(transaction: call.transaction).list(in: request.accountID))
        }
        routes.account(GoalsService.get) { request, call in
            guard let goal = try await GoalRepository(transaction: call.transaction).goal(request.goalID, in: request.accountID) else {
                throw Self.noGoal(request.goalID)
            }
            return goal
        }
        routes.account(GoalsService.linkSolution) { request, call in
            let solution = try Validate.text(request.solution, field: "the solution", characters: 1...200)
            let note = try Validate.text(request.note, field: "the note", characters: 0...2000)
            return try await changeSolution(solution, of: request.goalID, in: call) { goals in
                let before = try await goals.solutionNote(solution, of: request.goalID)
                guard before != note else { return nil }
                try await goals.linkSolution(solution, note: note, to: request.goalID, by: call.principal)
                return SolutionChange(
                    operation: before == nil ? .created : .updated, before: before.map { SolutionLink(solution: solution, note: $0) },
                    after: SolutionLink(solution: solution, note: note))
            }
        }
        routes.account(GoalsService.unlinkSolution) { request, call in
            let solution = try Validate.text(request.solution, field: "the solution", characters: 1...200)
            return try await changeSolution(solution, of: request.goalID, in: call) { goals in
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
        _ solution: String, of goalID: UUID, in call: AccountCall,
        _ change: @escaping (GoalRepository) async throws -> SolutionChange?
    ) async throws -> GoalView {
        let goals = GoalRepository(transaction: call.transaction)
        guard let goal = try await goals.goal(goalID, in: call.accountID) else { throw Self.noGoal(goalID) }
        guard let change = try await change(goals) else { return goal }
        try WorkspaceJournal(transaction: call.transaction).recordAtCommit(
            JournalEntry(
                accountID: call.accountID, entity: .goalSolution, entityID: goalID, operation: change.operation, version: nil, visibility: .shared,
                summary: "Solution “\(solution)” \(change.verb) \(goal.kind.rawValue) “\(goal.title)”",
                fields: FieldChange.diff(before: change.before, after: change.after)), by: call.principal)
        guard let changed = try await goals.goal(goalID, in: call.accountID) else { throw Self.noGoal(goalID) }
        return changed
    }

    /// Changes the goal read at `expected` to what `edit` makes of it. A change reads what it
    /// rests on in one round trip (the goal, locked; the `parent` the request names; the children;
    /// the actor) and writes with the COMMIT: two round trips in all. Unchanged: nothing is
    /// written or journaled, and the version stays.
    private static func change(
        _ goalID: UUID, expected: Int, parent: UUID?, in call: AccountCall, _ edit: (GoalView) throws -> GoalDraft
    ) async throws -> GoalView {
        try Validate.expectedVersion(expected)
        let goals = GoalRepository(transaction: call.transaction)
        let change = try await goals.prepareChange(of: goalID, in: call.accountID, parent: parent, by: call.principal)
        let current = try change.current.unchanged(since: expected, missing: "no goal \(goalID) in this account")
        let draft = try Validate.goal(try edit(current))
        guard draft != current.draft else { return current }
        try requireParent(parent, change)
        if current.kind == .goal, draft.kind != .goal { try requireNoChildren(of: current, count: change.childCount) }
        let updated = try goals.updateAtCommit(current, to: draft, by: call.principal, change)
        try journal(.updated, before: current, after: updated, by: call.principal, on: call.transaction)
        return updated
    }

    /// The goal, locked, when it is still at `expected` (see ``VersionedRecord``).
    /// A parent a request names must be a goal of the account (not the goal itself): objectives
    /// and initiatives hang under goals.
    private static func requireParent(_ parent: UUID?, _ change: GoalRepository.Change) throws {
        guard let parent, change.parentKind != .goal else { return }
        throw RPCError(
            code: .failedPrecondition, message: "the parent \(parent) is not a goal of this account: objectives and initiatives hang under goals")
    }

    private static func requireNoChildren(of goal: GoalView, count children: Int) throws {
        guard children == 0 else {
            throw RPCError(
                code: .failedPrecondition,
                message: "\(children) objective(s) or initiative(s) hang under the goal “\(goal.title)”: move or delete them first")
        }
    }

    private static func noGoal(_ id: UUID) -> RPCError {
        RPCError(code: .notFound, message: "no goal \(id) in this account")
    }

    /// Solutions are journaled as their own changes (linked, unlinked).
    private static let unjournaledFields: Set<String> = ["solutions"]

    private static func journal(
        _ operation: WorkspaceChange.Operation, before: GoalView?, after: GoalView?, by caller: Principal, on transaction: TenantTransaction
    ) throws {
        guard let goal = after ?? before else { return }
        let kind = goal.kind.rawValue.prefix(1).uppercased() + goal.kind.rawValue.dropFirst()
        try WorkspaceJournal(transaction: transaction).recordAtCommit(
            JournalEntry(
                accountID: goal.accountID, entity: .goal, entityID: goal.id, operation: operation, version: after?.version, visibility: .shared,
                summary: "\(kind) “\(goal.title)” \(operation.rawValue)",
                fields: FieldChange.diff(before: before, after: after, except: unjournaledFields)), by: caller)
    }
}
