import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan analytics`: whether planning pays, over the tenant.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics", abstract: "Plan completeness and execution, customer engagement, scorecard trends, revenue growth and win rates.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let analytics = try await options.withClient { client, _ in try await client.portfolioAnalytics() }
        try options.print(analytics) { Self.text(analytics) }
    }

    static func text(_ analytics: PortfolioAnalytics) -> String {
        let strategic = analytics.strategicAccounts
        func share(_ count: Int) -> String { "\(count) of \(strategic) (\(percent(strategic == 0 ? nil : Double(count) / Double(strategic))))" }
        var plans = TextTable("strategic plans", "")
        let completeness = analytics.completeness
        plans.add("with goals", share(completeness.withGoals))
        plans.add("with a relationship map", share(completeness.withMap))
        plans.add("with a current scorecard", share(completeness.withCurrentScorecard))
        plans.add("with a current action plan", share(completeness.withCurrentActionPlan))
        plans.add("complete", share(completeness.complete))
        plans.add("actions done on time (12 months)", "\(analytics.execution.doneOnTime) of \(analytics.execution.doneWithDueDate) (\(percent(analytics.execution.onTimeRate)))")
        plans.add("actions overdue now", "\(analytics.execution.overdueNow)")
        plans.add("customer active in 30 / 90 days", "\(share(analytics.engagement.activeAccounts30)) / \(share(analytics.engagement.activeAccounts90))")
        plans.add("customer edits in 30 days", "\(analytics.engagement.customerEdits30)")
        let scorecards = analytics.scorecards
        plans.add("scorecards: latest average (0–100)", "\(score(scorecards.averageLatest)) over \(scorecards.scoredAccounts) accounts")
        plans.add("scorecards: change, improved / declined", "\(score(scorecards.averageChange)), \(scorecards.improved) / \(scorecards.declined)")

        var results = TextTable("results (12 months against the 12 before)", "strategic", "other")
        results.add("accounts", "\(strategic)", "\(analytics.otherAccounts)")
        for growth in analytics.revenueGrowth {
            results.add("revenue growth (\(growth.currency))", percent(growth.strategicGrowth), percent(growth.otherGrowth))
        }
        let wins = analytics.winRate
        results.add("win rate", "\(percent(wins.strategicRate)) of \(wins.strategicClosed)", "\(percent(wins.otherRate)) of \(wins.otherClosed)")
        return plans.text + "\n\n" + results.text
    }
}
