public import Foundation
public import KeyplanWire

/// The facts about one account that its health is computed from, gathered by the server from
/// the workspace (map, scorecards, action plan, activity, revenue, assessments). Pure data, so
/// the score can be recomputed and explained anywhere.
@WireMessage
public struct HealthInputs: Codable, Hashable, Sendable {
    /// Decision makers and high-influence contacts on the relationship map.
    public var keyContacts: Int
    /// Of those, the ones at least one of our team has a strong relationship with.
    public var keyContactsCovered: Int
    /// Decision makers on the map, and those with a strong relationship.
    public var decisionMakers: Int
    public var decisionMakersCovered: Int
    /// Our team members with a strong relationship to anyone on the map, by name.
    public var stronglyConnectedSellers: [String]
    /// The latest closed-or-open scoring round's overall score and the one before, on the
    /// template's scale; `nil` when there is no such round.
    public var latestScorecard: Double?
    public var previousScorecard: Double?
    public var scorecardScale: ClosedRange<Double>
    /// Days since the customer's people last viewed or edited the plan or answered a scorecard;
    /// `nil` when they never did.
    public var daysSinceCustomerActivity: Int?
    /// Days with customer activity in the last 90.
    public var customerActiveDays90: Int
    /// Open actions past their due date, and how late the worst is (days).
    public var overdueActions: Int
    public var worstOverdueDays: Int
    /// Open actions not updated for 30 days or more, or blocked.
    public var stalledActions: Int
    /// Revenue of the last 12 months and of the 12 before; `nil` when unknown.
    public var revenueLast12Months: Decimal?
    public var revenuePrevious12Months: Decimal?
    /// Days since the account was last assessed; `nil` when never.
    public var daysSinceAssessment: Int?
    /// The tenant's review interval for assessments (days).
    public var reviewIntervalDays: Int

    public init(
        keyContacts: Int = 0, keyContactsCovered: Int = 0, decisionMakers: Int = 0, decisionMakersCovered: Int = 0,
        stronglyConnectedSellers: [String] = [], latestScorecard: Double? = nil, previousScorecard: Double? = nil,
        scorecardScale: ClosedRange<Double> = 1...10, daysSinceCustomerActivity: Int? = nil, customerActiveDays90: Int = 0,
        overdueActions: Int = 0, worstOverdueDays: Int = 0, stalledActions: Int = 0,
        revenueLast12Months: Decimal? = nil, revenuePrevious12Months: Decimal? = nil,
        daysSinceAssessment: Int? = nil, reviewIntervalDays: Int = 90
    ) {
        self.keyContacts = keyContacts
        self.keyContactsCovered = keyContactsCovered
        self.decisionMakers = decisionMakers
        self.decisionMakersCovered = decisionMakersCovered
        self.stronglyConnectedSellers = stronglyConnectedSellers
        self.latestScorecard = latestScorecard
        self.previousScorecard = previousScorecard
        self.scorecardScale = scorecardScale
        self.daysSinceCustomerActivity = daysSinceCustomerActivity
        self.customerActiveDays90 = customerActiveDays90
        self.overdueActions = overdueActions
        self.worstOverdueDays = worstOverdueDays
        self.stalledActions = stalledActions
        self.revenueLast12Months = revenueLast12Months
        self.revenuePrevious12Months = revenuePrevious12Months
        self.daysSinceAssessment = daysSinceAssessment
        self.reviewIntervalDays = reviewIntervalDays
    }

    enum CodingKeys: Int, CodingKey {
        case keyContacts = 1, keyContactsCovered = 2, decisionMakers = 3, decisionMakersCovered = 4
        case stronglyConnectedSellers = 5
        case latestScorecard = 6, previousScorecard = 7, scorecardScale = 8, daysSinceCustomerActivity = 9
        case customerActiveDays90 = 10
        case overdueActions = 11, worstOverdueDays = 12, stalledActions = 13, revenueLast12Months = 14
        case revenuePrevious12Months = 15
        case daysSinceAssessment = 16, reviewIntervalDays = 17
    }
}
