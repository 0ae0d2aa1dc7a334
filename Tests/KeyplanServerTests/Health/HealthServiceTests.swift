import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import KeyplanWire
import Testing

@testable import KeyplanServer

/// Health through the server, on a workspace fixture written straight into the database.
@Suite("Health service")
struct HealthServiceTests {
    /// Account A of acme: two decision makers (one known well by the owner), a high-influence
    /// contact nobody knows well; scorecards 8 then 6.5 of 10; an action 10 days late and a
    /// blocked one; revenue down 20%; a customer visit 75 days ago; assessed 120 days ago.
    static func arrangeAtRiskAccount(_ world: TwoTenantWorld) async throws {
        let owner = try #require(world.users[.sellerOnTeam]).user
        let customer = try #require(world.users[.customerEditor]).user
        let admin = try #require(world.users[.admin]).user
        let account = world.accountA
        try await world.server.inTenant(world.acme) { connection in
            let tenant = world.acme
            let (ceo, cfo, cto) = (UUID(), UUID(), UUID())
            for (id, name, role, influence) in [
                (ceo, "Chief Executive", "decision_maker", "high"), (cfo, "Chief Financial", "decision_maker", "high"),
                (cto, "Chief Technology", "influencer", "high"),
            ] {
                try await connection.query(
                    """
                    INSERT INTO contacts (tenant_id, id, account_id, full_name, decision_role, influence)
                    VALUES (\(tenant), \(id), \(account), \(name), \(role), \(influence))
                    """)
            }
            try await connection.query(
                """
                INSERT INTO contact_relationships (tenant_id, account_id, contact_id, user_id, strength)
                VALUES (\(tenant), \(account), \(ceo), \(owner), 'strong'), (\(tenant), \(account), \(cto), \(owner), 'moderate')
                """)
            let template = UUID(), value = UUID(), trust = UUID()
            try await connection.query(
                "INSERT INTO scorecard_templates (tenant_id, id, name, created_by, updated_by) VALUES (\(tenant), \(template), 'Value', \(admin), \(admin))"
            )
            try await connection.query(
                """
                INSERT INTO scorecard_criteria (tenant_id, id, template_id, position, name, weight)
                VALUES (\(tenant), \(value), \(template), 0, 'Value delivered', 3), (\(tenant), \(trust), \(template), 1, 'Trust', 1)
                """)
            // Overall: (3 × 8 + 1 × 8) / 4 = 8, then (3 × 6 + 1 × 8) / 4 = 6.5.
            for (period, daysAgo, valueScore, trustScore) in [("2026-Q2", 150, 8, 8), ("2026-Q3", 20, 6, 8)] {
                let round = UUID()
                try await connection.query(
                    """
                    INSERT INTO scoring_rounds (tenant_id, id, account_id, template_id, period, opened_by, opened_at, updated_by)
                    VALUES (\(tenant), \(round), \(account), \(template), \(period), \(owner), now() - (\(daysAgo) * interval '1 day'), \(owner))
                    """)
                try await connection.query(
                    """
                    INSERT INTO scorecard_responses (tenant_id, round_id, respondent_id, submitted_at, updated_at)
                    VALUES (\(tenant), \(round), \(customer), now() - interval '100 days', now() - interval '100 days')
                    """)
                try await connection.query(
                    """
                    INSERT INTO scorecard_answers (tenant_id, round_id, respondent_id, criterion_id, score)
                    VALUES (\(tenant), \(round), \(customer), \(value), \(Int16(valueScore))), (\(tenant), \(round), \(customer), \(trust), \(Int16(trustScore)))
                    """)
            }
            try await connection.query(
                """
                INSERT INTO actions (tenant_id, id, account_id, title, due_on, status, completed_at, created_by, updated_by)
                VALUES (\(tenant), \(UUID()), \(account), 'Send the proposal', current_date - 10, 'open', NULL, \(owner), \(owner)),
                       (\(tenant), \(UUID()), \(account), 'Security review', current_date + 20, 'blocked', NULL, \(owner), \(owner)),
                       (\(tenant), \(UUID()), \(account), 'Kick-off', current_date - 40, 'done', now(), \(owner), \(owner))
                """)
            try await connection.query(
                "UPDATE accounts SET status = 'strategic', currency = 'USD', assessed_at = now() - interval '120 days' WHERE id = \(account)")
            for monthsAgo in 1...24 {
                try await connection.query(
                    """
                    INSERT INTO account_revenue (tenant_id, account_id, period, amount, currency)
                    VALUES (\(tenant), \(account), (date_trunc('month', current_date) - (\(monthsAgo) * interval '1 month'))::date,
                            \(monthsAgo <= 12 ? Decimal(80_000) : Decimal(100_000)), 'USD')
                    """)
            }
            try await connection.query(
                """
                INSERT INTO workspace_visits (tenant_id, account_id, user_id, day, last_at)
                VALUES (\(tenant), \(account), \(customer), current_date - 75, now() - interval '75 days')
                """)
        }
    }

