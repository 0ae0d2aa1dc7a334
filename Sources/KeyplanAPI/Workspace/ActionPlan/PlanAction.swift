import Foundation
import KeyplanWire

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

    public init(
        id: UUID, accountID: UUID, title: String, description: String, ownerID: UUID?, ownerName: String?, dueOn: CalendarDate?,
        status: ActionStatus, horizon: ActionHorizon, goalID: UUID?, shared: Bool, completedAt: Date?, overdue: Bool,
        version: Int, createdBy: WorkspaceChange.Actor, createdAt: Date, updatedBy: WorkspaceChange.Actor, updatedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.title = title
        self.description = description
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.dueOn = dueOn
        self.status = status
        self.horizon = horizon
        self.goalID = goalID
        self.shared = shared
        self.completedAt = completedAt
        self.overdue = overdue
        self.version = version
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    /// The fields of an action that can be emptied (``UpdateActionRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case owner
        case dueOn = "due_on"
        case goal
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID, title, description, ownerID, ownerName, dueOn, status, horizon, goalID, shared, completedAt, overdue
        case version, createdBy, createdAt, updatedBy, updatedAt
    }
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
