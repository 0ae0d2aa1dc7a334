import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// The relationship map through a real server: building it, versions, reports-to rules, coverage,
/// the journal, and who may read or change it.
@Suite("Relationship map")
struct RelationshipMapTests {
    /// Builds ``KnownMap`` on account A through the API, with account A's owner as Sam and its
    /// team member as Tina; answers the contacts' ids by name.
    static func buildKnownMap(_ world: TwoTenantWorld, as client: KeyplanClient) async throws -> [String: Contact] {
        let (sam, tina) = (try world.user(.sellerOnTeam), try world.user(.teamMember))
        var ids: [UUID: UUID] = [:]  // known id → created id
        var created: [String: Contact] = [:]
        // Managers before their reports.
        for known in OrgChart(map: KnownMap.map).layout().boxes.compactMap({ box in KnownMap.map.contacts.first { $0.id == box.contactID } }) {
            let contact = try await client.addContact(
                AddContactRequest(
                    accountID: world.accountA, fullName: known.fullName, title: known.title, reportsTo: known.reportsTo.flatMap { ids[$0] },
                    decisionRole: known.decisionRole, influence: known.influence, attitude: known.attitude))
            ids[known.id] = contact.id
            created[known.fullName] = contact
        }
        for relationship in KnownMap.map.relationships {
            _ = try await client.setRelationship(
                SetRelationshipRequest(
                    accountID: world.accountA, contactID: try #require(ids[relationship.contactID]),
                    userID: relationship.userID == KnownMap.sam ? sam : tina, strength: relationship.strength))
        }
        return created
    }

    @Test func aSellerBuildsTheMapAndTheServerComputesItsCoverage() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try await world.client(for: .sellerOnTeam)
            let contacts = try await Self.buildKnownMap(world, as: owner)
            let carla = try #require(contacts["Carla Chen"]), frank = try #require(contacts["Frank Fox"])

            // Any seller in scope reads the map; it holds what was written.
            let map = try await world.client(for: .leader).relationshipMap(of: world.accountA)
            #expect(map.contacts.map(\.fullName) == ["Carla Chen", "Frank Fox", "Gus Gray", "Ivy Ito", "Uma Ueda"])
            #expect(map.relationships.count == 5 && Set(map.relationships.map(\.userName)) == ["seller-on", "seller-member"])
            #expect(map.contacts.first { $0.fullName == "Gus Gray" }?.reportsTo == frank.id)