    static let expectedReasons = [
        "1 action is overdue, the worst by 10 days",
        "revenue fell 20% against the 12 months before",
        "the scorecard fell from 8 to 6.5",
        "no customer activity in 75 days",
        "single-threaded: only seller-on has a strong relationship",
        "2 of 3 key contacts have no strong relationship",
    ]

    @Test func eachSignalAndTheTotalOfAKnownAccount() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeAtRiskAccount(world)
            let health = try await world.client(for: .sellerOnTeam).health(of: world.accountA)
            let values = Dictionary(uniqueKeysWithValues: health.report.signals.map { ($0.kind, $0.value) })
            #expect(
                values == [
                    /* half for 1 of 2 decision makers, half for 1 of 3 key contacts */ .decisionMakerCoverage: 41.67, .multiThreading: 33.33,
                    .overdueActions: 0, .stalledActions: 75,
                    .scorecard: 61.11, .scorecardTrend: 8.33, .customerEngagement: 11.67, .revenueTrend: 0, .assessmentFreshness: 100,
                ])
            // (20 × 41.67 + 10 × 33.33 + 5 × 75 + 20 × 61.11 + 5 × 8.33 + 10 × 11.67 + 5 × 100) / 100
            #expect(health.report.score == 34.22 && health.report.band == .medium)
            #expect(health.report.reasons == Self.expectedReasons)
            #expect(health.history.map(\.score) == [34.22])
        }
    }

    @Test func theScoreIsRecomputedWhenAnInputChangesNotOnEveryRead() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeAtRiskAccount(world)
            let owner = world.server.client(
                try await world.server.mintSession(tenant: world.acme, user: try #require(world.users[.sellerOnTeam]).user))
            let first = try await owner.health(of: world.accountA)
            #expect(try await owner.health(of: world.accountA).computedAt == first.computedAt, "an unchanged account is not recomputed")
            // The overdue action is done, as the action plan records it: the change and its journal entry.
            let seller = try #require(world.users[.sellerOnTeam])
            try await server.inTenant(world.acme) { connection in
                let id = try await connection.query("SELECT id FROM actions WHERE title = 'Send the proposal'").single(UUID.self, column: "id")
                try await connection.query("UPDATE actions SET status = 'done', completed_at = now() WHERE id = \(id)")
                try await WorkspaceJournal(transaction: connection).record(
                    JournalEntry(
                        accountID: world.accountA, entity: .action, entityID: id, operation: .updated, version: 2, visibility: .shared,
                        summary: "done", fields: []),
                    by: Principal(userID: seller.user, tenantID: world.acme, kind: .seller(.seller), credentialID: UUID(), credentialKind: .session))
            }
            let second = try await owner.health(of: world.accountA)
            #expect(second.computedAt > first.computedAt)
            #expect(second.report.signals.first { $0.kind == .overdueActions }?.value == 100)
            #expect(second.report.score == 54.22)
            #expect(second.history.map(\.score) == [34.22, 54.22])
        }
    }

    @Test func theRiskListSaysWhyAndFollowsTheCallersScope() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeAtRiskAccount(world)
            // Candidates have no plan to be at risk: only strategic accounts are listed.
            let leader = try await world.client(for: .leader)
            #expect(try await leader.risks().map(\.accountID) == [world.accountA])
            try await server.inTenant(world.acme) { try await $0.query("UPDATE accounts SET status = 'strategic' WHERE id = \(world.accountB)") }
            var risks = try await leader.risks()
            let riskA = try #require(risks.first { $0.accountID == world.accountA })
            #expect(riskA.reasons == Self.expectedReasons && riskA.score == 34.22 && riskA.accountName == "Account A")
            // Account B has no map, no scorecard and was never opened by a customer: also at risk, for its own reasons.
            let riskB = try #require(risks.first { $0.accountID == world.accountB })
            #expect(riskB.reasons.contains("no decision maker mapped") && riskB.reasons.contains("the customer has never opened the plan"))
            #expect(risks.map(\.score) == risks.map(\.score).sorted())

            // A sharp fall puts an account on the list even above the threshold, and says so first.
            try await server.inTenant(world.acme) { connection in
                try await connection.query(
                    """
                    INSERT INTO account_health_history (tenant_id, account_id, computed_at, score, band)
                    VALUES (\(world.acme), \(world.accountA), now() - interval '10 days', 80, 'high')
                    """)
            }
            _ = try await world.client(for: .admin).updateHealthSettings(
                HealthSettings(weights: .defaults, riskThreshold: 20, dropThreshold: 15, dropWindowDays: 30))
            risks = try await leader.risks()
            #expect(risks.map(\.accountID) == [world.accountA])
            #expect(risks.first?.reasons.first == "health fell from 80 to 34 in 30 days")
            #expect(risks.first?.earlierScore == 80)

            // A seller's list holds their team's accounts only.
            #expect(try await world.client(for: .sellerOffTeam).risks().isEmpty)
            #expect(try await world.client(for: .sellerOnTeam).risks().map(\.accountID) == [world.accountA])
        }
    }

    @Test func settingsAreCheckedAndChangeTheScore() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeAtRiskAccount(world)
            let admin = try await world.client(for: .admin)
            var bad = HealthSettings.defaults
            bad.weights.scorecard = -1
            #expect(await rpcError { _ = try await admin.updateHealthSettings(bad) }?.message == "the weight of scorecard must be between 0 and 1000")
            bad = .defaults
            bad.dropWindowDays = 0
            #expect(await statusCode { _ = try await admin.updateHealthSettings(bad) } == .invalidArgument)

            #expect(try await admin.health(of: world.accountA).report.score == 34.22)
            _ = try await admin.updateHealthSettings(HealthSettings(weights: .published, riskThreshold: 50, dropThreshold: 15, dropWindowDays: 30))
            #expect(try await admin.healthSettings().weights == .published)
            // (relationship 41.67 + tasks 0 + value 61.11) / 3
            #expect(try await admin.health(of: world.accountA).report.score == 34.26)
        }
    }

    /// One rule for "at risk": an account's health says it is at risk exactly when the risk list
    /// holds it, with the same reasons — below the threshold, after a fall, and not for a
    /// candidate or an account whose only trouble is a few weak signals.
    @Test func theExplanationAndTheRiskListAgreeOnWhoIsAtRisk() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeAtRiskAccount(world)
            let leader = try await world.client(for: .leader)
            let admin = try await world.client(for: .admin)

            let health = try await leader.health(of: world.accountA)
            let listed = try await leader.risks()
            #expect(listed.map(\.accountID) == [world.accountA])
            #expect(health.atRisk != nil && health.atRisk == listed.first)
            #expect(health.atRisk?.reasons == Self.expectedReasons)
            // Account B, a candidate, scores low on weak signals, yet has no plan to be at risk: in neither.
            let candidate = try await leader.health(of: world.accountB)
            #expect(candidate.report.score < 50 && !candidate.report.reasons.isEmpty)
            #expect(candidate.atRisk == nil)

            // Under a lower threshold A keeps its weak signals but is at risk in neither.
            _ = try await admin.updateHealthSettings(HealthSettings(weights: .defaults, riskThreshold: 30, dropThreshold: 15, dropWindowDays: 30))
            let calm = try await leader.health(of: world.accountA)
            #expect(calm.report.score == 34.22 && calm.report.reasons == Self.expectedReasons)
            #expect(calm.atRisk == nil)
            #expect(try await leader.risks().isEmpty)

            // A fall puts it back in both, the fall first.
            try await server.inTenant(world.acme) { connection in
                try await connection.query(
                    """
                    INSERT INTO account_health_history (tenant_id, account_id, computed_at, score, band)
                    VALUES (\(world.acme), \(world.accountA), now() - interval '10 days', 80, 'high')
                    """)
            }
            let fell = try await leader.health(of: world.accountA)
            let fellList = try await leader.risks()
            #expect(fell.atRisk?.reasons.first == "health fell from 80 to 34 in 30 days")
            #expect(fell.atRisk == fellList.first && fellList.count == 1)
        }
    }

    /// A signal without data drops out and the others share its weight; the report says which
    /// and by what the points were divided.
    @Test func theReportSaysWhenWeightsAreRenormalized() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.arrangeAtRiskAccount(world)
            let admin = try await world.client(for: .admin)
            // A has data for every signal: nothing rescaled.
            #expect(try await admin.health(of: world.accountA).report.renormalization == nil)
            // B has no scorecard and no revenue: 70 of the 100 weight has data.
            let report = try await admin.health(of: world.accountB).report
            #expect(
                report.renormalization
                    == HealthReport.Renormalization(
                        withoutData: [.scorecard, .scorecardTrend, .revenueTrend], totalWeight: 100, weightWithData: 70))
            // Nothing overdue: value 100 × weight 20 / 70.
            #expect(report.signals.first { $0.kind == .overdueActions }?.contribution == 28.57)
            // A signal without data that weighs nothing rescales nothing.
            var weights = HealthWeights.defaults
            (weights.scorecard, weights.scorecardTrend, weights.revenueTrend) = (0, 0, 0)
            _ = try await admin.updateHealthSettings(HealthSettings(weights: weights, riskThreshold: 50, dropThreshold: 15, dropWindowDays: 30))
            #expect(try await admin.health(of: world.accountB).report.renormalization == nil)
        }
    }
}
