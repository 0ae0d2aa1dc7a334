import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Invitations and the customer's view")
struct InvitationTests {
    @Test func anInvitationWorksOnceAndNotAfterExpiryOrRevocation() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
            let invitation = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "Pat@Buyer.example", role: .customerEditor))
            #expect(invitation.token.hasPrefix("kpi_"))
            #expect(invitation.invitation.email == "pat@buyer.example")

            let grant = try await server.anonymous.acceptInvitation(token: invitation.token, password: "pat-password", displayName: "Pat")
            #expect(grant.identity.kind == .customer)
            let again = await rpcError {
                _ = try await server.anonymous.acceptInvitation(token: invitation.token, password: "pat-password", displayName: "Pat")
            }
            #expect(again?.code == .unauthenticated)
            // The password set on acceptance signs in.
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "pat-password")

            let brief = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "lee@buyer.example", role: .customerViewer, expiresInSeconds: 1))
            try await Task.sleep(for: .milliseconds(1500))
            #expect(
                await statusCode { _ = try await server.anonymous.acceptInvitation(token: brief.token, password: "lee-password", displayName: "Lee") }
                    == .unauthenticated)

            let revoked = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "kim@buyer.example", role: .customerViewer))
            try await seller.revokeInvitation(accountID: account.id, invitationID: revoked.invitation.id)
            #expect(
                await statusCode {
                    _ = try await server.anonymous.acceptInvitation(token: revoked.token, password: "kim-password", displayName: "Kim")
                } == .unauthenticated)

            let listed = try await seller.listInvitations(accountID: account.id)
            #expect(listed.count == 3)
            #expect(listed.first { $0.id == invitation.invitation.id }?.acceptedAt != nil)
        }
    }

    /// A used, revoked or expired token resolves to nothing, so accepting it is refused before
    /// any password is hashed.
    @Test func onlyAnAcceptableInvitationResolves() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
            func resolves(_ token: String) async throws -> Bool {
                try await InvitationRepository.resolve(tokenHash: SecretToken.hash(of: token), on: server.client) != nil
            }
            let used = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor))
            #expect(try await resolves(used.token))
            _ = try await server.anonymous.acceptInvitation(token: used.token, password: "pat-password", displayName: "Pat")
            #expect(try await resolves(used.token) == false)

            let revoked = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "kim@buyer.example", role: .customerViewer))
            try await seller.revokeInvitation(accountID: account.id, invitationID: revoked.invitation.id)
            #expect(try await resolves(revoked.token) == false)

            let brief = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "lee@buyer.example", role: .customerViewer, expiresInSeconds: 1))
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await resolves(brief.token) == false)
        }
    }

    @Test func aSecondInvitationLinksTheExistingCustomerOnlyWithTheirPassword() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let first = try await seller.createAccount(CreateAccountRequest(name: "First"))
            let second = try await seller.createAccount(CreateAccountRequest(name: "Second"))
            let a = try await seller.createInvitation(CreateInvitationRequest(accountID: first.id, email: "pat@buyer.example", role: .customerEditor))
            let pat = try await server.anonymous.acceptInvitation(token: a.token, password: "pat-password", displayName: "Pat")
            let b = try await seller.createInvitation(
                CreateInvitationRequest(accountID: second.id, email: "pat@buyer.example", role: .customerViewer))
            // Whoever holds the token cannot take over Pat's user with another password.
            #expect(
                await statusCode { _ = try await server.anonymous.acceptInvitation(token: b.token, password: "attacker-pw", displayName: "X") }
                    == .unauthenticated)
            let linked = try await server.anonymous.acceptInvitation(token: b.token, password: "pat-password", displayName: "ignored")
            #expect(linked.identity.userID == pat.identity.userID)
            #expect(Set(try await server.client(linked.token).listAccounts().map(\.id)) == [first.id, second.id])
        }
    }

    @Test func removingACustomerRevokesTheirPendingInvitationsToThatAccountOnly() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let account = try await seller.createAccount(CreateAccountRequest(name: "First"))
            let elsewhere = try await seller.createAccount(CreateAccountRequest(name: "Elsewhere"))
            let first = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
            let pat = try await server.anonymous.acceptInvitation(token: first.token, password: "pat-password", displayName: "Pat")
            let upgrade = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor))
            let other = try await seller.createInvitation(
                CreateInvitationRequest(accountID: elsewhere.id, email: "pat@buyer.example", role: .customerViewer))

            try await seller.removeMember(RemoveMemberRequest(accountID: account.id, userID: pat.identity.userID))
            // The invitation sent earlier to the same account no longer lets Pat back in…
            #expect(
                await statusCode {
                    _ = try await server.anonymous.acceptInvitation(token: upgrade.token, password: "pat-password", displayName: "Pat")
                } == .unauthenticated)
            #expect(try await seller.listInvitations(accountID: account.id).first { $0.id == upgrade.invitation.id }?.revokedAt != nil)
            #expect(try await server.client(pat.token).listAccounts().isEmpty)
            // …while the one to another account still does.
            _ = try await server.anonymous.acceptInvitation(token: other.token, password: "pat-password", displayName: "Pat")
            #expect(try await server.client(pat.token).listAccounts().map(\.id) == [elsewhere.id])
        }
    }

    /// Pat, a customer with the password `pat-password`, and a second invitation for Pat.
    func secondInvitationOfAnExistingCustomer(_ server: IdentityTestServer) async throws -> CreatedInvitation {
        let (_, admin) = try await server.bootstrapTenant(slug: "acme")
        let seller = server.client(admin.token)
        let account = try await seller.createAccount(CreateAccountRequest(name: "First"))
        let first = try await seller.createInvitation(
            CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
        _ = try await server.anonymous.acceptInvitation(token: first.token, password: "pat-password", displayName: "Pat")
        return try await seller.createInvitation(CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor))
    }

    @Test func guessingAnExistingCustomersPasswordThroughAnInvitationIsThrottled() async throws {
        try await IdentityTestServer.with { server in
            let second = try await secondInvitationOfAnExistingCustomer(server)
            for _ in 0..<3 {
                #expect(
                    await statusCode {
                        _ = try await server.anonymous.acceptInvitation(token: second.token, password: "guess-guess", displayName: "X")
                    } == .unauthenticated)
            }
            #expect(
                await statusCode { _ = try await server.anonymous.acceptInvitation(token: second.token, password: "pat-password", displayName: "X") }
                    == .resourceExhausted)
            // The same counter guards sign-in.
            #expect(
                await statusCode { _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "pat-password") }
                    == .resourceExhausted)
        }
    }

    @Test func concurrentGuessesThroughAnInvitationAreCheckedAtMostUpToTheLimit() async throws {
        try await IdentityTestServer.with { server in
            let second = try await secondInvitationOfAnExistingCustomer(server)
            let codes = await concurrentStatusCodes(8) {
                _ = try await server.anonymous.acceptInvitation(token: second.token, password: "guess-guess", displayName: "X")
            }
            // The test throttle allows 3 failures per account.
            #expect(codes.filter { $0 == .unauthenticated }.count == 3)
            #expect(codes.filter { $0 == .resourceExhausted }.count == 5)
        }
    }

    @Test func theSameEmailInTwoTenantsSeesEachTenantSeparately() async throws {
        try await IdentityTestServer.with { server in
            var accounts: [String: UUID] = [:]
            for slug in ["acme", "globex"] {
                let (_, admin) = try await server.bootstrapTenant(slug: slug)
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "\(slug) deal", internalNotes: "secret of \(slug)"))
                accounts[slug] = account.id
                let invitation = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor))
                _ = try await server.anonymous.acceptInvitation(token: invitation.token, password: "\(slug)-password", displayName: "Pat")
            }
            let inAcme = server.client(
                try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "acme-password").token)
            #expect(try await inAcme.listAccounts().map(\.id) == [accounts["acme"]])
            #expect(await statusCode { _ = try await inAcme.getAccount(try #require(accounts["globex"])) } == .notFound)
            // Each tenant's password is its own.
            #expect(
                await statusCode {
                    _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "globex-password")
                } == .unauthenticated)
        }
    }

    @Test func aCustomerGetsTheServerBuiltCustomerView() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let sellerView = try await seller.getAccount(world.accountA)
            #expect(sellerView.internalNotes == "champion is wavering")
            #expect(sellerView.annualRevenue == Decimal(string: "1250000.50"))

            for caller in [MatrixCaller.customerEditor, .customerViewer] {
                let customer = try await world.client(for: caller)
                let view = try await customer.getAccount(world.accountA)
                #expect(view == AccountView(id: world.accountA, name: "Account A", annualRevenue: nil, internalNotes: nil))
                #expect(try await customer.listAccounts() == [view])
                // Every other account, in the tenant or not, does not exist for them.
                for other in [world.accountB, world.accountC] {
                    #expect(await statusCode { _ = try await customer.getAccount(other) } == .notFound)
                }
            }
            let offTeam = try await world.client(for: .sellerOffTeam)
            #expect(try await offTeam.listAccounts().isEmpty)
            let leader = try await world.client(for: .leader)
            #expect(Set(try await leader.listAccounts().map(\.id)) == [world.accountA, world.accountB])
        }
    }
}
