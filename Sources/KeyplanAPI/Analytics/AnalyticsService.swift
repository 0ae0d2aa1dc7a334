public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Analytics`: whether planning pays, over the whole tenant, computed in SQL.
/// Seller-internal; for admins, leaders and marketing.
public enum AnalyticsService {
    public static let name = "keyplan.Analytics"
    /// The tenant's results, or those of the accounts planned for one objective.
    public static let portfolio = RPCMethod<AnalyticsQuery, PortfolioAnalytics>.read(name, "Portfolio")
    /// The same results once per account objective, and once for accounts without one, from one snapshot.
    public static let byObjective = RPCMethod<Empty, ObjectiveAnalyticsReport>.read(name, "ByObjective")
}

/// Which accounts the analytics count.
@WireMessage
public struct AnalyticsQuery: Codable, Hashable, Sendable {
    /// Only accounts planned for this objective; `nil` for every account.
    public var objective: AccountObjective?

    public init(objective: AccountObjective? = nil) { self.objective = objective }

    enum CodingKeys: Int, CodingKey { case objective = 1 }
}

/// The analytics of each account objective: the four objectives in their order, then the accounts
/// without one (when there are any).
@WireMessage
public struct ObjectiveAnalyticsReport: Codable, Hashable, Sendable {
    public var groups: [ObjectiveAnalytics]

    public init(groups: [ObjectiveAnalytics]) { self.groups = groups }

    enum CodingKeys: Int, CodingKey { case groups = 1 }
}

@WireMessage
public struct ObjectiveAnalytics: Codable, Hashable, Sendable {
    /// `nil` for the accounts without an objective.
    public var objective: AccountObjective?
    public var analytics: PortfolioAnalytics

    public init(objective: AccountObjective?, analytics: PortfolioAnalytics) {
        self.objective = objective
        self.analytics = analytics
    }

    enum CodingKeys: Int, CodingKey { case objective = 1, analytics = 2 }
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
    /// The objective whose accounts were counted (``AnalyticsQuery/objective``); `nil` for all.
    public var objective: AccountObjective?
    /// Where to grow: the whitespace potential by solution and by account (the whole portfolio's
    /// report only; `nil` in a report of one objective).
    public var whitespace: WhitespaceRollup?

    enum CodingKeys: Int, CodingKey {
        case strategicAccounts = 1, otherAccounts = 2, completeness = 3, execution = 4, engagement = 5, scorecards = 6
        case revenueGrowth = 7, winRate = 8, objective = 9, whitespace = 10
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

    enum CodingKeys: Int, CodingKey {
        case withGoals = 1, withMap = 2, withCurrentScorecard = 3, withCurrentActionPlan = 4, complete = 5
    }
}

/// Actions of strategic accounts: those done in the last 12 months with a due date, how many of
/// them on time, and the open ones past due now.
@WireMessage
public struct PlanExecution: Codable, Hashable, Sendable {
    public var doneWithDueDate: Int
    public var doneOnTime: Int
    public var overdueNow: Int

    /// `nil` when nothing with a due date was done.
    public var onTimeRate: Double? { doneWithDueDate == 0 ? nil : Double(doneOnTime) / Double(doneWithDueDate) }

    enum CodingKeys: Int, CodingKey { case doneWithDueDate = 1, doneOnTime = 2, overdueNow = 3 }
}

/// How the customers of strategic accounts take part: accounts whose customer viewed or edited
/// the plan, or answered a scorecard, in the last 30 and 90 days; their edits in the last 30.
@WireMessage
public struct CustomerEngagement: Codable, Hashable, Sendable {
    public var activeAccounts30: Int
    public var activeAccounts90: Int
    public var customerEdits30: Int

    enum CodingKeys: Int, CodingKey { case activeAccounts30 = 1, activeAccounts90 = 2, customerEdits30 = 3 }
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

    enum CodingKeys: Int, CodingKey {
        case scoredAccounts = 1, averageLatest = 2, averageChange = 3, improved = 4, declined = 5
    }
}

/// Revenue of the last 12 full months against the 12 before, strategic accounts against the rest.
@WireMessage
public struct RevenueGrowth: Codable, Hashable, Sendable {
    public var currency: String
    public var strategicLast12: Decimal
    public var strategicPrevious12: Decimal
    public var otherLast12: Decimal
    public var otherPrevious12: Decimal

    /// Growth as a fraction (0.1 = 10%); `nil` without an earlier period.
    public var strategicGrowth: Double? { Self.growth(strategicLast12, strategicPrevious12) }
    public var otherGrowth: Double? { Self.growth(otherLast12, otherPrevious12) }

    static func growth(_ last: Decimal, _ previous: Decimal) -> Double? {
        previous > 0 ? NSDecimalNumber(decimal: (last - previous) / previous).doubleValue : nil
    }

    enum CodingKeys: Int, CodingKey {
        case currency = 1, strategicLast12 = 2, strategicPrevious12 = 3, otherLast12 = 4, otherPrevious12 = 5
    }
}

/// Opportunities closed (won or lost) in the last 12 months, in strategic accounts and in the rest.
@WireMessage
public struct WinRate: Codable, Hashable, Sendable {
    public var strategicClosed: Int
    public var strategicWon: Int
    public var otherClosed: Int
    public var otherWon: Int

    public var strategicRate: Double? { strategicClosed == 0 ? nil : Double(strategicWon) / Double(strategicClosed) }
    public var otherRate: Double? { otherClosed == 0 ? nil : Double(otherWon) / Double(otherClosed) }

    enum CodingKeys: Int, CodingKey { case strategicClosed = 1, strategicWon = 2, otherClosed = 3, otherWon = 4 }
}

extension KeyplanClient {
    public func portfolioAnalytics(objective: AccountObjective? = nil) async throws -> PortfolioAnalytics {
        try await call(AnalyticsService.portfolio, AnalyticsQuery(objective: objective))
    }

    public func analyticsByObjective() async throws -> [ObjectiveAnalytics] {
        try await call(AnalyticsService.byObjective, Empty()).groups
    }
}
