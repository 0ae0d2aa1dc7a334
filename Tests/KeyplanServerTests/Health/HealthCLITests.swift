import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `keyplan health`, `coaching` and `analytics` through the built binary, on the health suite's account at risk.
    @Test func healthRisksCoachingAndAnalyticsFromTheCommandLine() async throws {
        try await withCLIServer { server, folder in
            let world = try await TwoTenantWorld.build(server)
            try await HealthServiceTests.arrangeAtRiskAccount(world)
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            let account = world.accountA.uuidString

            let health = try await json(AccountHealth.self, ["health", "show", "--account", account])
            #expect(health.report.score == 34.22 && health.report.reasons == HealthServiceTests.expectedReasons)
            let shown = try await keyplan(["health", "show", "--account", "Account A"])
            #expect(shown.status == 0 && shown.output.contains("Account A: health 34.22 (medium)"))
            #expect(shown.output.contains("Customer scorecard") && shown.output.contains("at risk because:\n  - 1 action is overdue"))
            #expect(shown.output.contains("  - no customer activity in 75 days") && !shown.output.contains("renormalized"))
            // B, a candidate without scorecard or revenue: its points are rescaled, and it is not at risk, as the list says.
            let rescaled = try await keyplan(["health", "show", "--account", "Account B"])
            #expect(rescaled.status == 0, "\(rescaled.errors)")
            #expect(rescaled.output.contains("weights renormalized: Customer scorecard, Scorecard trend and Revenue trend have no data yet"))
            #expect(rescaled.output.contains("points = value × weight / 70 (the weight of the signals with data, of 100)"))
            #expect(rescaled.output.contains("not at risk\nweak signals:") && !rescaled.output.contains("at risk because"))

            let risks = try await json([AccountRisk].self, ["health", "risks"])
            #expect(risks.map(\.accountID) == [world.accountA])

            let settings = try await json(HealthSettings.self, ["health", "settings", "--published"])
            #expect(settings.weights == .published)
            let badWeight = try await keyplan(["health", "settings", "--weight", "charm=3"])
            #expect(badWeight.status != 0 && badWeight.errors.contains("--weight must be signal=weight"))
            let refused = try await keyplan(["health", "settings", "--risk-threshold", "150"])
            #expect(refused.status != 0 && refused.errors.contains("the risk threshold must be between 0 and 100"))

            let svg = folder.appendingPathComponent("health.svg")
            let chart = try await keyplan(["health", "chart", "--account", "Account A", "--output", svg.path])
            #expect(chart.status == 0, "\(chart.errors)")
            let picture = try String(contentsOf: svg, encoding: .utf8)
            #expect(picture.hasPrefix("<svg") && picture.contains("Health of Account A") && picture.contains("class=\"point\""))

            let coaching = try await json([CoachingItem].self, ["coaching"])
            #expect(coaching.map(\.accountID).contains(world.accountA))
            let analytics = try await keyplan(["analytics"])
            #expect(analytics.status == 0 && analytics.output.contains("actions overdue now") && analytics.output.contains("win rate"))
            _ = try await json(PortfolioAnalytics.self, ["analytics"])
        }
    }
}
