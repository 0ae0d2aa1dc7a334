import Foundation
import KeyplanAPI
import KeyplanPostgres
import Testing

@testable import KeyplanServer

@Suite("Coaching")
struct CoachingTests {
    @Test func promptsOfAKnownAccountMostUrgentFirst() {
        let prompts = CoachingPrompt.prompts(
            for: CoachingInputs(
                goals: 3, coAuthoredGoals: 0, reviewOverdueDays: 12, reviewHeld: true, coverageGaps: 2, oldestGapDays: 21,
                overdueActions: 1, postponedActions: 2))
        #expect(
            prompts == [
                CoachingPrompt(kind: .coverageGapOpen, text: "2 key contacts have had no strong relationship for 3 weeks", points: 35),
                CoachingPrompt(kind: .reviewOverdue, text: "the roadmap review with the customer is 12 days overdue", points: 32),
                CoachingPrompt(kind: .noCustomerGoal, text: "none of the 3 goals was written or edited by the customer: co-author them", points: 30),
                CoachingPrompt(kind: .slippingActions, text: "actions are slipping: 1 action is overdue, 2 were postponed", points: 30),
            ])
        // A healthy plan: nothing to coach. A young gap is not yet a matter for coaching.
        #expect(
            CoachingPrompt.prompts(for: CoachingInputs(goals: 2, coAuthoredGoals: 1, reviewHeld: true, coverageGaps: 1, oldestGapDays: 13)).isEmpty)
        #expect(CoachingPrompt.prompts(for: CoachingInputs(coAuthoredGoals: 1)).map(\.text) == ["no roadmap review was ever held with the customer"])
    }

    @Test func rankingPutsTheMostPointsFirstAndDropsAccountsWithoutPrompts() {
        let quiet = CoachingItem(accountID: UUID(), accountName: "Quiet", sellerID: nil, sellerName: nil, prompts: [])
        let b = CoachingItem(
            accountID: UUID(), accountName: "B", sellerID: nil, sellerName: nil,
            prompts: [CoachingPrompt(kind: .noCustomerGoal, text: "", points: 30)])
        let a = CoachingItem(
            accountID: UUID(), accountName: "A", sellerID: nil, sellerName: nil,
            prompts: [CoachingPrompt(kind: .noCustomerGoal, text: "", points: 30)])
        let urgent = CoachingItem(
            accountID: UUID(), accountName: "Z", sellerID: nil, sellerName: nil,
            prompts: [
                CoachingPrompt(kind: .noCustomerGoal, text: "", points: 30), CoachingPrompt(kind: .reviewOverdue, text: "", points: 20),
            ])
        #expect(CoachingItem.ranked([quiet, b, urgent, a]).map(\.accountName) == ["Z", "A", "B"])
        #expect(urgent.points == 50)
    }

    @Test func theServerRanksTheTenantsAccountsForLeaders() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try #require(world.users[.sellerOnTeam])
            let customer = try #require(world.users[.customerEditor]).user
            let principal = Principal(
                userID: owner.user, tenantID: world.acme, kind: .seller(.seller), credentialID: UUID(), credentialKind: .session)
            try await server.inTenant(world.acme) { connection in
                let (tenant, a, b) = (world.acme, world.accountA, world.accountB)
                try await connection.query("UPDATE accounts SET status = 'strategic'")
                // A: a seller's goal only; the review overdue by 5 days; a decision maker unknown for 3 weeks;
                // an action postponed (its due date moved later).
                try await connection.query(
                    """
                    INSERT INTO goals (tenant_id, id, account_id, kind, title, created_by, updated_by)
                    VALUES (\(tenant), \(UUID()), \(a), 'goal', 'Grow', \(owner.user), \(owner.user)),
                           (\(tenant), \(UUID()), \(b), 'goal', 'Save', \(customer), \(customer))
                    """)
                try await connection.query(
                    """
                    INSERT INTO roadmap_reviews (tenant_id, id, account_id, held_on, next_review_on, created_by, updated_by)
                    VALUES (\(tenant), \(UUID()), \(a), current_date - 90, current_date - 5, \(owner.user), \(owner.user))
                    """)
                try await connection.query(
                    """
                    INSERT INTO contacts (tenant_id, id, account_id, full_name, decision_role, created_at)
                    VALUES (\(tenant), \(UUID()), \(a), 'Chief Executive', 'decision_maker', now() - interval '21 days')
                    """)
                let action = UUID()
                try await connection.query(
                    """
                    INSERT INTO actions (tenant_id, id, account_id, title, due_on, created_by, updated_by)
                    VALUES (\(tenant), \(action), \(a), 'Pilot', current_date + 30, \(owner.user), \(owner.user))
                    """)
                try await WorkspaceJournal(transaction: connection).record(
                    JournalEntry(
                        accountID: a, entity: .action, entityID: action, operation: .updated, version: 2, visibility: .shared, summary: "postponed",
                        fields: [FieldChange(field: "dueOn", before: "2026-12-01", after: "2027-01-15")]), by: principal)
            }
            let items = try await world.client(for: .leader).coaching()
            let first = try #require(items.first)
            #expect(first.accountID == world.accountA && first.sellerID == owner.user && first.sellerName == "seller-on")
            #expect(
                first.prompts.map(\.text) == [
                    "a key contact has had no strong relationship for 3 weeks",
                    "the plan's one goal was written without the customer: co-author the goals",
                    "the roadmap review with the customer is 5 days overdue",
                    "actions are slipping: 1 action was postponed",
                ])
            // B has a customer's goal but no review: one prompt, ranked after A.
            #expect(items.map(\.accountID) == [world.accountA, world.accountB])
            #expect(items.last?.prompts.map(\.kind) == [.reviewOverdue])
            // Filtered to one seller's accounts.
            #expect(try await world.client(for: .admin).coaching(CoachingQuery(sellerID: owner.user)).map(\.accountID) == [world.accountA])
        }
    }

    /// A goal a seller wrote and a customer then edited is co-authored: no "written without the
    /// customer" prompt — neither while the customer's edit is the last, nor after a seller's
    /// later edit (the journal remembers the customer's).
    @Test func aGoalTheCustomerEditedCountsAsCoAuthored() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await server.inTenant(world.acme) { try await $0.query("UPDATE accounts SET status = 'strategic' WHERE id = \(world.accountA)") }
            let seller = try await world.client(for: .sellerOnTeam)
            let customer = try await world.client(for: .customerEditor)
            let leader = try await world.client(for: .leader)
            func goalPrompts() async throws -> [CoachingPrompt.Kind] {
                try #require(try await leader.coaching().first { $0.accountID == world.accountA }).prompts.map(\.kind)
            }

            let goal = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Grow EMEA"))
            #expect(try await goalPrompts().contains(.noCustomerGoal), "a seller's goal alone is written without the customer")
            let edited = try await customer.updateGoal(
                UpdateGoalRequest(
                    accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version, description: "Our board's first priority"))
            #expect(try await !goalPrompts().contains(.noCustomerGoal))
            _ = try await seller.updateGoal(
                UpdateGoalRequest(accountID: world.accountA, goalID: goal.id, expectedVersion: edited.version, title: "Grow EMEA by 20%"))
            #expect(try await !goalPrompts().contains(.noCustomerGoal))
        }
    }
}
