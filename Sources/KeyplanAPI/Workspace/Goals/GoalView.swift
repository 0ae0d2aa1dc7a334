public import Foundation
public import KeyplanWire

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
        case id = 1, accountID = 2, kind = 3, parentID = 4, title = 5, description = 6, department = 7, status = 8
        case targetDate = 9, metrics = 10, solutions = 11, version = 12
        case createdBy = 13, createdAt = 14, updatedBy = 15, updatedAt = 16
    }
}
