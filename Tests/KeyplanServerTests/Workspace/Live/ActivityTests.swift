import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Workspace activity and visits")
struct ActivityTests {
    @Test func theFeedPagesNewestFirstAndACustomerSeesSharedChangesOnly() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            for (index, visibility) in [Visibility.shared, .internal, .shared, .internal, .shared].enumerated() {
                try await world.journalChange(visibility, "change \(index)")
            }
            try await world.journalChange(.shared, "elsewhere", account: world.accountB)
            let seller = try await world.client(for: .teamMember)
            let first = try await seller.activity(accountID: world.accountA, limit: 2)
            #expect(first.changes.map(\.summary) == ["change 4", "change 3"])
            let next = try #require(first.nextBefore)
            let second = try await seller.activity(accountID: world.accountA, before: next, limit: 10)
            #expect(second.changes.map(\.summary) == ["change 2", "change 1", "change 0"] && second.nextBefore == nil)

            let customer = try await world.client(for: .customerViewer).activity(accountID: world.accountA)
            #expect(customer.changes.map(\.summary) == ["change 4", "change 2", "change 0"])
            #expect(customer.changes.allSatisfy { $0.visibility == .shared })
            #expect(customer.engagement == nil, "engagement is the sellers' view")

            #expect(await statusCode { _ = try await world.client(for: .otherTenantCustomer).activity(accountID: world.accountA) } == .notFound)
            #expect(await statusCode { _ = try await world.client(for: .customerEditor).activity(accountID: world.accountC) } == .notFound)
            #expect(await statusCode { _ = try await seller.activity(accountID: world.accountA, limit: 0) } == .invalidArgument)
            #expect(await statusCode { _ = try await seller.activity(accountID: world.accountA, before: 0) } == .invalidArgument)
        }
    }

    @Test func engagementCountsCustomerEditsAndVisitsOver30And90Days() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let editor = try #require(world.users[.customerEditor]).user
            // Before anything: the customer never came; the sellers did (inviting them).
            let before = try #require(try await world.client(for: .leader).activity(accountID: world.accountA).engagement)
            #expect(before.last90Days == .init(days: 90, customerEdits: 0, customerViews: 0, customerVisitors: 0, customerVisitDays: 0))
            #expect(before.lastCustomerActivityAt == nil && before.lastSellerActivityAt != nil)

            // Visits: every account-scoped call of a customer counts, one row per user and day.
            let editorClient = try await world.client(for: .customerEditor)
            _ = try await editorClient.getAccount(world.accountA)
            _ = try await editorClient.getAccount(world.accountA)
            _ = try await world.client(for: .customerViewer).getAccount(world.accountA)
            // Refused calls are no visits.
            _ = await statusCode { _ = try await editorClient.assessments(of: world.accountA) }
            // Edits: a customer's change now, one 60 days ago, a seller's change.
            try await world.journalChange(.shared, "customer edit", by: .customerEditor)
            try await world.journalChange(.internal, "seller edit")
            try await server.inTenant(world.acme) { connection in
                try await connection.query(
                    """
                    INSERT INTO workspace_changes (tenant_id, account_id, at, actor_id, actor_kind, entity, entity_id, operation, visibility, summary)
                    VALUES (\(world.acme), \(world.accountA), now() - interval '60 days', \(editor), 'customer', 'goal', \(UUID()), 'created', 'shared', 'old edit')
                    """)
                try await connection.query(
                    """
                    INSERT INTO workspace_visits (tenant_id, account_id, user_id, day, views, last_at)
                    VALUES (\(world.acme), \(world.accountA), \(editor), current_date - 60, 4, now() - interval '60 days')
                    """)
            }
            // Views are counted in memory and added in batches.
            try await server.stack.services.visits.flush()
            let rows = try await server.inTenant(world.acme) {
                try await $0.query("SELECT views FROM workspace_visits WHERE user_id = \(editor) AND day = current_date")
            }
            #expect(try rows.map { try $0.decode(Int.self, column: "views") } == [2])

            let engagement = try #require(try await world.client(for: .leader).activity(accountID: world.accountA).engagement)
            #expect(engagement.last30Days == .init(days: 30, customerEdits: 1, customerViews: 3, customerVisitors: 2, customerVisitDays: 1))
            #expect(engagement.last90Days == .init(days: 90, customerEdits: 2, customerViews: 7, customerVisitors: 2, customerVisitDays: 2))
            let lastCustomer = try #require(engagement.lastCustomerActivityAt)
            #expect(abs(lastCustomer.timeIntervalSinceNow) < 60)
            // Another account's engagement is its own.
            let other = try #require(try await world.client(for: .admin).activity(accountID: world.accountB).engagement)
            #expect(other.last90Days.customerViews == 0 && other.lastCustomerActivityAt == nil)
        }
    }
}
