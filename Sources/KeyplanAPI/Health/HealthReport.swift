import Foundation
public import KeyplanWire

/// An account's health: the score (0–100), its band, and every signal that makes it up.
///
///     let report = HealthReport(inputs: inputs, weights: .defaults)
///     report.score      // Σ value × weight / Σ weight, over the signals with data
///     report.reasons    // the weak signals' reasons, weakest first
@WireMessage
public struct HealthReport: Codable, Hashable, Sendable {
    public enum Band: String, Codable, Hashable, Sendable, CaseIterable {
        /// 67 and above.
        case high
        /// 34 to 66.
        case medium
        /// 33 and below.
        case low

        public init(score: Double) {
            self = score >= 67 ? .high : score > 33 ? .medium : .low
        }
    }

    /// How the weights were shared out when signals with a weight have no data; `nil` when every
    /// weighted signal has data (each then counts with its configured share).
    @WireMessage
    public struct Renormalization: Codable, Hashable, Sendable {
        /// The weighted signals without data: they count for nothing.
        public var withoutData: [HealthSignal.Kind]
        /// The sum of all configured weights, and of those of the signals with data: each signal's
        /// points are value × weight / `weightWithData`, not / `totalWeight`.
        public var totalWeight: Double
        public var weightWithData: Double

        enum CodingKeys: Int, CodingKey { case withoutData = 1, totalWeight = 2, weightWithData = 3 }

        /// What `signals` say about it: `nil` when no signal with a weight lacks data.
        init?(_ signals: [HealthSignal]) {
            let missing = signals.filter { $0.value == nil && $0.weight > 0 }
            guard !missing.isEmpty else { return nil }
            self.init(
                withoutData: missing.map(\.kind), totalWeight: signals.reduce(0) { $0 + $1.weight },
                weightWithData: signals.reduce(0) { $0 + ($1.value == nil ? 0 : $1.weight) })
        }
    }

    /// Rounded to two decimals.
    public var score: Double
    public var band: Band
    public var signals: [HealthSignal]
    /// Derived from `signals`, and sent so that every reader of the score can say it was rescaled.
    /// Optional so that reports stored before it existed still decode.
    public var renormalization: Renormalization?

    public init(score: Double, band: Band, signals: [HealthSignal]) {
        self.score = score
        self.band = band
        self.signals = signals
        self.renormalization = Renormalization(signals)
    }

    enum CodingKeys: Int, CodingKey { case score = 1, band = 2, signals = 3, renormalization = 4 }

    /// A signal is weak, and gives a reason, below this value.
    public static let weakBelow = 50.0

    /// Computes the report. A signal without data, or with weight 0, contributes nothing; when
    /// no signal has data the score is 0.
    public init(inputs: HealthInputs, weights: HealthWeights) {
        let evaluated = HealthSignal.Kind.allCases.map { kind in (kind, HealthEvaluation.evaluate(kind, inputs)) }
        let totalWeight = evaluated.reduce(0.0) { total, entry in entry.1.value == nil ? total : total + weights[entry.0] }
        var score = 0.0
        signals = evaluated.map { kind, evaluation in
            let weight = weights[kind]
            let contribution = evaluation.value.map { totalWeight > 0 ? $0 * weight / totalWeight : 0 } ?? 0
            score += contribution
            let isWeak = weight > 0 && (evaluation.value ?? 100) < Self.weakBelow
            return HealthSignal(
                kind: kind, value: evaluation.value.map(Self.rounded), weight: weight, contribution: Self.rounded(contribution),
                detail: evaluation.detail, reason: isWeak ? evaluation.reason : nil)
        }
        self.score = Self.rounded(score)
        self.band = Band(score: self.score)
        self.renormalization = Renormalization(signals)
    }

    /// The reasons of the weak signals, weakest first (ties: heavier weight first).
    public var reasons: [String] {
        signals.filter { $0.reason != nil }
            .sorted { ($0.value ?? 0, -$0.weight) < ($1.value ?? 0, -$1.weight) }
            .compactMap(\.reason)
    }

