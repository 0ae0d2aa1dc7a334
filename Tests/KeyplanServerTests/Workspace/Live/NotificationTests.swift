import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Notifications")
struct NotificationTests {
    /// Queues a notification through the outbox, as the services do.
    private func enqueue(_ world: TwoTenantWorld, _ kind: NotificationOutbox.Kind, to callers: [MatrixCaller], message: String) async throws {
        let recipients = try callers.map { try #require(world.users[$0]).user }
        try await world.server.inTenant(world.acme) { connection in
            try await NotificationOutbox(transaction: connection).enqueue(
                kind, to: recipients, tenantID: world.acme, accountID: world.accountA, subjectID: UUID(), message: message)
        }
    }

    @Test func peopleListAndAcknowledgeOnlyTheirOwn() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await enqueue(world, .actionAssigned, to: [.customerEditor], message: "first")
            try await enqueue(world, .mention, to: [.customerEditor, .teamMember], message: "second")
            let customer = try await world.client(for: .customerEditor)
            let page = try await customer.notifications()
            #expect(page.notifications.map(\.message) == ["second", "first"] && page.nextCursor == nil)
            #expect(page.notifications.map(\.kind) == [.mention, .actionAssigned])
            let paged = try await customer.notifications(ListNotificationsRequest(limit: 1))
            #expect(paged.notifications.map(\.message) == ["second"])
            let rest = try await customer.notifications(ListNotificationsRequest(limit: 1, cursor: paged.nextCursor))
            #expect(rest.notifications.map(\.message) == ["first"] && rest.nextCursor == nil)

            let first = try #require(page.notifications.last).id
            #expect(try await customer.acknowledgeNotifications([first]) == 1)
            #expect(try await customer.acknowledgeNotifications([first]) == 0, "acknowledging again changes nothing")
            #expect(try await customer.notifications(ListNotificationsRequest(unacknowledgedOnly: true)).notifications.map(\.message) == ["second"])

            // Someone else's id: NOT_FOUND, and nothing changes, not even the caller's own.
            let sellers = try await world.client(for: .teamMember).notifications().notifications
            #expect(sellers.map(\.message) == ["second"])
            let second = try #require(page.notifications.first).id
            #expect(await statusCode { try await customer.acknowledgeNotifications([second, try #require(sellers.first).id]) } == .notFound)
            #expect(try await customer.notifications(ListNotificationsRequest(unacknowledgedOnly: true)).notifications.count == 1)
            // Another tenant's customer sees none of them.
            #expect(try await world.client(for: .otherTenantCustomer).notifications().notifications.isEmpty)

            #expect(await statusCode { try await customer.acknowledgeNotifications([]) } == .invalidArgument)
            #expect(await statusCode { _ = try await customer.notifications(ListNotificationsRequest(cursor: "nope")) } == .invalidArgument)
            #expect(await statusCode { _ = try await customer.notifications(ListNotificationsRequest(cursor: second.uuidString)) } == .ok)
            let notMine = try #require(sellers.first).id.uuidString
            #expect(await statusCode { _ = try await customer.notifications(ListNotificationsRequest(cursor: notMine)) } == .invalidArgument)
        }
    }

    @Test func anIntegrationClaimsUnderALeaseAndConfirms() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            for index in 0..<6 { try await enqueue(world, .scoringRoundOpened, to: [.customerViewer], message: "round \(index)") }
            let admin = try await world.client(for: .admin)

            // Two integrations at once never get the same notification.
            let otherIntegration = try await world.client(for: .admin)
            async let one = admin.claimNotifications(limit: 3)
            async let two = otherIntegration.claimNotifications(limit: 3)
            let (a, b) = try await (one, two)
            let claimed = a + b
            #expect(claimed.count == 6 && Set(claimed.map(\.notification.id)).count == 6)
            let viewer = try #require(claimed.first)
            #expect(viewer.recipientEmail == "viewer@buyer.example" && viewer.recipientName == "customerViewer")
            #expect(viewer.claimedUntil > Date().addingTimeInterval(250))
            // Leased: nothing more to claim.
            #expect(try await admin.claimNotifications().isEmpty)

            // Two delivered; the lease of the others runs out, and they come back.
            let delivered = claimed.prefix(2).map(\.notification.id)
            #expect(try await admin.confirmDelivery(delivered) == 2)
            _ = try await server.inTenant(world.acme) { try await $0.query("UPDATE notifications SET claimed_until = now() - interval '1 second'") }
            let again = try await admin.claimNotifications(leaseSeconds: 60)
            #expect(Set(again.map(\.notification.id)) == Set(claimed.dropFirst(2).map(\.notification.id)))
            #expect(try await world.client(for: .customerViewer).notifications().notifications.filter { $0.deliveredAt != nil }.count == 2)

            #expect(await statusCode { try await admin.confirmDelivery([UUID()]) } == .notFound)
            #expect(await statusCode { _ = try await admin.claimNotifications(leaseSeconds: 5) } == .invalidArgument)
            #expect(await statusCode { _ = try await admin.claimNotifications(limit: 501) } == .invalidArgument)
            // Another tenant's integration claims none of acme's.
            let globexAdmin = try await world.server.anonymous.signIn(tenantSlug: "globex", email: "admin@globex.example", password: "admin-password")
            #expect(try await world.server.client(globexAdmin.token).claimNotifications().isEmpty)
        }
    }

    @Test func aReviewComingDueNotifiesTheTeamOnce() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try #require(world.users[.sellerOnTeam]).user
            func review(heldDaysAgo: Int, nextInDays: Int, account: UUID) async throws -> UUID {
                try await server.inTenant(world.acme) { connection in
                    let id = UUID()
                    try await connection.query(
                        """
                        INSERT INTO roadmap_reviews (tenant_id, id, account_id, held_on, next_review_on, created_by, updated_by)
                        VALUES (\(world.acme), \(id), \(account), current_date - \(heldDaysAgo)::int4, current_date + \(nextInDays)::int4, \(owner), \(owner))
                        """)
                    return id
                }
            }
            // Superseded by a later review, and too far out: neither is due.
            _ = try await review(heldDaysAgo: 90, nextInDays: 2, account: world.accountA)
            let due = try await review(heldDaysAgo: 30, nextInDays: 5, account: world.accountA)
            _ = try await review(heldDaysAgo: 30, nextInDays: 20, account: world.accountB)

            let member = try await world.client(for: .teamMember)
            let listed = try await member.notifications().notifications
            #expect(listed.count == 1)
            let notification = try #require(listed.first)
            #expect(notification.kind == .reviewDue && notification.subjectID == due && notification.accountID == world.accountA)
            #expect(notification.message.hasPrefix("Roadmap review of Account A due on "))
            // Listing again derives nothing new.
            #expect(try await member.notifications().notifications.count == 1)
            // The customer is not told; the owner is, when the integration claims.
            #expect(try await world.client(for: .customerEditor).notifications().notifications.isEmpty)
            let claimed = try await world.client(for: .admin).claimNotifications()
            #expect(Set(claimed.map(\.recipientEmail)) == ["seller-on@acme.example", "seller-member@acme.example"])
            #expect(claimed.allSatisfy { $0.notification.kind == .reviewDue })

            // An overdue review is told too, once, saying so.
            let overdue = try await review(heldDaysAgo: 10, nextInDays: -3, account: world.accountB)
            let admin = try await world.client(for: .admin)
            let told = try await admin.notifications().notifications.filter { $0.subjectID == overdue }
            #expect(told.count == 1 && told.first?.message.hasPrefix("Roadmap review of Account B overdue since ") == true)
            #expect(try await admin.notifications().notifications.filter { $0.subjectID == overdue }.count == 1)
        }
    }
}
