public import Foundation
public import KeyplanWire

/// How an account's scores of one template move across its rounds: the overall score and each
/// criterion's mean per round, with the change from the round before. A pure value built from
/// rounds' results.
@WireMessage
public struct ScorecardTrend: Codable, Hashable, Sendable {
    /// One criterion's mean in one round.
    @WireMessage
    public struct CriterionPoint: Codable, Hashable, Sendable {
        public var criterionID: UUID
        public var mean: Double?
        /// `mean` minus the previous round's mean; `nil` for the first round or when either is missing.
        public var change: Double?

        enum CodingKeys: Int, CodingKey { case criterionID = 1, mean = 2, change = 3 }
    }

    /// One round.
    @WireMessage
    public struct Point: Codable, Hashable, Sendable {
        public var roundID: UUID
        public var period: String
        public var openedAt: Date
        public var isOpen: Bool
        public var overall: Double?
        /// `overall` minus the previous round's; `nil` for the first round or when either is missing.
        public var overallChange: Double?
        public var respondentCount: Int
        public var responseRate: Double?
        /// In the template's criterion order.
        public var criteria: [CriterionPoint]

        enum CodingKeys: Int, CodingKey {
            case roundID = 1, period = 2, openedAt = 3, isOpen = 4, overall = 5, overallChange = 6, respondentCount = 7
            case responseRate = 8, criteria = 9
        }
    }

    public var templateID: UUID
    public var templateName: String
    public var criteria: [ScorecardCriterion]
    /// Oldest first: by period, then by when the round opened.
    public var points: [Point]

    /// The trend of `rounds`, given in order, each with its results for `template`.
    public init(template: ScorecardTemplate, rounds: [(round: ScoringRound, results: ScorecardResults)]) {
        templateID = template.id
        templateName = template.name
        criteria = template.criteria
        var points: [Point] = []
        for (round, results) in rounds {
            let previous = points.last
            func change(_ now: Double?, _ before: Double?) -> Double? {
                guard let now, let before else { return nil }
                return now - before
            }
            let criteria = template.criteria.map { criterion in
                let mean = results.criterion(criterion.id)?.mean
                let before = previous?.criteria.first { $0.criterionID == criterion.id }?.mean
                return CriterionPoint(criterionID: criterion.id, mean: mean, change: change(mean, before))
            }
            points.append(
                Point(
                    roundID: round.id, period: round.period, openedAt: round.openedAt, isOpen: round.isOpen, overall: results.overall,
                    overallChange: change(results.overall, previous?.overall), respondentCount: results.respondentCount,
                    responseRate: results.responseRate, criteria: criteria))
        }
        self.points = points
    }

    enum CodingKeys: Int, CodingKey { case templateID = 1, templateName = 2, criteria = 3, points = 4 }
}

extension ScorecardTrend {
    /// The overall score across rounds as a picture, labelled by period, on the template's
    /// `scale`; rounds without answers are left out.
    public func chart(scale: ClosedRange<Double>) -> TrendChart {
        TrendChart(
            title: "\(templateName): overall score",
            points: points.compactMap { point in point.overall.map { TrendChart.Point(label: point.period, value: $0) } },
            range: scale)
    }
}