    /// Rounded to two decimals, as scores are shown and stored.
    public static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

/// The value, detail and reason of each signal: the published rules and Keyplan's own, in one place.
enum HealthEvaluation {
    struct Result {
        var value: Double?
        var detail: String
        var reason: String?
    }

    static func evaluate(_ kind: HealthSignal.Kind, _ inputs: HealthInputs) -> Result {
        switch kind {
        case .decisionMakerCoverage: decisionMakerCoverage(inputs)
        case .multiThreading: multiThreading(inputs)
        case .overdueActions: overdueActions(inputs)
        case .stalledActions: stalledActions(inputs)
        case .scorecard: scorecard(inputs)
        case .scorecardTrend: scorecardTrend(inputs)
        case .customerEngagement: customerEngagement(inputs)
        case .revenueTrend: revenueTrend(inputs)
        case .assessmentFreshness: assessmentFreshness(inputs)
        }
    }

    /// The share of key contacts (decision makers, high influence) with a strong relationship;
    /// where there are decision makers, their own share counts for half, since they decide.
    static func decisionMakerCoverage(_ inputs: HealthInputs) -> Result {
        guard inputs.keyContacts > 0 else {
            return Result(value: 0, detail: "no decision maker or high-influence contact on the map", reason: "no decision maker mapped")
        }
        let keyShare = Double(inputs.keyContactsCovered) / Double(inputs.keyContacts)
        let value =
            inputs.decisionMakers > 0
            ? 50 * (Double(inputs.decisionMakersCovered) / Double(inputs.decisionMakers) + keyShare)
            : 100 * keyShare
        let detail =
            "\(inputs.keyContactsCovered) of \(inputs.keyContacts) key contacts and \(inputs.decisionMakersCovered) of \(inputs.decisionMakers) decision makers have a strong relationship"
        if inputs.decisionMakers > 0 && inputs.decisionMakersCovered == 0 {
            return Result(value: value, detail: detail, reason: "no strong relationship with any decision maker")
        }
        let uncovered = inputs.keyContacts - inputs.keyContactsCovered
        return Result(value: value, detail: detail, reason: "\(uncovered) of \(inputs.keyContacts) key contacts have no strong relationship")
    }

    /// 0 strong relationships: 0; one of us holds them all: 33; two: 67; three or more: 100.
    static func multiThreading(_ inputs: HealthInputs) -> Result {
        let sellers = Set(inputs.stronglyConnectedSellers).sorted()
        switch sellers.count {
        case 0:
            return Result(
                value: 0, detail: "nobody on our team has a strong relationship", reason: "no strong relationship with anyone at the customer")
        case 1:
            return Result(
                value: 100.0 / 3, detail: "only \(sellers[0]) has strong relationships",
                reason: "single-threaded: only \(sellers[0]) has a strong relationship")
        case 2: return Result(value: 200.0 / 3, detail: "\(sellers.joined(separator: " and ")) have strong relationships", reason: nil)
        default: return Result(value: 100, detail: "\(sellers.count) of our team have strong relationships", reason: nil)
        }
    }

    /// The published rule: 100 when nothing is overdue, 33 when the worst is 1–7 days late, 0 beyond.
    static func overdueActions(_ inputs: HealthInputs) -> Result {
        guard inputs.overdueActions > 0, inputs.worstOverdueDays > 0 else { return Result(value: 100, detail: "no action is overdue", reason: nil) }
        let actions = inputs.overdueActions == 1 ? "1 action is overdue" : "\(inputs.overdueActions) actions are overdue"
        let detail = "\(actions), the worst by \(days(inputs.worstOverdueDays))"
        return Result(value: inputs.worstOverdueDays <= 7 ? 33 : 0, detail: detail, reason: detail)
    }

    /// 100 less 25 per stalled action.
    static func stalledActions(_ inputs: HealthInputs) -> Result {
        guard inputs.stalledActions > 0 else { return Result(value: 100, detail: "no action is stalled", reason: nil) }
        let detail =
            inputs.stalledActions == 1
            ? "1 action is stalled (blocked or untouched for 30 days)"
            : "\(inputs.stalledActions) actions are stalled (blocked or untouched for 30 days)"
        return Result(value: max(0, 100 - 25 * Double(inputs.stalledActions)), detail: detail, reason: detail)
    }

