public import Foundation
public import KeyplanWire

/// A new action. A customer editor may only create shared actions.
@WireMessage
public struct CreateActionRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var title: String
    public var description: String
    public var ownerID: UUID?
    public var dueOn: CalendarDate?
    public var status: ActionStatus
    public var horizon: ActionHorizon
    public var goalID: UUID?
    public var shared: Bool

    public init(
        accountID: UUID, title: String, description: String = "", ownerID: UUID? = nil, dueOn: CalendarDate? = nil,
        status: ActionStatus = .open, horizon: ActionHorizon = .near, goalID: UUID? = nil, shared: Bool = false
    ) {
        self.accountID = accountID
        self.title = title
        self.description = description
        self.ownerID = ownerID
        self.dueOn = dueOn
        self.status = status
        self.horizon = horizon
        self.goalID = goalID
        self.shared = shared
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, title = 2, description = 3, ownerID = 4, dueOn = 5, status = 6, horizon = 7, goalID = 8
        case shared = 9
    }
}

/// Changes to an action read at `expectedVersion` (the co-editing rule: ``CurrentRecord``): a
/// `nil` field is kept, a field in ``clear`` is emptied (naming a field in both is refused).
/// Customers may only update shared actions, and keep them shared.
@WireMessage
public struct UpdateActionRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var actionID: UUID
    public var expectedVersion: Int
    public var title: String?
    public var description: String?
    public var ownerID: UUID?
    public var dueOn: CalendarDate?
    public var status: ActionStatus?
    public var horizon: ActionHorizon?
    public var goalID: UUID?
    public var shared: Bool?
    public var clear: [PlanAction.ClearableField]

    public init(
        accountID: UUID, actionID: UUID, expectedVersion: Int, title: String? = nil, description: String? = nil,
        ownerID: UUID? = nil, dueOn: CalendarDate? = nil, status: ActionStatus? = nil, horizon: ActionHorizon? = nil,
        goalID: UUID? = nil, shared: Bool? = nil, clear: [PlanAction.ClearableField] = []
    ) {
        self.accountID = accountID
        self.actionID = actionID
        self.expectedVersion = expectedVersion
        self.title = title
        self.description = description
        self.ownerID = ownerID
        self.dueOn = dueOn
        self.status = status
        self.horizon = horizon
        self.goalID = goalID
        self.shared = shared
        self.clear = clear
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, actionID = 2, expectedVersion = 3, title = 4, description = 5, ownerID = 6, dueOn = 7
        case status = 8, horizon = 9, goalID = 10, shared = 11, clear = 12
    }

    /// The fields both set and cleared, which a request may not name.
    public var contradictions: [PlanAction.ClearableField] {
        clear.filter { field in
            switch field {
            case .owner: ownerID != nil
            case .dueOn: dueOn != nil
            case .goal: goalID != nil
            }
        }
    }
}

/// One action of an account.
@WireMessage
public struct ActionRef: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var actionID: UUID

    enum CodingKeys: Int, CodingKey { case accountID = 1, actionID = 2 }
}

/// Deletes an action if it is still at the version read (else ABORTED with the current one).
@WireMessage
public struct DeleteActionRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var actionID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, actionID = 2, expectedVersion = 3 }
}

/// Which actions of an account to list; every filter given must hold. A customer's list holds
/// shared actions only, whatever the filters.
@WireMessage
public struct ListActionsRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var horizon: ActionHorizon?
    public var status: ActionStatus?
    public var ownerID: UUID?
    /// Only the mutual action plan.
    public var sharedOnly: Bool
    /// Only actions past their due date and still pending.
    public var overdueOnly: Bool
    /// At most this many actions (default and maximum 1,000).
    public var limit: Int?

    public init(
        accountID: UUID, horizon: ActionHorizon? = nil, status: ActionStatus? = nil, ownerID: UUID? = nil,
        sharedOnly: Bool = false, overdueOnly: Bool = false, limit: Int? = nil
    ) {
        self.accountID = accountID
        self.horizon = horizon
        self.status = status
        self.ownerID = ownerID
        self.sharedOnly = sharedOnly
        self.overdueOnly = overdueOnly
        self.limit = limit
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, horizon = 2, status = 3, ownerID = 4, sharedOnly = 5, overdueOnly = 6, limit = 7
    }
}

/// Actions in plan order: near term first, then by due date (undated last).
@WireMessage
public struct ActionList: Codable, Hashable, Sendable {
    public var actions: [PlanAction]

    public init(actions: [PlanAction]) { self.actions = actions }

    enum CodingKeys: Int, CodingKey { case actions = 1 }
}
