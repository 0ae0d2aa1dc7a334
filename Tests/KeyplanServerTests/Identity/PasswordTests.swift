import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Changing one's own password and an admin's reset, against a real server: the old password stops
/// working, the new one works, sessions end as documented, and wrong current passwords are refused.
@Suite("Passwords")
struct PasswordTests {
    static let first = "first password 1"

    @Test func aUserChangesTheirPasswordAndTheirOtherSessionsEnd() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            _ = try await server.client(admin.token).createUser(
                CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: Self.first))
            let here = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: Self.first)
            let elsewhere = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: Self.first)
            let sam = server.client(here.token)

            let wrong = await rpcError { try await sam.changePassword(current: "not it", new: "second password 2") }
            #expect(wrong?.code == .invalidArgument && wrong?.message == "the current password is not right")
            let short = await rpcError { try await sam.changePassword(current: Self.first, new: "short") }
            #expect(short?.code == .invalidArgument)

            try await sam.changePassword(current: Self.first, new: "second password 2")
            #expect(try await sam.whoAmI().email == "sam@acme.example", "the session that changed it goes on")
            #expect(await statusCode { _ = try await server.client(elsewhere.token).whoAmI() } == .unauthenticated)
            #expect(
                await statusCode { _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: Self.first) }
                    == .unauthenticated)
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "second password 2")
        }
    }

    @Test func wrongCurrentPasswordsTripTheSignInThrottle() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let adminClient = server.client(admin.token)
            var codes: [StatusCode] = []
            for attempt in 0..<8 {
                codes.append(await statusCode { try await adminClient.changePassword(current: "guess \(attempt)", new: "never set 123") })
            }
            #expect(codes.prefix(3).allSatisfy { $0 == .invalidArgument }, "\(codes)")
            #expect(codes.last == .resourceExhausted, "\(codes)")
        }
    }

    @Test func anAdminResetsAPasswordAndTheUsersSessionsEnd() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let adminClient = server.client(admin.token)
            let sam = try await adminClient.createUser(
                CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: Self.first)
            ).user
            let session = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: Self.first)
            let key = try await server.client(session.token).createAPIKey(CreateAPIKeyRequest(name: "sync", role: .seller))

            let reset = try await adminClient.resetPassword(userID: sam.id)
            let generated = try #require(reset.generatedPassword)
            #expect(reset.user.id == sam.id && generated.count >= 12)
            #expect(await statusCode { _ = try await server.client(session.token).whoAmI() } == .unauthenticated)
            #expect(try await server.client(key.token).whoAmI().userID == sam.id, "API keys stay")
            #expect(
                await statusCode { _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: Self.first) }
                    == .unauthenticated)
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: generated)

            let chosen = try await adminClient.resetPassword(userID: sam.id, password: "chosen password 3")
            #expect(chosen.generatedPassword == nil)
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "chosen password 3")

            // A lockout earned with the forgotten password does not outlive the reset.
            for attempt in 0..<6 {
                _ = await statusCode {
                    _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "forgotten \(attempt)")
                }
            }
            #expect(
                await statusCode {
                    _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "chosen password 3")
                } == .resourceExhausted)
            let afterLockout = try #require(try await adminClient.resetPassword(userID: sam.id).generatedPassword)
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: afterLockout)

            // Not one's own (that takes the current password), not a customer's (theirs alone).
            #expect(await rpcError { _ = try await adminClient.resetPassword(userID: admin.identity.userID) }?.code == .failedPrecondition)
            let account = try await adminClient.createAccount(CreateAccountRequest(name: "Globex"))
            let invitation = try await adminClient.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "pat@globex.example", role: .customerViewer))
            let customer = try await server.anonymous.acceptInvitation(token: invitation.token, password: "pat-password", displayName: "Pat")
            #expect(await rpcError { _ = try await adminClient.resetPassword(userID: customer.identity.userID) }?.code == .failedPrecondition)

            _ = try await adminClient.disableUser(sam.id)
            #expect(await rpcError { _ = try await adminClient.resetPassword(userID: sam.id) }?.code == .failedPrecondition)
            #expect(await rpcError { _ = try await adminClient.resetPassword(userID: UUID()) }?.code == .notFound)
        }
    }
}

extension CLITests {
    /// `keyplan password` and `keyplan users reset-password`, secrets from standard input.
    @Test func passwordsFromTheCLI() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            _ = try await server.client(admin.token).createUser(
                CreateUserRequest(email: "sam@acme.example", displayName: "Sam Seller", role: .seller, password: PasswordTests.first))
            let address = "127.0.0.1:\(server.port)"
            _ = try await keyplan(["login", "--server", address, "--tenant", "acme", "--email", "admin@acme.example"], input: "admin-password\n")

            let reset = try await keyplan(["users", "reset-password", "Sam Seller"])
            let generated = try #require(reset.output.firstMatch(of: /password (\S+) \(shown only now\)/)?.1, "\(reset.output)\(reset.errors)")
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: String(generated))

            let changed = try await keyplan(["password"], input: "admin-password\nnew admin password 4\n")
            #expect(changed.status == 0 && changed.output.contains("password changed"), "\(changed.output)\(changed.errors)")
            _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "new admin password 4")
            let wrong = try await keyplan(["password"], input: "admin-password\nanother one 55\n")
            #expect(wrong.status != 0 && wrong.errors.contains("the current password is not right"), "\(wrong.errors)")
        }
    }
}
