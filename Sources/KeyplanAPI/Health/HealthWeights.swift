public import KeyplanWire

/// How much each signal counts in a tenant's health score. Weights are relative (they need not
/// add up to 100); a signal without data (no scorecard yet, no revenue history) drops out and the
/// others share its weight, which the explanation says.
@WireMessage
public struct HealthWeights: Codable, Hashable, Sendable {
    public var decisionMakerCoverage: Double
    public var multiThreading: Double
    public var overdueActions: Double
    public var stalledActions: Double
    public var scorecard: Double
    public var scorecardTrend: Double
    public var customerEngagement: Double
    public var revenueTrend: Double
    public var assessmentFreshness: Double

    public init(
        decisionMakerCoverage: Double = 0, multiThreading: Double = 0, overdueActions: Double = 0, stalledActions: Double = 0,
        scorecard: Double = 0, scorecardTrend: Double = 0, customerEngagement: Double = 0, revenueTrend: Double = 0,
        assessmentFreshness: Double = 0
    ) {
        self.decisionMakerCoverage = decisionMakerCoverage
        self.multiThreading = multiThreading
        self.overdueActions = overdueActions
        self.stalledActions = stalledActions
        self.scorecard = scorecard
        self.scorecardTrend = scorecardTrend
        self.customerEngagement = customerEngagement
        self.revenueTrend = revenueTrend
        self.assessmentFreshness = assessmentFreshness
    }

    /// The weight of one signal.
    public subscript(kind: HealthSignal.Kind) -> Double {
        get { self[keyPath: Self.field(of: kind)] }
        set { self[keyPath: Self.field(of: kind)] = newValue }
    }

    /// Where each signal's weight is kept.
    static func field(of kind: HealthSignal.Kind) -> WritableKeyPath<HealthWeights, Double> {
        switch kind {
        case .decisionMakerCoverage: \.decisionMakerCoverage
        case .multiThreading: \.multiThreading
        case .overdueActions: \.overdueActions
        case .stalledActions: \.stalledActions
        case .scorecard: \.scorecard
        case .scorecardTrend: \.scorecardTrend
        case .customerEngagement: \.customerEngagement
        case .revenueTrend: \.revenueTrend
        case .assessmentFreshness: \.assessmentFreshness
        }
    }

    /// Keyplan's defaults: the published formula's three pillars — relationship (decision-maker
    /// coverage 20, multi-threading 10), tasks (overdue actions 20, stalled actions 5) and value
    /// (scorecard 20, its trend 5) — plus what tells a plan is alive: customer engagement 10,
    /// revenue trend 5, assessment freshness 5. Total 100.
    public static var defaults: HealthWeights {
        HealthWeights(
            decisionMakerCoverage: 20, multiThreading: 10, overdueActions: 20, stalledActions: 5, scorecard: 20,
            scorecardTrend: 5, customerEngagement: 10, revenueTrend: 5, assessmentFreshness: 5)
    }

    /// The published formula exactly: (relationship + tasks + value) / 3, relationship being
    /// decision-maker coverage, tasks the overdue rule, value the latest scorecard.
    public static var published: HealthWeights {
        HealthWeights(decisionMakerCoverage: 1, overdueActions: 1, scorecard: 1)
    }

    /// `nil` when valid, else what is wrong.
    public var problem: String? {
        if let bad = HealthSignal.Kind.allCases.first(where: { !self[$0].isFinite || self[$0] < 0 || self[$0] > 1000 }) {
            return "the weight of \(bad.rawValue) must be between 0 and 1000"
        }
        if HealthSignal.Kind.allCases.allSatisfy({ self[$0] == 0 }) { return "at least one weight must be above 0" }
        return nil
    }

    enum CodingKeys: Int, CodingKey {
        case decisionMakerCoverage = 1, multiThreading = 2, overdueActions = 3, stalledActions = 4, scorecard = 5
        case scorecardTrend = 6
        case customerEngagement = 7, revenueTrend = 8, assessmentFreshness = 9
    }
}
