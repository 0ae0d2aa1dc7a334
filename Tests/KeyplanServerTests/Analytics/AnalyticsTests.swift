import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanWire
import Testing

@testable import KeyplanServer

@Suite("Analytics")
struct AnalyticsTests {
    /// Account A (strategic) is the health suite's account at risk, plus a goal and two closed
    /// opportunities (one won); account B (candidate) doubled its revenue and lost its one deal.
    static func arrangeKnownTenant(_ server: IdentityTestServer, _ world: TwoTenantWorld) async throws {
        try await HealthServiceTests.arrangeAtRiskAccount(world)
        let owner = try #require(world.users[.sellerOnTeam]).user
        try await server.inTenant(world.acme) { connection in
            let (tenant, a, b) = (world.acme, world.accountA, world.accountB)
            try await connection.query("UPDATE accounts SET status = 'strategic' WHERE id = \(a)")
            try await connection.query(
                """
                INSERT INTO goals (tenant_id, id, account_id, kind, title, created_by, updated_by)
                VALUES (\(tenant), \(UUID()), \(a), 'goal', 'Grow', \(owner), \(owner))
                """)
            try await connection.query(
                """
                INSERT INTO opportunities (tenant_id, id, account_id, name, close_date, won) VALUES
                    (\(tenant), \(UUID()), \(a), 'Won', current_date - 30, true),
                    (\(tenant), \(UUID()), \(a), 'Lost', current_date - 60, false),
                    (\(tenant), \(UUID()), \(a), 'Open', current_date + 60, NULL),
                    (\(tenant), \(UUID()), \(a), 'Too old', current_date - 400, true),
                    (\(tenant), \(UUID()), \(b), 'Lost', current_date - 10, false)
                """)
            for monthsAgo in 1...24 {
                try await connection.query(
                    """
                    INSERT INTO account_revenue (tenant_id, account_id, period, amount, currency)
                    VALUES (\(tenant), \(b), (date_trunc('month', current_date) - (\(monthsAgo) * interval '1 month'))::date,
                            \(monthsAgo <= 12 ? Decimal(10_000) : Decimal(5_000)), 'USD')
                    """)
            }
        }
    }

    @Test func eachAnalyticOfAKnownTenant() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeKnownTenant(server, world)
            let analytics = try await world.client(for: .marketing).portfolioAnalytics()
            #expect(analytics.strategicAccounts == 1 && analytics.otherAccounts == 1)
            #expect(
                analytics.completeness == PlanCompleteness(withGoals: 1, withMap: 1, withCurrentScorecard: 1, withCurrentActionPlan: 1, complete: 1))
            // The kick-off was done 40 days after its due date; the proposal is 10 days late.
            #expect(analytics.execution == PlanExecution(doneWithDueDate: 1, doneOnTime: 0, overdueNow: 1))
            #expect(analytics.execution.onTimeRate == 0)
            // One customer visit, 75 days ago.
            #expect(analytics.engagement == CustomerEngagement(activeAccounts30: 0, activeAccounts90: 1, customerEdits30: 0))
            // 6.5 of 10 is 61.11; it was 8 (77.78).
            #expect(analytics.scorecards == ScorecardTrends(scoredAccounts: 1, averageLatest: 61.11, averageChange: -16.67, improved: 0, declined: 1))
            #expect(
                analytics.revenueGrowth == [
                    RevenueGrowth(
                        currency: "USD", strategicLast12: 960_000, strategicPrevious12: 1_200_000, otherLast12: 120_000, otherPrevious12: 60_000)
                ])
            #expect(analytics.revenueGrowth.first?.strategicGrowth == -0.2 && analytics.revenueGrowth.first?.otherGrowth == 1)
            #expect(analytics.winRate == WinRate(strategicClosed: 2, strategicWon: 1, otherClosed: 1, otherWon: 0))
            #expect(analytics.winRate.strategicRate == 0.5)

            // Customers never receive analytics.
            let globex = server.client(try await server.mintSession(tenant: world.globex, user: try #require(world.users[.otherTenantCustomer]).user))
            #expect(await statusCode { _ = try await globex.portfolioAnalytics() } == .permissionDenied)
        }
    }

    /// The same tenant with A planned for retention and B for revenue growth: a report filtered by
    /// an objective counts only its accounts, and the grouped report is each filtered one.
    @Test func filteredAndGroupedByObjective() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeKnownTenant(server, world)
            let marketing = try await world.client(for: .marketing)
            let admin = try await world.client(for: .admin)
            _ = try await admin.updateProfile(UpdateProfileRequest(accountID: world.accountA, objective: .retention))
            _ = try await admin.updateProfile(UpdateProfileRequest(accountID: world.accountB, objective: .revenueGrowth))

            let retention = try await marketing.portfolioAnalytics(objective: .retention)
            #expect(retention.objective == .retention)
            #expect(retention.strategicAccounts == 1 && retention.otherAccounts == 0)
            #expect(retention.winRate == WinRate(strategicClosed: 2, strategicWon: 1, otherClosed: 0, otherWon: 0))
            #expect(retention.revenueGrowth.map(\.otherLast12) == [0])
            let growth = try await marketing.portfolioAnalytics(objective: .revenueGrowth)
            #expect(growth.strategicAccounts == 0 && growth.otherAccounts == 1)
            #expect(growth.winRate == WinRate(strategicClosed: 0, strategicWon: 0, otherClosed: 1, otherWon: 0))
            #expect(
                growth.revenueGrowth == [
                    RevenueGrowth(currency: "USD", strategicLast12: 0, strategicPrevious12: 0, otherLast12: 120_000, otherPrevious12: 60_000)
                ])
            let none = try await marketing.portfolioAnalytics(objective: .competitiveDifferentiation)
            #expect(none.strategicAccounts == 0 && none.otherAccounts == 0 && none.revenueGrowth.isEmpty)

            // Grouped: the four objectives in order, each the filtered report; no group for accounts
            // without an objective, since every account has one.
            let groups = try await marketing.analyticsByObjective()
            #expect(groups.map(\.objective) == AccountObjective.allCases.map { Optional($0) })
            #expect(groups[0].analytics == retention && groups[1].analytics == growth)
            #expect(groups[3].analytics == none)

            // The risk list: A is at risk and planned for retention.
            let risks = try await marketing.risks(objective: .retention)
            #expect(risks.map(\.accountID) == [world.accountA] && risks.first?.objective == .retention)
            #expect(try await marketing.risks(objective: .revenueGrowth).isEmpty)

            // The portfolio list filters by objective too.
            let page = try await marketing.portfolio(PortfolioQuery(objective: .revenueGrowth))
            #expect(page.accounts.map(\.id) == [world.accountB])

            // An account without an objective has a group of its own.
            try await server.inTenant(world.acme) { try await $0.query("UPDATE accounts SET objective = NULL WHERE id = \(world.accountB)") }
            let regrouped = try await marketing.analyticsByObjective()
            #expect(regrouped.map(\.objective) == AccountObjective.allCases.map { Optional($0) } + [nil])
            #expect(regrouped.last?.analytics.otherAccounts == 1)
        }
    }
}
