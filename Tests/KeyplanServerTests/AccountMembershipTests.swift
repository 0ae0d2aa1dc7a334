import Foundation
import KeyplanAPI
import KeyplanRPC
@testable import KeyplanServer
import Testing

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
}
