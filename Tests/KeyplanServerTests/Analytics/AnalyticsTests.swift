import Foundation
import KeyplanAPI
import KeyplanPostgres
@testable import KeyplanServer
import Testing

@Suite("Analytics")
struct AnalyticsTests {
    /// Account A (strategic) is the health suite's account at risk, plus a goal and two closed
    /// opportunities (one won); account B (candidate) doubled its revenue and lost its one deal.
    @Test func eachAnalyticOfAKnownTenant() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await HealthServiceTests.arrangeAtRiskAccount(world)
            let owner = try #require(world.users[.sellerOnTeam]).user
            try await server.inTenant(world.acme) { connection in
                let (tenant, a, b) = (world.acme, world.accountA, world.accountB)
                try await connection.query("UPDATE accounts SET status = 'strategic' WHERE id = \(a)")
                try await connection.query("""
                    INSERT INTO goals (tenant_id, id, account_id, kind, title, created_by, updated_by)
                    VALUES (\(tenant), \(UUID()), \(a), 'goal', 'Grow', \(owner), \(owner))
                    """)
                try await connection.query("""
                    INSERT INTO opportunities (tenant_id, id, account_id, name, close_date, won) VALUES
                        (\(tenant), \(UUID()), \(a), 'Won', current_date - 30, true),
                        (\(tenant), \(UUID()), \(a), 'Lost', current_date - 60, false),
                        (\(tenant), \(UUID()), \(a), 'Open', current_date + 60, NULL),
                        (\(tenant), \(UUID()), \(a), 'Too old', current_date - 400, true),
                        (\(tenant), \(UUID()), \(b), 'Lost', current_date - 10, false)
                    """)
                for monthsAgo in 1...24 {
                    try await connection.query("""
                        INSERT INTO account_revenue (tenant_id, account_id, period, amount, currency)
                        VALUES (\(tenant), \(b), (date_trunc('month', current_date) - (\(monthsAgo) * interval '1 month'))::date,
                                \(monthsAgo <= 12 ? Decimal(10_000) : Decimal(5_000)), 'USD')
                        """)
                }
            }
            let analytics = try await world.client(for: .marketing).portfolioAnalytics()
            #expect(analytics.strategicAccounts == 1 && analytics.otherAccounts == 1)
            #expect(analytics.completeness == PlanCompleteness(withGoals: 1, withMap: 1, withCurrentScorecard: 1, withCurrentActionPlan: 1, complete: 1))
            // The kick-off was done 40 days after its due date; the proposal is 10 days late.
            #expect(analytics.execution == PlanExecution(doneWithDueDate: 1, doneOnTime: 0, overdueNow: 1))
            #expect(analytics.execution.onTimeRate == 0)
            // One customer visit, 75 days ago.
            #expect(analytics.engagement == CustomerEngagement(activeAccounts30: 0, activeAccounts90: 1, customerEdits30: 0))
            // 6.5 of 10 is 61.11; it was 8 (77.78).
            #expect(analytics.scorecards == ScorecardTrends(scoredAccounts: 1, averageLatest: 61.11, averageChange: -16.67, improved: 0, declined: 1))
            #expect(analytics.revenueGrowth == [RevenueGrowth(currency: "USD", strategicLast12: 960_000, strategicPrevious12: 1_200_000, otherLast12: 120_000, otherPrevious12: 60_000)])
            #expect(analytics.revenueGrowth.first?.strategicGrowth == -0.2 && analytics.revenueGrowth.first?.otherGrowth == 1)
            #expect(analytics.winRate == WinRate(strategicClosed: 2, strategicWon: 1, otherClosed: 1, otherWon: 0))
            #expect(analytics.winRate.strategicRate == 0.5)

            // Customers never receive analytics.
            let globex = server.client(try await server.mintSession(tenant: world.globex, user: try #require(world.users[.otherTenantCustomer]).user))
            #expect(await statusCode { _ = try await globex.portfolioAnalytics() } == .permissionDenied)
        }
    }
}
