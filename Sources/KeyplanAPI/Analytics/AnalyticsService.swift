import Foundation
import KeyplanRPC
import KeyplanWire

/// `keyplan.Analytics`: whether planning pays, over the whole tenant, computed in SQL.
/// Seller-internal; for admins, leaders and marketing.
public enum AnalyticsService {
    public static let name = "keyplan.Analytics"
    public static let portfolio = RPCMethod<Empty, PortfolioAnalytics>.read(name, "Portfolio")
}

/// The tenant's results. Shares are fractions 0–1 of the accounts counted (strategic accounts
/// for plan figures; all but archived ones for the comparisons).
@WireMessage
public struct PortfolioAnalytics: Codable, Hashable, Sendable {
    public var strategicAccounts: Int
    public var otherAccounts: Int
    public var completeness: PlanCompleteness
    public var execution: PlanExecution
    public var engagement: CustomerEngagement
    public var scorecards: ScorecardTrends
    /// One entry per currency: amounts in different currencies are never added.
    public var revenueGrowth: [RevenueGrowth]
    public var winRate: WinRate

    public init(
        strategicAccounts: Int, otherAccounts: Int, completeness: PlanCompleteness, execution: PlanExecution,
        engagement: CustomerEngagement, scorecards: ScorecardTrends, revenueGrowth: [RevenueGrowth], winRate: WinRate
    ) {
        self.strategicAccounts = strategicAccounts
        self.otherAccounts = otherAccounts
        self.completeness = completeness
        self.execution = execution
        self.engagement = engagement
        self.scorecards = scorecards
        self.revenueGrowth = revenueGrowth
        self.winRate = winRate
    }

    enum CodingKeys: Int, CodingKey {
        case strategicAccounts = 1, otherAccounts, completeness, execution, engagement, scorecards, revenueGrowth, winRate
    }
}

/// How many strategic plans have each part, present and current: goals (any), a relationship
/// map (a decision maker mapped), a scorecard answered in the last 180 days, an action plan
/// touched in the last 90 days; and all four.
@WireMessage
public struct PlanCompleteness: Codable, Hashable, Sendable {
    public var withGoals: Int
    public var withMap: Int
    public var withCurrentScorecard: Int
    public var withCurrentActionPlan: Int
    public var complete: Int

    public init(withGoals: Int, withMap: Int, withCurrentScorecard: Int, withCurrentActionPlan: Int, complete: Int) {
        self.withGoals = withGoals
        self.withMap = withMap
        self.withCurrentScorecard = withCurrentScorecard
        self.withCurrentActionPlan = withCurrentActionPlan
        self.complete = complete
    }

    enum CodingKeys: Int, CodingKey { case withGoals = 1, withMap, withCurrentScorecard, withCurrentActionPlan, complete }
}

/// Actions of strategic accounts: those done in the last 12 months with a due date, how many of
/// them on time, and the open ones past due now.
@WireMessage
public struct PlanExecution: Codable, Hashable, Sendable {
    public var doneWithDueDate: Int
    public var doneOnTime: Int
    public var overdueNow: Int

    public init(doneWithDueDate: Int, doneOnTime: Int, overdueNow: Int) {
        self.doneWithDueDate = doneWithDueDate
        self.doneOnTime = doneOnTime
        self.overdueNow = overdueNow
    }

    /// `nil` when nothing with a due date was done.
    public var onTimeRate: Double? { doneWithDueDate == 0 ? nil : Double(doneOnTime) / Double(doneWithDueDate) }

    enum CodingKeys: Int, CodingKey { case doneWithDueDate = 1, doneOnTime, overdueNow }
}

/// How the customers of strategic accounts take part: accounts whose customer viewed or edited
/// the plan, or answered a scorecard, in the last 30 and 90 days; their edits in the last 30.
@WireMessage
public struct CustomerEngagement: Codable, Hashable, Sendable {
    public var activeAccounts30: Int
    public var activeAccounts90: Int
    public var customerEdits30: Int

    public init(activeAccounts30: Int, activeAccounts90: Int, customerEdits30: Int) {
        self.activeAccounts30 = activeAccounts30
        self.activeAccounts90 = activeAccounts90
        self.customerEdits30 = customerEdits30
    }

    enum CodingKeys: Int, CodingKey { case activeAccounts30 = 1, activeAccounts90, customerEdits30 }
}

/// Latest scorecards of strategic accounts on 0–100 (each on its template's scale), and how they
/// moved against the round before (same template).
@WireMessage
public struct ScorecardTrends: Codable, Hashable, Sendable {
    public var scoredAccounts: Int
    /// The mean of the latest overall scores, 0–100; `nil` when none.
    public var averageLatest: Double?
    /// The mean change against the round before, in points of 0–100, over accounts with two rounds.
    public var averageChange: Double?
    public var improved: Int
    public var declined: Int

    public init(scoredAccounts: Int, averageLatest: Double?, averageChange: Double?, improved: Int, declined: Int) {
        self.scoredAccounts = scoredAccounts
        self.averageLatest = averageLatest
        self.averageChange = averageChange
        self.improved = improved
        self.declined = declined
    }

    enum CodingKeys: Int, CodingKey { case scoredAccounts = 1, averageLatest, averageChange, improved, declined }
}

/// Revenue of the last 12 full months against the 12 before, strategic accounts against the rest.
@WireMessage
public struct RevenueGrowth: Codable, Hashable, Sendable {
    public var currency: String
    public var strategicLast12: Decimal
    public var strategicPrevious12: Decimal
    public var otherLast12: Decimal
    public var otherPrevious12: Decimal

    public init(currency: String, strategicLast12: Decimal, strategicPrevious12: Decimal, otherLast12: Decimal, otherPrevious12: Decimal) {
        self.currency = currency
        self.strategicLast12 = strategicLast12
        self.strategicPrevious12 = strategicPrevious12
        self.otherLast12 = otherLast12
        self.otherPrevious12 = otherPrevious12
    }

    /// Growth as a fraction (0.1 = 10%); `nil` without an earlier period.
    public var strategicGrowth: Double? { Self.growth(strategicLast12, strategicPrevious12) }
    public var otherGrowth: Double? { Self.growth(otherLast12, otherPrevious12) }

    static func growth(_ last: Decimal, _ previous: Decimal) -> Double? {
        previous > 0 ? NSDecimalNumber(decimal: (last - previous) / previous).doubleValue : nil
    }

    enum CodingKeys: Int, CodingKey { case currency = 1, strategicLast12, strategicPrevious12, otherLast12, otherPrevious12 }
}

/// Opportunities closed (won or lost) in the last 12 months, in strategic accounts and in the rest.
@WireMessage
public struct WinRate: Codable, Hashable, Sendable {
    public var strategicClosed: Int
    public var strategicWon: Int
    public var otherClosed: Int
    public var otherWon: Int

    public init(strategicClosed: Int, strategicWon: Int, otherClosed: Int, otherWon: Int) {
        self.strategicClosed = strategicClosed
        self.strategicWon = strategicWon
        self.otherClosed = otherClosed
        self.otherWon = otherWon
    }

    public var strategicRate: Double? { strategicClosed == 0 ? nil : Double(strategicWon) / Double(strategicClosed) }
    public var otherRate: Double? { otherClosed == 0 ? nil : Double(otherWon) / Double(otherClosed) }

    enum CodingKeys: Int, CodingKey { case strategicClosed = 1, strategicWon, otherClosed, otherWon }
}

extension KeyplanClient {
    public func portfolioAnalytics() async throws -> PortfolioAnalytics {
        try await call(AnalyticsService.portfolio, Empty())
    }
}
