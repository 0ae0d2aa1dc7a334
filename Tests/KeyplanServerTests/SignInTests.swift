import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Sign-in, sessions and API keys")
struct SignInTests {
    @Test func wrongPasswordUnknownUserAndUnknownTenantAllAnswerTheSame() async throws {
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            let wrongPassword = await rpcError {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "not-the-password")
            }
            let unknownUser = await rpcError {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "nobody@acme.example", password: "whatever-1")
            }
            let unknownTenant = await rpcError {
                _ = try await server.anonymous.signIn(tenantSlug: "nope", email: "admin@acme.example", password: "admin-password")
            }
            #expect(wrongPassword?.code == .unauthenticated)
            #expect(wrongPassword == unknownUser)
            #expect(wrongPassword == unknownTenant)
            let grant = try await server.anonymous.signIn(tenantSlug: "acme", email: " Admin@ACME.example ", password: "admin-password")
            #expect(try await server.client(grant.token).whoAmI().tenantRole == .admin)
        }
    }

    @Test func repeatedWrongPasswordsAreThrottledPerAccount() async throws {
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            for _ in 0..<3 {
                let code = await statusCode {
                    _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "guess-guess")
                }
                #expect(code == .unauthenticated)
            }
            // Over the limit even the right password is refused, with the time to wait.
            let throttled = await rpcError {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
            }
            #expect(throttled?.code == .resourceExhausted)
            #expect(throttled?.message.contains("retry after") == true)
            // Another account from the same address is not affected by this account's limit.
            _ = try await server.bootstrapTenant(slug: "globex")
        }
    }

    /// Attempts are counted before the (slow) password check, so concurrent guesses cannot all
    /// pass the limit while none has failed yet.
    @Test func concurrentWrongPasswordsAreCheckedAtMostUpToTheLimit() async throws {
        let configuration = testIdentityConfiguration { $0.throttle = .init(window: .seconds(60), failuresPerAccount: 5, failuresPerAddress: 1000) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            let codes = await concurrentStatusCodes(12) {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "guess-guess")
            }
            #expect(codes.filter { $0 == .unauthenticated }.count == 5)
            #expect(codes.filter { $0 == .resourceExhausted }.count == 7)
            let throttled = await statusCode {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
            }
            #expect(throttled == .resourceExhausted)
        }
    }

    /// Attempts in flight are not failures: sixteen correct sign-ins of one user from one address,
    /// all at once, all succeed (at most five passwords are checked at a time, the rest wait);
    /// then five wrong ones still trip the throttle, whose refusal states the real wait.
    @Test func concurrentCorrectSignInsAllSucceedAndWrongOnesStillTripTheThrottle() async throws {
        let configuration = testIdentityConfiguration { $0.throttle = .init(window: .seconds(60), failuresPerAccount: 5, failuresPerAddress: 50) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            let correct = await concurrentStatusCodes(16) {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
            }
            #expect(correct == Array(repeating: .ok, count: 16))
            let wrong = await concurrentStatusCodes(5) {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "not-it-at-all")
            }
            #expect(wrong == Array(repeating: .unauthenticated, count: 5))
            let refused = await rpcError {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
            }
            #expect(refused?.code == .resourceExhausted)
            let wait = refused.flatMap { Int($0.message.split(separator: " ").dropLast().last ?? "") }
            #expect(wait.map { (55...60).contains($0) } == true, "the real wait, about the window: \(refused?.message ?? "")")
        }
    }

    /// A company's buyers behind one address signing in at once at the start of a meeting: more
    /// of them than the address may fail, all correct, all in.
    @Test func manyUsersBehindOneAddressSignInAtOnce() async throws {
        let configuration = testIdentityConfiguration { $0.throttle = .init(window: .seconds(60), failuresPerAccount: 5, failuresPerAddress: 4) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            for index in 0..<12 {
                _ = try await server.client(admin.token).createUser(
                    CreateUserRequest(
                        email: "buyer\(index)@acme.example", displayName: "Buyer \(index)", role: .seller, password: "buyer-password-\(index)"))
            }
            let codes = await withTaskGroup(of: StatusCode.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        await statusCode {
                            _ = try await server.anonymous.signIn(
                                tenantSlug: "acme", email: "buyer\(index)@acme.example", password: "buyer-password-\(index)")
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(codes == Array(repeating: .ok, count: 12))
        }
    }

    @Test func repeatedFailuresFromOneAddressAreThrottledAcrossAccounts() async throws {
        let configuration = testIdentityConfiguration { $0.throttle = .init(window: .seconds(60), failuresPerAccount: 100, failuresPerAddress: 4) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            for attempt in 0..<4 {
                let code = await statusCode {
                    _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "user\(attempt)@acme.example", password: "guess-guess")
                }
                #expect(code == .unauthenticated)
            }
            let code = await statusCode {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
            }
            #expect(code == .resourceExhausted)
        }
    }

    @Test func sessionsSlideAndExpire() async throws {
        let configuration = testIdentityConfiguration { $0.sessions = .init(idleTimeout: .seconds(2), absoluteLifetime: .seconds(60)) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            // Used every second, the session outlives its 2 s idle timeout.
            for _ in 0..<4 {
                try await Task.sleep(for: .seconds(1))
                #expect(await statusCode { _ = try await client.whoAmI() } == .ok)
            }
            try await Task.sleep(for: .milliseconds(2500))
            let expired = await rpcError { _ = try await client.whoAmI() }
            #expect(expired?.code == .unauthenticated)
        }
    }

    @Test func sessionsEndAtTheirAbsoluteLifetime() async throws {
        let configuration = testIdentityConfiguration { $0.sessions = .init(idleTimeout: .seconds(60), absoluteLifetime: .seconds(1)) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            #expect(await statusCode { _ = try await server.client(admin.token).whoAmI() } == .ok)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(await statusCode { _ = try await server.client(admin.token).whoAmI() } == .unauthenticated)
        }
    }

    @Test func signOutAndAdminRevocationEndSessions() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let adminClient = server.client(admin.token)
            _ = try await adminClient.createUser(
                CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: "sam-password"))
            let first = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "sam-password")
            let second = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "sam-password")

            try await server.client(first.token).signOut()
            #expect(await statusCode { _ = try await server.client(first.token).whoAmI() } == .unauthenticated)

            // Sam cannot revoke the admin's session (it is not theirs): NOT_FOUND.
            #expect(await statusCode { try await server.client(second.token).revokeSession(admin.identity.credentialID) } == .notFound)
            // The admin sees and revokes Sam's.
            let all = try await adminClient.listSessions(allUsers: true)
            #expect(all.contains { $0.id == second.identity.credentialID })
            try await adminClient.revokeSession(second.identity.credentialID)
            #expect(await statusCode { _ = try await server.client(second.token).whoAmI() } == .unauthenticated)
        }
    }

    @Test func apiKeysActWithTheirRoleUntilRevokedOrExpired() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let adminClient = server.client(admin.token)
            let key = try await adminClient.createAPIKey(CreateAPIKeyRequest(name: "ci", role: .marketing))
            #expect(key.token.hasPrefix("kpk_"))
            let keyClient = server.client(key.token)
            let identity = try await keyClient.whoAmI()
            #expect(identity.tenantRole == .marketing)
            #expect(identity.credentialKind == .apiKey)
            // Scoped to marketing: admin methods are refused.
            #expect(await statusCode { _ = try await keyClient.listUsers() } == .permissionDenied)
            #expect(try await adminClient.listAPIKeys().map(\.id) == [key.credential.id])

            try await adminClient.revokeAPIKey(key.credential.id)
            #expect(await statusCode { _ = try await keyClient.whoAmI() } == .unauthenticated)

            let shortLived = try await adminClient.createAPIKey(CreateAPIKeyRequest(name: "brief", role: .admin, expiresInSeconds: 1))
            #expect(await statusCode { _ = try await server.client(shortLived.token).whoAmI() } == .ok)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(await statusCode { _ = try await server.client(shortLived.token).whoAmI() } == .unauthenticated)
        }
    }

    @Test func concurrentCallsWithOneCredentialAllSucceedAndRecordItsUse() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let key = try await server.client(admin.token).createAPIKey(CreateAPIKeyRequest(name: "busy", role: .admin))
            let client = server.client(key.token)
            let codes = await withTaskGroup(of: StatusCode.self) { group in
                for _ in 0..<20 { group.addTask { await statusCode { _ = try await client.whoAmI() } } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(codes == Array(repeating: .ok, count: 20))
            let lastUsed = try await server.inTenant(tenant) {
                try await $0.query("SELECT last_used_at FROM credentials WHERE id = \(key.credential.id)").single(Date?.self, column: "last_used_at")
            }
            #expect(lastUsed != nil)
        }
    }

    @Test func aSellerCannotMintAKeyAboveTheirRole() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            _ = try await server.client(admin.token).createUser(
                CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: "sam-password"))
            let sam = server.client(try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "sam-password").token)
            #expect(await statusCode { _ = try await sam.createAPIKey(CreateAPIKeyRequest(name: "x", role: .admin)) } == .permissionDenied)
            #expect(await statusCode { _ = try await sam.createAPIKey(CreateAPIKeyRequest(name: "x", role: .seller)) } == .ok)
        }
    }

    @Test func anAPIKeyCannotMintAPIKeysAndKeysHaveAMaximumLifetime() async throws {
        let configuration = testIdentityConfiguration { $0.apiKeys = .init(maximumLifetime: .seconds(3600)) }
        try await IdentityTestServer.with(configuration: configuration) { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let adminClient = server.client(admin.token)
            let key = try await adminClient.createAPIKey(CreateAPIKeyRequest(name: "ci", role: .admin))
            let expiresAt = try #require(key.credential.expiresAt)
            #expect(abs(expiresAt.timeIntervalSinceNow - 3600) < 120)
            let minted = await rpcError {
                _ = try await server.client(key.token).createAPIKey(CreateAPIKeyRequest(name: "child", role: .admin, expiresInSeconds: 60))
            }
            #expect(minted?.code == .permissionDenied)
            #expect(
                await statusCode { _ = try await adminClient.createAPIKey(CreateAPIKeyRequest(name: "long", role: .admin, expiresInSeconds: 3601)) }
                    == .invalidArgument)
        }
    }

    @Test func disablingAUserEndsTheirSessions() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let adminClient = server.client(admin.token)
            let created = try await adminClient.createUser(CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller))
            let password = try #require(created.generatedPassword)
            let sam = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: password)
            _ = try await adminClient.disableUser(created.user.id)
            #expect(await statusCode { _ = try await server.client(sam.token).whoAmI() } == .unauthenticated)
            #expect(
                await statusCode { _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: password) }
                    == .unauthenticated)
        }
    }

    @Test func malformedCredentialsAreUnauthenticated() async throws {
        try await IdentityTestServer.with { server in
            for token in ["", "kps_", "not a token", String(repeating: "x", count: 5000)] {
                #expect(await statusCode { _ = try await server.client(token).whoAmI() } == .unauthenticated, "\(token.prefix(20))")
            }
        }
    }
}
