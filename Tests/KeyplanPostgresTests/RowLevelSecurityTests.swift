import Foundation
import KeyplanPostgres
import Testing

/// The tenancy rules of Schema/0001_tenancy.sql, checked with hand-written SQL over the
/// server's role (`keyplan_app`).
@Suite("Row-level security")
struct RowLevelSecurityTests {
    let acme = UUID()
    let globex = UUID()
    let single = PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .seconds(5), maximumWaiters: 10)

    /// Two tenants with one account each.
    func seed(_ client: PostgresClient) async throws -> (acmeAccount: UUID, globexAccount: UUID) {
        var accounts: [UUID] = []
        for (tenant, name) in [(acme, "Acme"), (globex, "Globex")] {
            let account = UUID()
            try await client.withTransaction(tenant: tenant) { connection in
                try await connection.query("INSERT INTO tenants (id, name) VALUES (\(tenant), \(name))")
                try await connection.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(account), \(name + " key account"))")
                try await connection.query(
                    "INSERT INTO contacts (tenant_id, id, account_id, full_name) VALUES (\(tenant), \(UUID()), \(account), 'Zoë')")
            }
            accounts.append(account)
        }
        return (accounts[0], accounts[1])
    }

    func count(_ table: String, tenant: UUID?, _ client: PostgresClient) async throws -> Int {
        let query = PostgresQuery(unsafeSQL: "SELECT count(*) AS n FROM \(table)")
        if let tenant {
            return try await client.withTransaction(tenant: tenant) { try await $0.query(query).single(Int.self, column: "n") }
        }
        return try await client.query(query).single(Int.self, column: "n")
    }

    @Test func withoutATenantNoRowIsVisible() async throws {
        try await withTestClient { client, _ in
            _ = try await seed(client)
            for table in ["tenants", "accounts", "contacts"] {
                #expect(try await count(table, tenant: nil, client) == 0, "\(table)")
                #expect(try await count(table, tenant: acme, client) == 1, "\(table)")
            }
        }
    }

    @Test func aTenantCannotReadAnothersRows() async throws {
        try await withTestClient { client, _ in
            let (_, globexAccount) = try await seed(client)
            let names = try await client.withTransaction(tenant: acme) { connection in
                try await connection.query("SELECT name FROM accounts").map { try $0.decode(String.self, column: "name") }
            }
            #expect(names == ["Acme key account"])
            let stolen = try await client.withTransaction(tenant: acme) { connection in
                try await connection.query("SELECT * FROM accounts WHERE tenant_id = \(globex) OR id = \(globexAccount)").count
            }
            #expect(stolen == 0)
        }
    }

    @Test func aTenantCannotWriteAnothersRows() async throws {
        try await withTestClient { client, _ in
            let (acmeAccount, globexAccount) = try await seed(client)

            let insert = await expectPostgresError {
                try await client.withTransaction(tenant: acme) { connection in
                    try await connection.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(globex), \(UUID()), 'Planted')")
                }
            }
            #expect(insert?.kind == .insufficientPrivilege)
            #expect(insert?.sqlState == "42501")

            let (updated, deleted) = try await client.withTransaction(tenant: acme) { connection in
                let updated = try await connection.query("UPDATE accounts SET name = 'Hijacked' WHERE id = \(globexAccount)").affectedRows
                let deleted = try await connection.query("DELETE FROM contacts WHERE tenant_id = \(globex)").affectedRows
                return (updated, deleted)
            }
            #expect(updated == 0)
            #expect(deleted == 0)

            let moved = await expectPostgresError {
                try await client.withTransaction(tenant: acme) { connection in
                    try await connection.query("UPDATE accounts SET tenant_id = \(globex) WHERE id = \(acmeAccount)")
                }
            }
            #expect(moved?.kind == .insufficientPrivilege)

            let globexName = try await client.withTransaction(tenant: globex) { connection in
                try await connection.query("SELECT name FROM accounts WHERE id = \(globexAccount)").single(String.self, column: "name")
            }
            #expect(globexName == "Globex key account")
            #expect(try await count("contacts", tenant: globex, client) == 1)
        }
    }

    /// The server's role holds only what the server uses (0011_least_privilege.sql): even its own
    /// tenant's account cannot be deleted, nor the tenant renamed.
    @Test func theServerRoleLacksPrivilegesNoMethodUses() async throws {
        try await withTestClient { client, _ in
            let (acmeAccount, _) = try await seed(client)
            for statement: PostgresQuery in [
                "DELETE FROM accounts WHERE id = \(acmeAccount)",
                "DELETE FROM account_revenue",
                "DELETE FROM opportunities",
                "DELETE FROM roadmap_reviews",
                "UPDATE tenants SET name = 'Renamed'",
            ] {
                let refused = await expectPostgresError {
                    try await client.withTransaction(tenant: acme) { try await $0.query(statement) }
                }
                #expect(refused?.kind == .insufficientPrivilege, "\(statement.sql)")
            }
            #expect(try await count("accounts", tenant: acme, client) == 1)
        }
    }

    @Test func theTenantSettingEndsWithItsTransaction() async throws {
        try await withTestClient(pool: single) { client, _ in
            _ = try await seed(client)
            let inside = try await client.withTransaction(tenant: acme) { connection in
                try await connection.query("SELECT current_setting('app.tenant_id') AS t").single(String.self, column: "t")
            }
            #expect(inside == acme.uuidString.lowercased())
            // The same pooled connection (the pool has one) carries nothing into the next work.
            let after = try await client.query("SELECT app_current_tenant() AS t").single(UUID?.self, column: "t")
            #expect(after == nil)
            #expect(try await count("accounts", tenant: nil, client) == 0)
        }
    }

    @Test func theServerRoleCannotTurnSecurityOff() async throws {
        try await withTestClient { client, _ in
            _ = try await seed(client)
            let role = try #require(
                try await client.query(
                    """
                    SELECT rolsuper, rolbypassrls,
                           (SELECT count(*) FROM pg_class WHERE relowner = r.oid) AS owned
                    FROM pg_roles r WHERE rolname = current_user
                    """
                ).first)
            #expect(try role.decode(Bool.self, column: "rolsuper") == false)
            #expect(try role.decode(Bool.self, column: "rolbypassrls") == false)
            #expect(try role.decode(Int.self, column: "owned") == 0)

            let disable = await expectPostgresError { try await client.query("ALTER TABLE accounts DISABLE ROW LEVEL SECURITY") }
            #expect(disable?.sqlState == "42501")
            let bypass = await expectPostgresError {
                try await client.withTransaction { connection in
                    try await connection.query("SET LOCAL row_security = off")
                    try await connection.query("SELECT * FROM accounts")
                }
            }
            #expect(bypass?.kind == .insufficientPrivilege)
            let create = await expectPostgresError { try await client.query("CREATE TABLE mine (id int)") }
            #expect(create?.sqlState == "42501")
            let history = await expectPostgresError { try await client.query("SELECT * FROM keyplan_migrations") }
            #expect(history?.sqlState == "42501")
        }
    }

    @Test func everyTenantTableLeadsWithTenantIDAndForcesSecurity() async throws {
        try await withTestClient(asOwner: true) { client, _ in
            let tables = try await client.query(
                """
                SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                       (SELECT a.attname::text FROM pg_index i JOIN pg_attribute a
                          ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                        WHERE i.indrelid = c.oid AND i.indisprimary) AS first_key_column
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'keyplan_migrations'
                """)
            #expect(tables.count >= 3)
            for table in tables {
                let name = try table.decode(String.self, column: "name")
                #expect(try table.decode(Bool.self, column: "enabled"), "\(name)")
                #expect(try table.decode(Bool.self, column: "forced"), "\(name)")
                let firstKey = try table.decode(String.self, column: "first_key_column")
                // Global tables (not tenant-owned) are keyed by their own id; see Schema/README.md.
                let globalTables: Set = ["tenants", "sign_in_failures"]
                #expect(firstKey == (globalTables.contains(name) ? "id" : "tenant_id"), "\(name)")
            }
        }
    }
}
