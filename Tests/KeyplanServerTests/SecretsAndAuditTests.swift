import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Secrets at rest and the audit log")
struct SecretsAndAuditTests {
    /// Every row of every table as text, read per tenant as the server's role plus the global
    /// throttle table as the owner: what a database dump would show.
    func everything(_ server: IdentityTestServer, tenants: [UUID]) async throws -> String {
        let tables = try await server.client.query(
            """
            SELECT table_name::text AS name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            """
        ).map { try $0.decode(String.self, column: "name") }
        #expect(tables.contains("credentials") && tables.contains("users") && tables.contains("invitations"))
        var dump = ""
        for tenant in tenants {
            try await server.inTenant(tenant) { connection in
                for table in tables where table != "sign_in_failures" {
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT t::text AS row FROM \"\(table)\" t"))
                    for row in rows { dump += try row.decode(String.self, column: "row") + "\n" }
                }
            }
        }
        let owner = try PostgresConfiguration(connectionString: server.database.ownerURL)
        try await PostgresClient.withClient(configuration: owner) { client in
            for row in try await client.query("SELECT t::text AS row FROM sign_in_failures t") {
                dump += try row.decode(String.self, column: "row") + "\n"
            }
        }
        return dump
    }

    @Test func passwordsAndTokensNeverAppearInTheDatabaseOrTheLogs() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let admin = server.client(world.acmeAdminToken)
            let created = try await admin.createUser(CreateUserRequest(email: "gen@acme.example", displayName: "Gen", role: .seller))
            let generated = try #require(created.generatedPassword)
            let key = try await admin.createAPIKey(CreateAPIKeyRequest(name: "ci", role: .admin))
            let invitation = try await admin.createInvitation(
                CreateInvitationRequest(accountID: world.accountA, email: "new@buyer.example", role: .customerViewer))
            let accepted = try await server.anonymous.acceptInvitation(token: invitation.token, password: "invitee-secret-pw", displayName: "New")
            _ = await statusCode {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "leader@acme.example", password: "wrong-secret-pw")
            }
            _ = try await server.client(key.token).listAudit()

            let secrets = [
                TwoTenantWorld.password, "admin-password", generated, "invitee-secret-pw", "wrong-secret-pw",
                world.acmeAdminToken, world.expiredToken, world.revokedToken, key.token, invitation.token, accepted.token,
            ]
            let dump = try await everything(server, tenants: [world.acme, world.globex])
            #expect(dump.contains("$scrypt$"), "the dump holds the password hashes")
            #expect(dump.contains("editor@buyer.example"), "the dump reads the tenant's rows")
            let log = server.log.text
            #expect(log.contains("keyplan.Auth/SignIn"), "the log records calls")
            for secret in secrets {
                #expect(!dump.contains(secret), "database holds \(secret.prefix(6))…")
                #expect(!log.contains(secret), "log holds \(secret.prefix(6))…")
                // Not even the token's random part without its prefix.
                if let body = secret.split(separator: "_", maxSplits: 1).last, secret.hasPrefix("kp") {
                    #expect(!dump.contains(body) && !log.contains(body))
                }
            }
        }
    }

    @Test func everyCallIsAuditedAndAdminsPageThroughIt() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let admin = server.client(world.acmeAdminToken)
            _ = await statusCode {
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "leader@acme.example", password: "wrong-password")
            }
            let viewer = try await world.client(for: .customerViewer)
            _ = await statusCode { _ = try await viewer.listInvitations(accountID: world.accountA) }

            var entries: [AuditEntry] = []
            var cursor: Int64?
            repeat {
                let page = try await admin.listAudit(ListAuditRequest(before: cursor, limit: 7))
                #expect(page.entries.count <= 7)
                entries += page.entries
                cursor = page.nextCursor
            } while cursor != nil
            #expect(entries.map(\.id) == entries.map(\.id).sorted(by: >), "newest first, no repeats")

            let failedSignIn = try #require(entries.first { $0.method == "keyplan.Auth/SignIn" && $0.code != "OK" })
            #expect(failedSignIn.code == "UNAUTHENTICATED")
            #expect(failedSignIn.userID == world.users[.leader]?.user)
            #expect(failedSignIn.clientAddress == "127.0.0.1")
            let denied = try #require(entries.first { $0.method == "keyplan.Invitations/List" && $0.code == "PERMISSION_DENIED" })
            #expect(denied.userID == world.users[.customerViewer]?.user)
            #expect(denied.objectID == world.accountA)
            #expect(entries.contains { $0.method == "keyplan.Accounts/Create" && $0.code == "OK" })

            // Globex's admin sees only globex's calls.
            let globexEntries = try await server.inTenant(world.globex) { connection in
                try await AuditRepository(transaction: connection).list(before: nil, limit: 500, method: nil)
            }
            #expect(!globexEntries.isEmpty)
            #expect(Set(globexEntries.map(\.id)).isDisjoint(with: entries.map(\.id)))
        }
    }

    @Test func theAuditLogIsAppendOnlyEvenForTheOwner() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, _) = try await server.bootstrapTenant(slug: "acme")
            for statement in ["UPDATE audit_log SET code = 'OK'", "DELETE FROM audit_log"] {
                await #expect(throws: PostgresError.self) {
                    try await server.inTenant(tenant) { try await $0.query(PostgresQuery(unsafeSQL: statement)) }
                }
            }
            let owner = try PostgresConfiguration(connectionString: server.database.ownerURL)
            try await PostgresClient.withClient(configuration: owner) { client in
                for statement in ["UPDATE audit_log SET code = 'OK'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
                    await #expect(throws: PostgresError.self) { try await client.query(PostgresQuery(unsafeSQL: statement)) }
                }
            }
            await server.flushAudit()
            let count = try await server.inTenant(tenant) { try await $0.query("SELECT count(*) AS n FROM audit_log").single(Int.self, column: "n") }
            #expect(count >= 1)
        }
    }

    @Test func theServerRoleCannotReadCredentialsAcrossTenantsOrTheThrottleTable() async throws {
        try await IdentityTestServer.with { server in
            let (acme, _) = try await server.bootstrapTenant(slug: "acme")
            _ = try await server.bootstrapTenant(slug: "globex")
            let withoutTenant = try await server.client.query("SELECT count(*) AS n FROM credentials").single(Int.self, column: "n")
            #expect(withoutTenant == 0)
            let inAcme = try await server.inTenant(acme) { try await $0.query("SELECT count(*) AS n FROM credentials").single(Int.self, column: "n") }
            #expect(inAcme == 1)
            await #expect(throws: PostgresError.self) { try await server.client.query("SELECT * FROM sign_in_failures") }
        }
    }
}