            let report = try await world.client(for: .marketing).coverageGaps(of: world.accountA)
            #expect(report == CoverageReport(map: map))
            #expect(report.gaps.map(\.contactID) == [carla.id, frank.id])
            #expect(
                report.gaps.first?.explanation
                    == "Carla Chen (CEO) is a decision maker of high influence without a strong relationship: our strongest relationship is moderate (seller-on)."
            )
            #expect(report.singleThreading.map(\.kind) == [.allStrongRelationships, .keyPlayerKnownByOne] && report.status == .amber)

            // Tina gets to know Carla strongly: the gap closes, the single thread to Carla too.
            _ = try await owner.setRelationship(
                SetRelationshipRequest(accountID: world.accountA, contactID: carla.id, userID: try world.user(.teamMember), strength: .strong))
            let better = try await owner.coverageGaps(of: world.accountA)
            #expect(better.gaps.map(\.contactID) == [frank.id] && better.singleThreading.isEmpty)
        }
    }

    @Test func versionsReportsToRulesRemovalAndTheInternalJournal() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try await world.client(for: .sellerOnTeam), member = try await world.client(for: .teamMember)
            let contacts = try await Self.buildKnownMap(world, as: owner)
            let carla = try #require(contacts["Carla Chen"]), ivy = try #require(contacts["Ivy Ito"]), uma = try #require(contacts["Uma Ueda"])

            // Two sellers edit Carla from version 1: the first wins, the second gets ABORTED with the current record.
            let updated = try await owner.updateContact(
                UpdateContactRequest(
                    accountID: world.accountA, contactID: carla.id, expectedVersion: 1, attitude: .supporter, concerns: "Cost of the migration"))
            #expect(updated.version == 2 && updated.attitude == .supporter && updated.concerns == "Cost of the migration")
            let stale = try #require(
                await rpcError {
                    _ = try await member.updateContact(
                        UpdateContactRequest(accountID: world.accountA, contactID: carla.id, expectedVersion: 1, title: "Chief Executive"))
                })
            #expect(stale.code == .aborted)
            #expect(try stale.currentRecord(as: Contact.self) == updated)
            // Clearing a field, and naming a field both ways.
            let cleared = try await member.updateContact(
                UpdateContactRequest(accountID: world.accountA, contactID: carla.id, expectedVersion: 2, clear: [.influence]))
            #expect(cleared.influence == nil && cleared.version == 3 && cleared.attitude == .supporter)
            #expect(
                await statusCode {
                    _ = try await member.updateContact(
                        UpdateContactRequest(accountID: world.accountA, contactID: carla.id, expectedVersion: 3, influence: .low, clear: [.influence])
                    )
                } == .invalidArgument)

            // Reports-to: never oneself, never a cycle, never a contact of another account.
            let cycle = try #require(
                await rpcError {
                    _ = try await owner.updateContact(
                        UpdateContactRequest(accountID: world.accountA, contactID: carla.id, expectedVersion: 3, reportsTo: uma.id))
                })
            #expect(
                cycle.code == .failedPrecondition && cycle.message.contains("Carla Chen cannot report to Uma Ueda") && cycle.message.contains("cycle")
            )
            #expect(
                await statusCode {
                    _ = try await owner.updateContact(
                        UpdateContactRequest(accountID: world.accountA, contactID: carla.id, expectedVersion: 3, reportsTo: carla.id))
                } == .invalidArgument)
            let elsewhere = try await world.client(for: .admin).addContact(AddContactRequest(accountID: world.accountB, fullName: "Bea Other"))
            let foreign = try #require(
                await rpcError {
                    _ = try await owner.addContact(AddContactRequest(accountID: world.accountA, fullName: "New", reportsTo: elsewhere.id))
                })
            #expect(foreign.code == .failedPrecondition && foreign.message.contains("not a contact of this account"))
            // A contact of another account is not found through this one.
            #expect(
                await statusCode {
                    _ = try await owner.updateContact(
                        UpdateContactRequest(accountID: world.accountA, contactID: elsewhere.id, expectedVersion: 1, title: "x"))
                } == .notFound)
            // The database refuses it too, whoever writes.
            await #expect(throws: PostgresError.self) {
                try await server.inTenant(world.acme) {
                    try await $0.query("UPDATE contacts SET reports_to = \(elsewhere.id) WHERE id = \(carla.id)")
                }
            }

            // Two concurrent moves that would close a cycle together: Gus → Uma is in flight (its
            // transaction holds the account's reports-to lock) when Ivy → Gus arrives. The second
            // waits for the first and then sees the cycle, however the two interleave.
            let gus = try #require(contacts["Gus Gray"])
            let move: Task<StatusCode, Never> = try await server.inTenant(world.acme) { connection in
                try await RelationshipMapRepository(transaction: connection).lockReportingLines(of: world.accountA)
                try await connection.query("UPDATE contacts SET reports_to = \(uma.id), version = version + 1 WHERE id = \(gus.id)")
                let move = Task {
                    await statusCode {
                        _ = try await owner.updateContact(
                            UpdateContactRequest(accountID: world.accountA, contactID: ivy.id, expectedVersion: 1, reportsTo: gus.id))
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                return move
            }
            #expect(await move.value == .failedPrecondition, "Uma reports to Ivy: Ivy → Gus after Gus → Uma would close a cycle")

            // Relationships: a new one without a version; an existing one only with the version read.
            let tina = try world.user(.teamMember)
            let existing = try #require(
                await rpcError {
                    _ = try await owner.setRelationship(
                        SetRelationshipRequest(accountID: world.accountA, contactID: ivy.id, userID: tina, strength: .strong))
                })
            #expect(existing.code == .aborted && existing.message.contains("name that version"))
            let current = try #require(try existing.currentRecord(as: Relationship.self))
            #expect(current.strength == .weak && current.version == 1 && current.userName == "seller-member")
            let stronger = try await owner.setRelationship(
                SetRelationshipRequest(
                    accountID: world.accountA, contactID: ivy.id, userID: tina, strength: .strong, note: "Weekly calls", expectedVersion: 1))
            #expect(stronger.version == 2 && stronger.strength == .strong && stronger.note == "Weekly calls")
            #expect(
                await statusCode {
                    _ = try await owner.setRelationship(
                        SetRelationshipRequest(accountID: world.accountA, contactID: ivy.id, userID: tina, strength: .weak, expectedVersion: 1))
                } == .aborted)
            let noteKept = try await member.setRelationship(
                SetRelationshipRequest(accountID: world.accountA, contactID: ivy.id, userID: tina, strength: .moderate, expectedVersion: 2))
            #expect(noteKept.version == 3 && noteKept.strength == .moderate && noteKept.note == "Weekly calls", "no note keeps the note")
            // Only sellers of the tenant are team members; customers and unknown users are refused.
            for user in [try world.user(.customerEditor), UUID()] {
                #expect(
                    await statusCode {
                        _ = try await owner.setRelationship(
                            SetRelationshipRequest(accountID: world.accountA, contactID: ivy.id, userID: user, strength: .weak))
                    } == .invalidArgument)
            }
            #expect(
                await statusCode {
                    try await owner.removeRelationship(
                        RemoveRelationshipRequest(accountID: world.accountA, contactID: ivy.id, userID: tina, expectedVersion: 1))
                } == .aborted)
            try await owner.removeRelationship(
                RemoveRelationshipRequest(accountID: world.accountA, contactID: ivy.id, userID: tina, expectedVersion: 3))

            // Removing Ivy: Uma reports to nobody (a new version), Ivy's relationships go with her.
            let umaBefore = try #require(try await owner.relationshipMap(of: world.accountA).contacts.first { $0.id == uma.id })
            let staleRemoval = try #require(
                await rpcError {
                    try await owner.removeContact(RemoveContactRequest(accountID: world.accountA, contactID: ivy.id, expectedVersion: 99))
                })
            let ivyNow = try staleRemoval.currentRecord(as: Contact.self)
            #expect(staleRemoval.code == .aborted && ivyNow?.id == ivy.id)
            try await owner.removeContact(
                RemoveContactRequest(accountID: world.accountA, contactID: ivy.id, expectedVersion: try #require(ivyNow).version))
            let after = try await owner.relationshipMap(of: world.accountA)
            #expect(!after.contacts.contains { $0.id == ivy.id } && !after.relationships.contains { $0.contactID == ivy.id })
            let umaAfter = try #require(after.contacts.first { $0.id == uma.id })
            #expect(umaBefore.reportsTo == ivy.id && umaAfter.reportsTo == nil && umaAfter.version == umaBefore.version + 1)
            #expect(
                await statusCode {
                    try await owner.removeContact(RemoveContactRequest(accountID: world.accountA, contactID: ivy.id, expectedVersion: 1))
                } == .notFound)

            // Every change is in the journal, internal: sellers read it, a customer's history shows none.
            let carlaHistory = try await world.client(for: .leader).history(accountID: world.accountA, entityID: carla.id)
            #expect(
                carlaHistory.map(\.summary) == [
                    "Contact “Carla Chen” added", "Relationship of seller-on with “Carla Chen” recorded (moderate)",
                    "Contact “Carla Chen” updated", "Contact “Carla Chen” updated",
                ])
            #expect(carlaHistory.allSatisfy { $0.visibility == .internal })
            // Which record, its version, who and when are the entry's own: never journaled as fields.
            let journaled = Set(carlaHistory.flatMap(\.fields).map(\.field))
            #expect(journaled.isDisjoint(with: FieldChange.bookkeeping) && journaled.contains("fullName"), "\(journaled)")
            #expect(
                carlaHistory[2].fields.map(\.field) == ["attitude", "concerns"] && carlaHistory[2].fields[0].before == "neutral"
                    && carlaHistory[2].fields[0].after == "supporter")
            let ivyHistory = try await owner.history(accountID: world.accountA, entityID: ivy.id)
            #expect(ivyHistory.last?.summary == "Contact “Ivy Ito” removed" && ivyHistory.last?.operation == .deleted)
            #expect(ivyHistory.contains { $0.summary == "Relationship of seller-member with “Ivy Ito” updated (weak → strong)" })
            #expect(ivyHistory.contains { $0.summary == "Relationship of seller-member with “Ivy Ito” removed" && $0.operation == .deleted })
            let umaHistory = try await owner.history(accountID: world.accountA, entityID: uma.id)
            #expect(umaHistory.last?.summary == "Contact “Uma Ueda” no longer reports to “Ivy Ito” (removed)")
            for customer in [MatrixCaller.customerEditor, .customerViewer] {
                for contact in [carla, ivy, uma] {
                    #expect(try await world.client(for: customer).history(accountID: world.accountA, entityID: contact.id).isEmpty)
                }
            }
        }
    }

    @Test func customersCannotReadOrChangeAnyOfTheMapAndBadInputIsRefused() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try await world.client(for: .sellerOnTeam)
            let contact = try await owner.addContact(
                AddContactRequest(
                    accountID: world.accountA, fullName: "Dana Diaz", decisionRole: .decisionMaker, attitude: .opponent,
                    concerns: "Thinks we are too expensive"))
            let seller = try world.user(.sellerOnTeam)
            _ = try await owner.setRelationship(
                SetRelationshipRequest(accountID: world.accountA, contactID: contact.id, userID: seller, strength: .weak))
            let calls: [(String, (KeyplanClient) async throws -> Void)] = [
                ("AddContact", { _ = try await $0.addContact(AddContactRequest(accountID: world.accountA, fullName: "Spy")) }),
                (
                    "UpdateContact",
                    {
                        _ = try await $0.updateContact(
                            UpdateContactRequest(accountID: world.accountA, contactID: contact.id, expectedVersion: 1, attitude: .advocate))
                    }
                ),
                (
                    "RemoveContact",
                    { try await $0.removeContact(RemoveContactRequest(accountID: world.accountA, contactID: contact.id, expectedVersion: 1)) }
                ),
                ("Map", { _ = try await $0.relationshipMap(of: world.accountA) }),
                (
                    "SetRelationship",
                    {
                        _ = try await $0.setRelationship(
                            SetRelationshipRequest(
                                accountID: world.accountA, contactID: contact.id, userID: seller, strength: .strong, expectedVersion: 1))
                    }
                ),
                (
                    "RemoveRelationship",
                    {
                        try await $0.removeRelationship(
                            RemoveRelationshipRequest(accountID: world.accountA, contactID: contact.id, userID: seller, expectedVersion: 1))
                    }
                ),
                ("CoverageGaps", { _ = try await $0.coverageGaps(of: world.accountA) }),
            ]
            for (method, call) in calls {
                for caller in [MatrixCaller.customerEditor, .customerViewer] {
                    #expect(await statusCode { try await call(try await world.client(for: caller)) } == .permissionDenied, "\(method) as \(caller)")
                }
                for caller in [MatrixCaller.otherTenantCustomer, .sellerOffTeam] {
                    #expect(await statusCode { try await call(try await world.client(for: caller)) } == .notFound, "\(method) as \(caller)")
                }
            }
            // Nothing changed meanwhile.
            let map = try await owner.relationshipMap(of: world.accountA)
            #expect(map.contacts.map(\.version) == [1] && map.contacts.first?.attitude == .opponent && map.relationships.map(\.strength) == [.weak])
            // Another tenant's customer cannot reach it through their own account either.
            let other = try await world.client(for: .otherTenantCustomer)
            #expect(await statusCode { _ = try await other.relationshipMap(of: world.accountC) } == .permissionDenied)

            // Bad input: a clear INVALID_ARGUMENT, nothing written.
            let bad: [(String, AddContactRequest)] = [
                ("the full name must have 1 to 200 characters", AddContactRequest(accountID: world.accountA, fullName: "  ")),
                (
                    "the full name must have 1 to 200 characters",
                    AddContactRequest(accountID: world.accountA, fullName: String(repeating: "é", count: 201))
                ),
                (
                    "the title must have at most 200 characters",
                    AddContactRequest(accountID: world.accountA, fullName: "T", title: String(repeating: "t", count: 201))
                ),
                (
                    "the concerns must have at most 4000 characters",
                    AddContactRequest(accountID: world.accountA, fullName: "C", concerns: String(repeating: "c", count: 4001))
                ),
                ("the email is not a valid address", AddContactRequest(accountID: world.accountA, fullName: "E", email: "not an address")),
            ]
            for (message, request) in bad {
                let error = await rpcError { _ = try await owner.addContact(request) }
                #expect(error?.code == .invalidArgument && error?.message == message)
            }
            #expect(
                await rpcError {
                    _ = try await owner.updateContact(UpdateContactRequest(accountID: world.accountA, contactID: contact.id, expectedVersion: 0))
                }?.message.hasPrefix("expectedVersion must be the version you read (1 or more)") == true)
            #expect(
                await rpcError {
                    _ = try await owner.setRelationship(
                        SetRelationshipRequest(
                            accountID: world.accountA, contactID: contact.id, userID: seller, strength: .strong,
                            note: String(repeating: "n", count: 2001), expectedVersion: 1))
                }?.message == "the note must have at most 2000 characters")
            #expect(
                await statusCode {
                    _ = try await owner.setRelationship(
                        SetRelationshipRequest(accountID: world.accountA, contactID: UUID(), userID: seller, strength: .strong))
                } == .notFound)
            #expect(try await owner.relationshipMap(of: world.accountA).contacts.count == 1)
        }
    }

    @Test func aContactMovedToAnotherAccountLeavesItsReportingLinesAndTakesItsRelationships() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try await world.client(for: .sellerOnTeam)
            let boss = try await owner.addContact(AddContactRequest(accountID: world.accountA, fullName: "Boss"))
            let mover = try await owner.addContact(AddContactRequest(accountID: world.accountA, fullName: "Mover", reportsTo: boss.id))
            let report = try await owner.addContact(AddContactRequest(accountID: world.accountA, fullName: "Report", reportsTo: mover.id))
            _ = try await owner.setRelationship(
                SetRelationshipRequest(accountID: world.accountA, contactID: mover.id, userID: try world.user(.sellerOnTeam), strength: .strong))
            // As the CRM import does it: a plain update of the account.
            _ = try await server.inTenant(world.acme) {
                try await $0.query("UPDATE contacts SET account_id = \(world.accountB) WHERE id = \(mover.id)")
            }

            let a = try await owner.relationshipMap(of: world.accountA)
            #expect(a.contacts.first { $0.id == report.id }?.reportsTo == nil && a.contacts.first { $0.id == report.id }?.version == 2)
            #expect(a.relationships.isEmpty)
            let b = try await world.client(for: .admin).relationshipMap(of: world.accountB)
            let moved = try #require(b.contacts.first { $0.id == mover.id })
            #expect(moved.reportsTo == nil && moved.version == 2 && b.relationships.map(\.contactID) == [mover.id])
        }
    }
}
