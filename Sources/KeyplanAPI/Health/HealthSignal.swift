public import KeyplanWire

/// One input of an account's health score, explained: its value on 0–100, its weight, what it
/// adds to the score, and — when it is weak — the reason in words.
@WireMessage
public struct HealthSignal: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case decisionMakerCoverage = "decision_maker_coverage"
        case multiThreading = "multi_threading"
        case overdueActions = "overdue_actions"
        case stalledActions = "stalled_actions"
        case scorecard
        case scorecardTrend = "scorecard_trend"
        case customerEngagement = "customer_engagement"
        case revenueTrend = "revenue_trend"
        case assessmentFreshness = "assessment_freshness"

        /// A label for tables.
        public var label: String {
            switch self {
            case .decisionMakerCoverage: "Decision-maker coverage"
            case .multiThreading: "Multi-threading"
            case .overdueActions: "Overdue actions"
            case .stalledActions: "Stalled actions"
            case .scorecard: "Customer scorecard"
            case .scorecardTrend: "Scorecard trend"
            case .customerEngagement: "Customer engagement"
            case .revenueTrend: "Revenue trend"
            case .assessmentFreshness: "Assessment freshness"
            }
        }
    }

    public var kind: Kind
    /// 0–100; `nil` when there is no data (the signal then counts for nothing).
    public var value: Double?
    /// The configured weight.
    public var weight: Double
    /// Points this signal adds to the score: value × weight / (sum of the weights of the signals with data).
    public var contribution: Double
    /// What the value rests on ("3 of 4 key contacts have a strong relationship").
    public var detail: String
    /// Why this signal puts the account at risk, in words; `nil` when it does not.
    public var reason: String?

    enum CodingKeys: Int, CodingKey { case kind = 1, value = 2, weight = 3, contribution = 4, detail = 5, reason = 6 }
}
