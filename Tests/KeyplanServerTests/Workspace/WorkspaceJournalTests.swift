import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Workspace journal")
struct WorkspaceJournalTests {
    struct Record: Encodable {
        var title: String
        var target: Decimal?
        var tags: [String]
        var version: Int
    }

    @Test func aDiffNamesEachChangedFieldBeforeAndAfter() {
        let before = Record(title: "Grow EMEA", target: 10, tags: ["a"], version: 1)
        let after = Record(title: "Grow EMEA by 20%", target: nil, tags: ["a", "b"], version: 2)
        #expect(
            FieldChange.diff(before: before, after: after) == [
                FieldChange(field: "tags", before: #"["a"]"#, after: #"["a","b"]"#),
                FieldChange(field: "target", before: "10", after: nil),
                FieldChange(field: "title", before: "Grow EMEA", after: "Grow EMEA by 20%"),
            ])
        #expect(FieldChange.diff(before: nil, after: before).map(\.field) == ["tags", "target", "title"])
        #expect(FieldChange.diff(before: before, after: before).isEmpty)
    }

    @Test func aCustomerReadsOnlySharedChangesAndTheJournalCannotBeRewritten() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try principal(world, .sellerOnTeam, kind: .seller(.seller))
            let record = UUID()
            try await server.inTenant(world.acme) { connection in
                let journal = WorkspaceJournal(transaction: connection)
                for (visibility, summary) in [(Visibility.shared, "shared change"), (.internal, "internal change")] {
                    try await journal.record(
                        JournalEntry(
                            accountID: world.accountA, entity: .action, entityID: record, operation: .updated, version: 2,
                            visibility: visibility, summary: summary, fields: [FieldChange(field: "title", before: "a", after: "b")]), by: seller)
                }
            }
            let customerView = try await world.client(for: .customerEditor).history(accountID: world.accountA, entityID: record)
            #expect(customerView.map(\.summary) == ["shared change"])
            let sellerView = try await world.client(for: .leader).history(accountID: world.accountA, entityID: record)
            #expect(sellerView.map(\.summary) == ["shared change", "internal change"])
            let first = try #require(sellerView.first)
            #expect(first.actor.userID == seller.userID && first.actor.kind == .seller && first.actor.displayName == "seller-on")
            #expect(first.fields == [FieldChange(field: "title", before: "a", after: "b")] && first.version == 2 && first.entity == .action)
            // Another account's id answers nothing, even for the same record id.
            #expect(try await world.client(for: .leader).history(accountID: world.accountB, entityID: record).isEmpty)
            // The customer never sees the account of another tenant.
            #expect(
                await statusCode { _ = try await world.client(for: .customerEditor).history(accountID: world.accountC, entityID: record) }
                    == .notFound)

            // The server's role may not rewrite history (no grant; the trigger stops even the owner).
            await #expect(throws: PostgresError.self) {
                try await server.inTenant(world.acme) { try await $0.query("UPDATE workspace_changes SET summary = 'forged'") }
            }
            #expect(
                try await world.client(for: .leader).history(accountID: world.accountA, entityID: record).map(\.summary) == [
                    "shared change", "internal change",
                ])
        }
    }

    @Test func aChangeNotifiesEveryListenerWhenItCommits() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try principal(world, .sellerOnTeam, kind: .seller(.seller))
            let notifications = try await server.client.listen(channel: "keyplan_workspace")
            let id = try await server.inTenant(world.acme) { connection in
                try await WorkspaceJournal(transaction: connection).record(
                    JournalEntry(
                        accountID: world.accountA, entity: .goal, entityID: UUID(), operation: .created, version: 1,
                        visibility: .shared, summary: "created", fields: []), by: seller)
            }
            var iterator = notifications.makeAsyncIterator()
            guard case .notification(let notification) = try #require(await iterator.next()) else {
                Issue.record("expected a notification")
                return
            }
            #expect(notification.payload == "\(world.acme.uuidString.lowercased())/\(world.accountA.uuidString.lowercased())/\(id)")
        }
    }

    @Test func aStaleUpdateCarriesTheCurrentRecord() throws {
        let current = AccountView(id: UUID(), name: "Now", annualRevenue: nil, internalNotes: nil)
        let error = try CurrentRecord.aborted(current, version: 3)
        #expect(error.code == .aborted && error.message.contains("version 3"))
        #expect(try error.currentRecord(as: AccountView.self) == current)
        #expect(try RPCError(code: .aborted, message: "no detail").currentRecord(as: AccountView.self) == nil)
    }

    private func principal(_ world: TwoTenantWorld, _ caller: MatrixCaller, kind: Principal.Kind) throws -> Principal {
        let user = try #require(world.users[caller])
        return Principal(userID: user.user, tenantID: user.tenant, kind: kind, credentialID: UUID(), credentialKind: .session)
    }
}
