public import Foundation
public import KeyplanWire

/// How the customer measures a goal's success: where it started, where it should get, where it is.
@WireMessage
public struct GoalMetric: Codable, Hashable, Sendable {
    /// 1 to 200 characters, unique within the goal (ignoring case).
    public var name: String
    /// Free text ("%", "EUR", "days"); at most 50 characters.
    public var unit: String
    /// Each below 10^16 in magnitude, with at most four decimals.
    public var baseline: Decimal?
    public var target: Decimal?
    public var current: Decimal?

    public init(name: String, unit: String = "", baseline: Decimal? = nil, target: Decimal? = nil, current: Decimal? = nil) {
        self.name = name
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.current = current
    }

    enum CodingKeys: Int, CodingKey { case name = 1, unit = 2, baseline = 3, target = 4, current = 5 }

    /// The values of a metric that can be emptied (``SetGoalMetricRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case baseline, target, current
    }
}
