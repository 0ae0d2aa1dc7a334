import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan analytics`: whether planning pays, over the tenant.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics", abstract: "Plan completeness and execution, customer engagement, scorecard trends, revenue growth and win rates.",
        discussion: """
            Over the whole tenant, the accounts planned for one objective, or each objective in turn \
            (retention, revenue_growth, vertical_penetration, competitive_differentiation; then the accounts without one).

            Examples:
              keyplan analytics
              keyplan analytics --objective retention
              keyplan analytics --by-objective --json
            """)
    @Option(help: "Only the accounts planned for this objective.") var objective: AccountObjective?
    @Flag(help: "The analytics of each objective, one after the other.") var byObjective = false
    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if byObjective, objective != nil { throw ValidationError("Use either --objective or --by-objective.") }
    }

    func run() async throws {
        if byObjective {
            let groups = try await options.withClient { client, _ in try await client.analyticsByObjective() }
            try options.print(ObjectiveAnalyticsReport(groups: groups)) {
                groups.map { "\(objectiveHeading($0.objective))\n\n\(Self.text($0.analytics))" }.joined(separator: "\n\n\n")
            }
            return
        }
        let analytics = try await options.withClient { client, _ in try await client.portfolioAnalytics(objective: objective) }
        try options.print(analytics) { (analytics.objective.map { "\(objectiveHeading($0))\n\n" } ?? "") + Self.text(analytics) }
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
        plans.add(
            "actions done on time (12 months)",
            "\(analytics.execution.doneOnTime) of \(analytics.execution.doneWithDueDate) (\(percent(analytics.execution.onTimeRate)))")
        plans.add("actions overdue now", "\(analytics.execution.overdueNow)")
        plans.add(
            "customer active in 30 / 90 days", "\(share(analytics.engagement.activeAccounts30)) / \(share(analytics.engagement.activeAccounts90))")
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
        var text = plans.text + "\n\n" + results.text
        // Where to grow: the largest whitespace potentials (all of them: keyplan whitespace rollup).
        for group in analytics.whitespace?.groups ?? [] {
            var potential = TextTable("whitespace potential (\(group.currency))", "potential", "opportunities")
            potential.add("all", "\(group.totalPotential)", "\(group.opportunities)")
            for entry in group.bySolution.prefix(5) { potential.add("solution: \(entry.name)", "\(entry.potential)", "\(entry.opportunities)") }
            for entry in group.byAccount.prefix(5) { potential.add("account: \(entry.name)", "\(entry.potential)", "\(entry.opportunities)") }
            text += "\n\n" + potential.text
        }
        return text
    }
}
