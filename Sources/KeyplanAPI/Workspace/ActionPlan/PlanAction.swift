public import Foundation
public import KeyplanWire

/// An action of an account's living action plan. Shared actions form the mutual action plan,
/// which the account's customers see and update; the others stay internal to the sellers, and
/// a customer never receives them.
@WireMessage
public struct PlanAction: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var title: String
    public var description: String
    /// A seller of the tenant or a customer invited to the account (an internal action's owner
    /// is always a seller).
    public var ownerID: UUID?
    public var ownerName: String?
    public var dueOn: CalendarDate?
    public var status: ActionStatus
    public var horizon: ActionHorizon
    /// The customer goal the action serves, a goal of the same account.
    public var goalID: UUID?
    public var shared: Bool
    /// When it was done; `nil` unless the status is `done`.
    public var completedAt: Date?
    /// Due before today and neither done nor cancelled (as of the server's answer).
    public var overdue: Bool
    public var version: Int
    public var createdBy: WorkspaceChange.Actor
    public var createdAt: Date
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date

    /// The fields of an action that can be emptied (``UpdateActionRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case owner
        case dueOn = "due_on"
        case goal
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, title = 3, description = 4, ownerID = 5, ownerName = 6, dueOn = 7, status = 8
        case horizon = 9, goalID = 10, shared = 11, completedAt = 12, overdue = 13
        case version = 14, createdBy = 15, createdAt = 16, updatedBy = 17, updatedAt = 18
    }
}

/// An action of the plan as another record lists it (a buying stage, a review's follow-ups).
@WireMessage
public struct ActionSummary: Codable, Hashable, Sendable {
    public var id: UUID
    public var title: String
    public var status: ActionStatus

    enum CodingKeys: Int, CodingKey { case id = 1, title = 2, status = 3 }
}

/// Where an action stands. `done` stamps the action's completion time; any other status clears it.
public enum ActionStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case open
    case inProgress = "in_progress"
    case blocked
    case done
    case cancelled

    /// Still to be done: open, in progress or blocked.
    public var isPending: Bool { self != .done && self != .cancelled }
}

/// The planning horizon of an action.
public enum ActionHorizon: String, Codable, Hashable, Sendable, CaseIterable {
    /// The next 3 to 6 months.
    case near
    /// 12 to 36 months out.
    case long

    /// How people call it.
    public var title: String {
        switch self {
        case .near: "Near term (next 3–6 months)"
        case .long: "Long term (12–36 months)"
        }
    }
}
