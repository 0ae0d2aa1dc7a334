import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Account membership")
struct AccountMembershipTests {
    @Test func removedMembersLoseTheAccountAndTheLastOwnerStays() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try await world.client(for: .sellerOnTeam)
            let member = try await world.client(for: .teamMember)
            let viewer = try await world.client(for: .customerViewer)
            let a = world.accountA
            let ownerID = try #require(world.users[.sellerOnTeam]).user
            let memberID = try #require(world.users[.teamMember]).user
            let viewerID = try #require(world.users[.customerViewer]).user
            #expect(try await member.getAccount(a).id == a)
            #expect(try await viewer.listAccounts().map(\.id) == [a])

            // The team's last owner cannot be taken off: nothing changes.
            let last = await rpcError { try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: ownerID)) }
            #expect(last?.code == .failedPrecondition && last?.message.contains("last owner") == true)
            #expect(try await owner.getAccount(a).internalNotes == "champion is wavering")
            // Nor demoted to a plain member.
            let demoted = await rpcError { try await owner.addTeamMember(AddTeamMemberRequest(accountID: a, userID: ownerID, role: .member)) }
            #expect(demoted?.code == .failedPrecondition && demoted?.message.contains("last owner") == true)

            // A seller and a customer are taken off; their next calls find no account.
            try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: memberID))
            try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: viewerID))
            #expect(await statusCode { _ = try await member.getAccount(a) } == .notFound)
            #expect(await statusCode { _ = try await viewer.getAccount(a) } == .notFound)
            #expect(try await viewer.listAccounts().isEmpty)
            #expect(await statusCode { try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: memberID)) } == .notFound)

            // With a second owner, the first one may leave.
            try await owner.addTeamMember(AddTeamMemberRequest(accountID: a, userID: memberID, role: .owner))
            try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: ownerID))
            #expect(await statusCode { _ = try await owner.getAccount(a) } == .notFound)
            #expect(try await member.getAccount(a).id == a)
        }
    }

    @Test func actionsOfARemovedMemberAreLeftWithoutAnOwnerVisiblyInTheirHistory() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let owner = try await world.client(for: .sellerOnTeam)
            let a = world.accountA
            let memberID = try #require(world.users[.teamMember]).user
            let editorID = try #require(world.users[.customerEditor]).user
            let ownerID = try #require(world.users[.sellerOnTeam]).user
            let internalAction = try await owner.createAction(CreateActionRequest(accountID: a, title: "Price the second plant", ownerID: memberID))
            let shared = try await owner.createAction(CreateActionRequest(accountID: a, title: "Site survey", ownerID: editorID, shared: true))
            let kept = try await owner.createAction(CreateActionRequest(accountID: a, title: "Scrap audit", ownerID: ownerID, shared: true))

            try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: memberID))
            try await owner.removeMember(RemoveMemberRequest(accountID: a, userID: editorID))
            for (action, formerOwner) in [(internalAction, memberID), (shared, editorID)] {
                let now = try await owner.getAction(accountID: a, actionID: action.id)
                #expect(now.ownerID == nil && now.version == 2 && now.title == action.title)
                let history = try await owner.history(accountID: a, entityID: action.id)
                #expect(history.map(\.operation) == [.created, .updated])
                #expect(
                    history.last?.fields.first { $0.field == "ownerID" } == FieldChange(field: "ownerID", before: formerOwner.uuidString, after: nil))
            }
            #expect(try await owner.getAction(accountID: a, actionID: kept.id) == kept, "an action of someone still on the account is untouched")
            // The former owner of an action can be assigned again only once back on the account.
            let reassigned = await rpcError {
                _ = try await owner.updateAction(UpdateActionRequest(accountID: a, actionID: shared.id, expectedVersion: 2, ownerID: editorID))
            }
            #expect(reassigned?.code == .invalidArgument)
        }
    }
}
