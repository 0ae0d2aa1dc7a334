public import Foundation
public import KeyplanWire

/// The answers of one assessment, each on the scale ``scale`` (1 = not at all, 5 = fully).
@WireMessage
public struct AssessmentAnswers: Codable, Hashable, Sendable {
    /// The fixed answer scale.
    public static let scale: ClosedRange<Int> = 1...5

    /// Potential value: is the customer's organization and revenue growing? are current revenues
    /// strong? are there opportunities to grow our footprint?
    public var value: [Int]
    /// Relationship strength: trust; relationships with key stakeholders; strategic fit for us;
    /// how the customer views us in our industry; how they view us in theirs.
    public var relationship: [Int]

    public static let valueQuestions = ["organization and revenue growing", "current revenues strong", "opportunities to grow our footprint"]
    public static let relationshipQuestions = [
        "level of trust", "relationships with key stakeholders", "strategic fit for us",
        "how they view us in our industry", "how they view us in theirs",
    ]

    /// Why these answers cannot be scored, or `nil` when they can.
    public var problem: String? {
        if value.count != Self.valueQuestions.count { return "expected \(Self.valueQuestions.count) value answers, got \(value.count)" }
        if relationship.count != Self.relationshipQuestions.count {
            return "expected \(Self.relationshipQuestions.count) relationship answers, got \(relationship.count)"
        }
        if !(value + relationship).allSatisfy(Self.scale.contains) { return "every answer must be between 1 and 5" }
        return nil
    }

    enum CodingKeys: Int, CodingKey { case value = 1, relationship = 2 }
}

/// A cell of the Relationship/Revenue quadrant: relationship strength × potential value.
public enum Quadrant: String, Codable, Hashable, Sendable, CaseIterable {
    case strongHigh = "strong_high"
    case weakHigh = "weak_high"
    case strongLow = "strong_low"
    case weakLow = "weak_low"

    public init(strongRelationship: Bool, highValue: Bool) {
        switch (strongRelationship, highValue) {
        case (true, true): self = .strongHigh
        case (false, true): self = .weakHigh
        case (true, false): self = .strongLow
        case (false, false): self = .weakLow
        }
    }

    public var isStrongRelationship: Bool { self == .strongHigh || self == .strongLow }
    public var isHighValue: Bool { self == .strongHigh || self == .weakHigh }
}

/// Scores and classification of one assessment.
@WireMessage
public struct AssessmentScore: Codable, Hashable, Sendable {
    /// 0...100, two decimals.
    public var value: Decimal
    /// 0...100, two decimals.
    public var relationship: Decimal
    public var quadrant: Quadrant
    /// 1...4; 1 is always strong relationship and high value.
    public var priority: Int

    enum CodingKeys: Int, CodingKey { case value = 1, relationship = 2, quadrant = 3, priority = 4 }
}

/// A tenant's scoring rules. The defaults apply until a tenant changes them.
@WireMessage
public struct PortfolioSettings: Codable, Hashable, Sendable {
    /// One weight (0...10) per value question; default all 1.
    public var valueWeights: [Int]
    /// One weight (0...10) per relationship question; default all 1.
    public var relationshipWeights: [Int]
    /// A value score at or above this (0...100) is high value; default 50.
    public var valueThreshold: Decimal
    /// A relationship score at or above this (0...100) is a strong relationship; default 50.
    public var relationshipThreshold: Decimal
    /// Priorities 2, 3 and 4 (strong/high is always 1); default weak/high, strong/low, weak/low.
    public var priorityOrder: [Quadrant]
    /// An account whose last assessment is older than this (or that has none) is due for
    /// review; default 180 days.
    public var reviewIntervalDays: Int

    public static var defaults: PortfolioSettings {
        PortfolioSettings(
            valueWeights: [1, 1, 1], relationshipWeights: [1, 1, 1, 1, 1], valueThreshold: 50, relationshipThreshold: 50,
            priorityOrder: [.weakHigh, .strongLow, .weakLow], reviewIntervalDays: 180)
    }

    /// Why these settings are unusable, or `nil` when they are fine.
    public var problem: String? {
        func weightsProblem(_ weights: [Int], _ count: Int, _ name: String) -> String? {
            if weights.count != count { return "expected \(count) \(name) weights, got \(weights.count)" }
            if !weights.allSatisfy((0...10).contains) { return "\(name) weights must be between 0 and 10" }
            if weights.allSatisfy({ $0 == 0 }) { return "at least one \(name) weight must be above 0" }
            return nil
        }
        if let problem = weightsProblem(valueWeights, AssessmentAnswers.valueQuestions.count, "value") { return problem }
        if let problem = weightsProblem(relationshipWeights, AssessmentAnswers.relationshipQuestions.count, "relationship") { return problem }
        for threshold in [valueThreshold, relationshipThreshold] where threshold < 0 || threshold > 100 || threshold.rounded(2) != threshold {
            return "thresholds must be between 0 and 100 with at most two decimals"
        }
        if Set(priorityOrder) != [.weakHigh, .strongLow, .weakLow] || priorityOrder.count != 3 {
            return "the priority order must list weak_high, strong_low and weak_low once each"
        }
        if !(1...3650).contains(reviewIntervalDays) { return "the review interval must be 1 to 3650 days" }
        return nil
    }

    /// The priority of a quadrant: 1 for strong/high, then the tenant's order.
    public func priority(of quadrant: Quadrant) -> Int {
        quadrant == .strongHigh ? 1 : (priorityOrder.firstIndex(of: quadrant).map { $0 + 2 } ?? 4)
    }

    /// The quadrant of two scores. A score equal to its threshold falls on the strong/high side.
    public func quadrant(value: Decimal, relationship: Decimal) -> Quadrant {
        Quadrant(strongRelationship: relationship >= relationshipThreshold, highValue: value >= valueThreshold)
    }

    /// Scores answers: each score is the weighted mean of its answers mapped from 1...5 onto
    /// 0...100 (`(answer − 1) × 25`), rounded half-up to two decimals; then the quadrant and priority.
    /// The answers must have no ``AssessmentAnswers/problem`` and the settings none of their own.
    public func score(_ answers: AssessmentAnswers) -> AssessmentScore {
        let value = Self.weightedScore(answers.value, valueWeights)
        let relationship = Self.weightedScore(answers.relationship, relationshipWeights)
        let quadrant = quadrant(value: value, relationship: relationship)
        return AssessmentScore(value: value, relationship: relationship, quadrant: quadrant, priority: priority(of: quadrant))
    }

    static func weightedScore(_ answers: [Int], _ weights: [Int]) -> Decimal {
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return 0 }
        let points = zip(answers, weights).reduce(0) { $0 + ($1.0 - AssessmentAnswers.scale.lowerBound) * $1.1 }
        let span = AssessmentAnswers.scale.upperBound - AssessmentAnswers.scale.lowerBound
        return (Decimal(points * 100) / Decimal(totalWeight * span)).rounded(2)
    }

    enum CodingKeys: Int, CodingKey {
        case valueWeights = 1, relationshipWeights = 2, valueThreshold = 3, relationshipThreshold = 4, priorityOrder = 5
        case reviewIntervalDays = 6
    }
}

extension Decimal {
    /// Rounded half away from zero to `scale` decimals (as PostgreSQL rounds numeric).
    public func rounded(_ scale: Int, _ mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, mode)
        return result
    }
}
