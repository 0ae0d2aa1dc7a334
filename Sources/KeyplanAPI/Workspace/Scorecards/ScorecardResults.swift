public import Foundation
public import KeyplanWire

/// The results of one scoring round, computed from its answers: per criterion the mean and the
/// spread across respondents, the overall weighted average, the response rate, and the
/// strongest and weakest criteria. A pure value: the server computes it, tests check it on
/// known answers.
///
/// All figures are unrounded `Double`s; round them for display only.
@WireMessage
public struct ScorecardResults: Codable, Hashable, Sendable {
    /// One respondent's score of one criterion.
    public struct Answer: Hashable, Sendable {
        public var respondentID: UUID
        public var criterionID: UUID
        public var score: Int

        public init(respondentID: UUID, criterionID: UUID, score: Int) {
            self.respondentID = respondentID
            self.criterionID = criterionID
            self.score = score
        }
    }

    /// One criterion across respondents. Respondents may skip a criterion, so each has its own count.
    @WireMessage
    public struct Criterion: Codable, Hashable, Sendable {
        public var criterionID: UUID
        public var name: String
        public var weight: Double
        /// How many respondents scored it.
        public var respondentCount: Int
        /// The mean score; `nil` when nobody scored it.
        public var mean: Double?
        public var minimum: Int?
        public var maximum: Int?
        /// The population standard deviation of the scores (0 for one respondent).
        public var standardDeviation: Double?

        enum CodingKeys: Int, CodingKey {
            case criterionID = 1, name = 2, weight = 3, respondentCount = 4, mean = 5, minimum = 6, maximum = 7
            case standardDeviation = 8
        }
    }

    /// In the template's order.
    public var criteria: [Criterion]
    /// Σ weight × mean ÷ Σ weight over the criteria somebody scored; `nil` without answers.
    public var overall: Double?
    /// Customers who answered.
    public var respondentCount: Int
    /// Customers asked: those invited, and respondents no longer invited.
    public var invitedCount: Int
    /// ``respondentCount`` ÷ ``invitedCount``, 0...1; `nil` when nobody is invited.
    public var responseRate: Double?
    /// The criteria with the highest mean, in template order (several on a tie). Empty when
    /// fewer than two different means exist: nothing stands out then.
    public var strongest: [UUID]
    /// The criteria with the lowest mean, as ``strongest``.
    public var weakest: [UUID]

    /// Computes the results of `answers` to `criteria` (the seller view: a criterion without a
    /// weight counts as weight 0 and so not in ``overall``). Answers to other criteria are ignored.
    public init(criteria: [ScorecardCriterion], answers: [Answer], invitedCount: Int) {
        var scores: [UUID: [Int]] = [:]
        var respondents = Set<UUID>()
        let known = Set(criteria.map(\.id))
        for answer in answers where known.contains(answer.criterionID) {
            scores[answer.criterionID, default: []].append(answer.score)
            respondents.insert(answer.respondentID)
        }
        self.criteria = criteria.map { criterion in
            let values = scores[criterion.id] ?? []
            let mean = values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
            let deviation = mean.map { mean in
                (values.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            }
            return Criterion(
                criterionID: criterion.id, name: criterion.name, weight: criterion.weight ?? 0, respondentCount: values.count,
                mean: mean, minimum: values.min(), maximum: values.max(), standardDeviation: deviation)
        }
        let scored = self.criteria.compactMap { criterion in criterion.mean.map { (criterion, $0) } }
        let totalWeight = scored.reduce(0) { $0 + $1.0.weight }
        overall = totalWeight > 0 ? scored.reduce(0) { $0 + $1.0.weight * $1.1 } / totalWeight : nil
        respondentCount = respondents.count
        self.invitedCount = max(invitedCount, respondents.count)
        responseRate = self.invitedCount > 0 ? Double(respondents.count) / Double(self.invitedCount) : nil
        let means = scored.map(\.1)
        if let highest = means.max(), let lowest = means.min(), highest > lowest {
            strongest = scored.filter { $0.1 == highest }.map(\.0.criterionID)
            weakest = scored.filter { $0.1 == lowest }.map(\.0.criterionID)
        } else {
            strongest = []
            weakest = []
        }
    }

    /// The result of one criterion.
    public func criterion(_ id: UUID) -> Criterion? { criteria.first { $0.criterionID == id } }

    enum CodingKeys: Int, CodingKey {
        case criteria = 1, overall = 2, respondentCount = 3, invitedCount = 4, responseRate = 5, strongest = 6
        case weakest = 7
    }
}

/// A round and its results.
@WireMessage
public struct RoundResults: Codable, Hashable, Sendable {
    public var round: ScoringRound
    public var results: ScorecardResults

    enum CodingKeys: Int, CodingKey { case round = 1, results = 2 }
}
