public import Foundation
public import KeyplanWire

/// The editable fields of a goal: what a create sends (an update names only what it changes:
/// ``UpdateGoalRequest``).
@WireMessage
public struct GoalDraft: Codable, Hashable, Sendable {
    public var kind: GoalKind
    /// Only for objectives and initiatives: a goal of the same account.
    public var parentID: UUID?
    /// 1 to 300 characters.
    public var title: String
    /// At most 10,000 characters.
    public var description: String
    /// At most 200 characters.
    public var department: String
    public var status: GoalStatus
    /// A calendar day, `YYYY-MM-DD`.
    public var targetDate: CalendarDate?
    /// At most 100.
    public var metrics: [GoalMetric]

    public init(
        kind: GoalKind = .goal, parentID: UUID? = nil, title: String, description: String = "", department: String = "",
        status: GoalStatus = .active, targetDate: CalendarDate? = nil, metrics: [GoalMetric] = []
    ) {
        self.kind = kind
        self.parentID = parentID
        self.title = title
        self.description = description
        self.department = department
        self.status = status
        self.targetDate = targetDate
        self.metrics = metrics
    }

    enum CodingKeys: Int, CodingKey {
        case kind = 1, parentID = 2, title = 3, description = 4, department = 5, status = 6, targetDate = 7, metrics = 8
    }
}