    /// The latest overall score placed on 0–100 by the template's scale.
    static func scorecard(_ inputs: HealthInputs) -> Result {
        guard let latest = inputs.latestScorecard else { return Result(value: nil, detail: "the customer has not scored us yet", reason: nil) }
        let value = normalized(latest, inputs.scorecardScale)
        let detail = "the customer scored us \(decimal(latest)) of \(decimal(inputs.scorecardScale.upperBound))"
        return Result(
            value: value, detail: detail, reason: "the customer scores us \(decimal(latest)) of \(decimal(inputs.scorecardScale.upperBound))")
    }

    /// 50 when flat, ±2.5 per point of the 0–100 scale gained or lost since the round before.
    static func scorecardTrend(_ inputs: HealthInputs) -> Result {
        guard let latest = inputs.latestScorecard, let previous = inputs.previousScorecard else {
            return Result(value: nil, detail: "fewer than two scoring rounds", reason: nil)
        }
        let change = normalized(latest, inputs.scorecardScale) - normalized(previous, inputs.scorecardScale)
        let verb = latest < previous ? "fell" : latest > previous ? "rose" : "held"
        let detail =
            verb == "held" ? "the scorecard held at \(decimal(latest))" : "the scorecard \(verb) from \(decimal(previous)) to \(decimal(latest))"
        return Result(value: clamp(50 + 2.5 * change), detail: detail, reason: detail)
    }

    /// Half recency (14 days: 100, 30: 75, 60: 40, 90: 15, beyond or never: 0), half frequency
    /// (active days in the last 90; 12 or more — about weekly — is 100).
    static func customerEngagement(_ inputs: HealthInputs) -> Result {
        guard let daysSince = inputs.daysSinceCustomerActivity else {
            return Result(value: 0, detail: "the customer has never opened the plan", reason: "the customer has never opened the plan")
        }
        let recency: Double = daysSince <= 14 ? 100 : daysSince <= 30 ? 75 : daysSince <= 60 ? 40 : daysSince <= 90 ? 15 : 0
        let frequency = min(100, Double(inputs.customerActiveDays90) * 100 / 12)
        let detail = "last customer activity \(days(daysSince)) ago, active on \(inputs.customerActiveDays90) of the last 90 days"
        return Result(value: (recency + frequency) / 2, detail: detail, reason: "no customer activity in \(days(daysSince))")
    }

    /// 50 when flat, ±2.5 per percent of growth against the 12 months before.
    static func revenueTrend(_ inputs: HealthInputs) -> Result {
        guard let last = inputs.revenueLast12Months, let previous = inputs.revenuePrevious12Months, previous > 0 else {
            return Result(value: nil, detail: "no revenue for the 12 months before last", reason: nil)
        }
        let growth = NSDecimalNumber(decimal: (last - previous) / previous * 100).doubleValue
        let percent = Int(abs(growth).rounded())
        let detail = growth < 0 ? "revenue fell \(percent)% against the 12 months before" : "revenue grew \(percent)% against the 12 months before"
        return Result(value: clamp(50 + 2.5 * growth), detail: detail, reason: detail)
    }

    /// 100 within the review interval, then falling to 0 at three intervals; never assessed: 0.
    static func assessmentFreshness(_ inputs: HealthInputs) -> Result {
        guard let age = inputs.daysSinceAssessment else {
            return Result(value: 0, detail: "never assessed", reason: "the account was never assessed")
        }
        let interval = Double(max(1, inputs.reviewIntervalDays))
        let value = Double(age) <= interval ? 100 : clamp(100 * (3 * interval - Double(age)) / (2 * interval))
        return Result(value: value, detail: "last assessed \(days(age)) ago", reason: "the last assessment is \(days(age)) old")
    }

    static func normalized(_ score: Double, _ scale: ClosedRange<Double>) -> Double {
        guard scale.upperBound > scale.lowerBound else { return 0 }
        return clamp(100 * (score - scale.lowerBound) / (scale.upperBound - scale.lowerBound))
    }

    static func clamp(_ value: Double) -> Double { min(100, max(0, value)) }

    static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// One decimal, without a trailing ".0" ("8.1", "7").
    static func decimal(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}
