import Foundation
import KeyplanWire

/// Where a record stands in the customer's plan: a strategic goal, a business objective, or a
/// key initiative of a department or business unit. Objectives and initiatives may hang under a
/// goal; goals are the roots.
public enum GoalKind: String, Codable, Hashable, Sendable, CaseIterable {
    case goal, objective, initiative
}

public enum GoalStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case active, achieved, dropped
}

/// A customer goal, objective or initiative as every reader of the account sees it: goals are
/// shared with the customer, so there is no seller-internal field.
@WireMessage
public struct GoalView: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var kind: GoalKind
    /// The goal this objective or initiative serves; `nil` for goals and free-standing items.
    public var parentID: UUID?
    public var title: String
    public var description: String
    /// The department or business unit (of an initiative, typically); empty when none.
    public var department: String
    public var status: GoalStatus
    /// A calendar day, `YYYY-MM-DD`.
    public var targetDate: CalendarDate?
    /// How the customer measures success, in their order. Part of the record: edited with it.
    public var metrics: [GoalMetric]
    /// Our solutions linked to this goal by sellers.
    public var solutions: [LinkedSolution]
    /// Raised by one on each change; a change names the version it read.
    public var version: Int
    public var createdBy: WorkspaceChange.Actor
    public var createdAt: Date
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date

    public init(
        id: UUID, accountID: UUID, kind: GoalKind, parentID: UUID?, title: String, description: String, department: String,
        status: GoalStatus, targetDate: CalendarDate?, metrics: [GoalMetric], solutions: [LinkedSolution], version: Int,
        createdBy: WorkspaceChange.Actor, createdAt: Date, updatedBy: WorkspaceChange.Actor, updatedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.kind = kind
        self.parentID = parentID
        self.title = title
        self.description = description
        self.department = department
        self.status = status
        self.targetDate = targetDate
        self.metrics = metrics
        self.solutions = solutions
        self.version = version
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    /// The editable fields, as an update sends them back.
    public var draft: GoalDraft {
        GoalDraft(
            kind: kind, parentID: parentID, title: title, description: description, department: department, status: status,
            targetDate: targetDate, metrics: metrics)
    }

    /// The fields of a goal that can be emptied (``UpdateGoalRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case parent
        case targetDate = "target_date"
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID, kind, parentID, title, description, department, status, targetDate, metrics, solutions, version
        case createdBy, createdAt, updatedBy, updatedAt
    }
}
