import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The living action plan of `keyplan.ActionPlan`. The policy lets sellers and customer editors
/// write (`collaborate`); here customers are held to the mutual action plan: they create shared
/// actions only, an internal action does not exist for them (NOT_FOUND), and only sellers make
/// an action internal or delete one.
struct ActionService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(ActionPlanService.createAction) { request, call in
            let caller = call.principal
            let fields = try Self.checked(
                ActionFields(
                    title: request.title, description: request.description, ownerID: request.ownerID, dueOn: request.dueOn,
                    status: request.status, horizon: request.horizon, goalID: request.goalID, shared: request.shared))
            if caller.kind == .customer, !fields.shared {
                throw RPCError(code: .permissionDenied, message: "customers create shared actions only: the mutual action plan")
            }
            try await ActionRules(transaction: call.transaction, accountID: request.accountID).check(fields, was: nil)
            let action = try await ActionRepository(transaction: call.transaction).insert(
                tenantID: caller.tenantID, accountID: request.accountID, fields, by: caller.userID)
            try await Self.journal(before: nil, after: action, by: caller, on: call.transaction)
            CallAudit.record { $0.objectID = action.id }
            return action
        }
        routes.account(ActionPlanService.updateAction) { request, call in
            let caller = call.principal
            try Validate.expectedVersion(request.expectedVersion)
            try Validate.noContradictions(request.contradictions)
            let actions = ActionRepository(transaction: call.transaction)
            let before = try await actions.lock(request.actionID, in: request.accountID, for: caller)
                .unchanged(since: request.expectedVersion, missing: "no action \(request.actionID) in this account")
            let fields = try Self.checked(Self.fields(of: before, changedBy: request))
            if caller.kind == .customer, !fields.shared {
                throw RPCError(code: .permissionDenied, message: "only sellers make an action internal")
            }
            try await ActionRules(transaction: call.transaction, accountID: request.accountID).check(fields, was: Self.fields(of: before))
            let after = try await actions.update(before.id, fields, by: caller.userID)
            try await Self.journal(before: before, after: after, by: caller, on: call.transaction)
            return after
        }
        routes.account(ActionPlanService.deleteAction) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let actions = ActionRepository(transaction: call.transaction)
            let before = try await actions.lock(request.actionID, in: request.accountID, for: call.principal)
                .unchanged(since: request.expectedVersion, missing: "no action \(request.actionID) in this account")
            try await actions.delete(before.id)
            try await Self.journal(before: before, after: nil, by: call.principal, on: call.transaction)
            return Empty()
        }
        routes.account(ActionPlanService.listActions) { request, call in
            let limit = try Validate.limit(request.limit, maximum: 1000)
            return ActionList(actions: try await ActionRepository(transaction: call.transaction).list(request, limit: limit, for: call.principal))
        }
        routes.account(ActionPlanService.getAction) { request, call in
            guard
                let action = try await ActionRepository(transaction: call.transaction).get(
                    request.actionID, in: request.accountID, for: call.principal)
            else {
                throw RPCError(code: .notFound, message: "no action \(request.actionID) in this account")
            }
            return action
        }
    }

    /// The fields of `action`, with the changes of `request` applied.
    static func fields(of action: PlanAction, changedBy request: UpdateActionRequest? = nil) -> ActionFields {
        var fields = ActionFields(
            title: action.title, description: action.description, ownerID: action.ownerID, dueOn: action.dueOn,
            status: action.status, horizon: action.horizon, goalID: action.goalID, shared: action.shared)
        guard let request else { return fields }
        if let title = request.title { fields.title = title }
        if let description = request.description { fields.description = description }
        if let owner = request.ownerID { fields.ownerID = owner }
        if let due = request.dueOn { fields.dueOn = due }
        if let status = request.status { fields.status = status }
        if let horizon = request.horizon { fields.horizon = horizon }
        if let goal = request.goalID { fields.goalID = goal }
        if let shared = request.shared { fields.shared = shared }
        for field in request.clear {
            switch field {
            case .owner: fields.ownerID = nil
            case .dueOn: fields.dueOn = nil
            case .goal: fields.goalID = nil
            }
        }
        return fields
    }

    static func checked(_ fields: ActionFields) throws -> ActionFields {
        var fields = fields
        fields.title = try Validate.line(fields.title, field: "title", characters: 1...300)
        fields.description = try Validate.freeText(fields.description, field: "description", maximum: 10_000)
        return fields
    }

    /// Unlinks the account's actions from a goal that is being deleted: each one a version up and
    /// journaled like any update, so that the plan's history and live views say why an action lost
    /// its goal (the foreign key alone would clear the link silently).
    static func unlink(fromGoal goalID: UUID, in accountID: UUID, by caller: Principal, on transaction: TenantTransaction) async throws {
        try await Self.clear(.goal, to: goalID, in: accountID, by: caller, on: transaction)
    }

    /// Leaves the account's actions owned by a user taken off the account without an owner, the
    /// same way: an owner must be on the account, and the plan shows the action needs a new one.
    static func unassign(ownedBy userID: UUID, in accountID: UUID, by caller: Principal, on transaction: TenantTransaction) async throws {
        try await Self.clear(.owner, to: userID, in: accountID, by: caller, on: transaction)
    }

    private static func clear(
        _ link: ActionRepository.Link, to target: UUID, in accountID: UUID, by caller: Principal, on transaction: TenantTransaction
    ) async throws {
        let actions = ActionRepository(transaction: transaction)
        let linked = try await actions.lockLinked(link, to: target, in: accountID)
        guard !linked.isEmpty else { return }
        let cleared = try await actions.clear(link, of: linked.map(\.id), by: caller.userID)
        for (before, after) in zip(linked, cleared) {
            try await Self.journal(before: before, after: after, by: caller, on: transaction)
        }
    }

    /// Journals a change so that each side's history and live view stay right, and customers
    /// never read an internal past. While an action stays shared its changes are shared; while
    /// it stays internal, internal. When it changes sides, the sellers get the real change
    /// (internal), and the customers see the action enter their plan as it is now (a shared
    /// creation with its current fields only: the internal values it had never reach them) or
    /// leave it (a shared deletion without fields, journaled first, so that a seller's live
    /// view, which sees both, ends with the action still there).
    static func journal(before: PlanAction?, after: PlanAction?, by caller: Principal, on transaction: TenantTransaction) async throws {
        let journal = PlanJournal(transaction: transaction, actor: caller)
        if let before, let after, before.shared != after.shared {
            if before.shared {
                try await journal.recordRemoval(of: before, visibility: .shared, summary: "\(before.journalName) left the mutual action plan")
            }
            try await journal.record(before: before, after: after, visibility: .internal)
            if after.shared {
                try await journal.record(
                    before: nil, after: after, visibility: .shared, summary: "\(after.journalName) joined the mutual action plan")
            }
        } else {
            let shared = after?.shared ?? before?.shared ?? false
            try await journal.record(before: before, after: after, visibility: shared ? .shared : .internal)
        }
        if let after, let owner = after.ownerID, owner != before?.ownerID {
            try await NotificationOutbox(transaction: transaction).enqueue(
                .actionAssigned, to: [owner], except: caller.userID, tenantID: caller.tenantID, accountID: after.accountID,
                subjectID: after.id, message: "You were assigned the action “\(after.title)”" + (after.dueOn.map { ", due \($0)" } ?? ""))
        }
    }
}

/// What an action may refer to: its owner takes part in the account (and is a seller when the
/// action is internal, so that nobody is assigned what they cannot see); its goal is a goal of
/// the same account. Only what changed is checked.
struct ActionRules {
    let transaction: TenantTransaction
    let accountID: UUID

    func check(_ fields: ActionFields, was old: ActionFields?) async throws {
        if let owner = fields.ownerID, owner != old?.ownerID || fields.shared != old?.shared {
            let owner = try await AccountParticipants(transaction: transaction, accountID: accountID).person(owner, as: "the owner")
            if owner.kind == .customer, !fields.shared {
                throw RPCError(code: .failedPrecondition, message: "an internal action cannot be owned by a customer: share it, or assign a seller")
            }
        }
        if let goal = fields.goalID, goal != old?.goalID, try await !ActionRepository(transaction: transaction).goalExists(goal, in: accountID) {
            throw RPCError(code: .failedPrecondition, message: "no goal \(goal) in this account")
        }
    }
}
