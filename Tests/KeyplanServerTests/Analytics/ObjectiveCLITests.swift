import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `--objective` and `--by-objective` through the built binary, on the analytics suite's tenant
    /// with account A planned for retention and B for revenue growth.
    @Test func reportsFilteredAndGroupedByObjectiveFromTheCommandLine() async throws {
        try await withCLIServer { server, _ in
            let world = try await TwoTenantWorld.build(server)
            try await AnalyticsTests.arrangeKnownTenant(server, world)
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            #expect(try await keyplan(["portfolio", "profile", "--account", "Account A", "--objective", "retention"]).status == 0)
            #expect(try await keyplan(["portfolio", "profile", "--account", "Account B", "--objective", "revenue_growth"]).status == 0)

            let grouped = try await keyplan(["analytics", "--by-objective"])
            #expect(grouped.status == 0, "\(grouped.errors)")
            let headings = grouped.output.split(separator: "\n").filter { $0.hasPrefix("objective: ") }
            #expect(
                headings == [
                    "objective: retention", "objective: revenue growth", "objective: vertical penetration", "objective: competitive differentiation",
                ])
            let groups = try await json(ObjectiveAnalyticsReport.self, ["analytics", "--by-objective"]).groups
            #expect(groups.map(\.analytics.strategicAccounts) == [1, 0, 0, 0] && groups.map(\.analytics.otherAccounts) == [0, 1, 0, 0])
            let filtered = try await json(PortfolioAnalytics.self, ["analytics", "--objective", "revenue_growth"])
            #expect(filtered.objective == .revenueGrowth && filtered.otherAccounts == 1 && filtered.strategicAccounts == 0)
            let both = try await keyplan(["analytics", "--objective", "retention", "--by-objective"])
            #expect(both.status != 0 && both.errors.contains("Use either --objective or --by-objective."))

            let risks = try await keyplan(["health", "risks", "--by-objective"])
            #expect(risks.status == 0 && risks.output.hasPrefix("objective: retention\nAccount A"))
            #expect(try await json([AccountRisk].self, ["health", "risks", "--objective", "revenue_growth"]).isEmpty)

            let page = try await keyplan(["portfolio", "list", "--by-objective", "--sort", "name"])
            #expect(page.status == 0 && page.output.hasPrefix("objective: retention\nAccount A"))
            #expect(page.output.contains("\n\nobjective: revenue growth\nAccount B"))
        }
    }
}
