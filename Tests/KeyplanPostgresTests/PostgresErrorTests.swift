import Foundation
import KeyplanPostgres
import Testing

@Suite("Errors and transactions")
struct PostgresErrorTests {
    let tenant = UUID()

    func createTenant(_ client: PostgresClient) async throws {
        try await client.withTransaction(tenant: tenant) { connection in
            try await connection.query("INSERT INTO tenants (id, name) VALUES (\(tenant), 'Acme')")
        }
    }

    @Test func uniqueViolationCarriesSQLStateAndConstraint() async throws {
        try await withTestClient { client, _ in
            try await createTenant(client)
            let insert: PostgresQuery = "INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'Globex')"
            try await client.withTransaction(tenant: tenant) { try await $0.query(insert) }
            let error = await expectPostgresError {
                try await client.withTransaction(tenant: tenant) { connection in
                    try await connection.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'Globex')")
                }
            }
            #expect(error?.kind == .uniqueViolation)
            #expect(error?.sqlState == "23505")
            #expect(error?.constraint == "accounts_name_unique")
            #expect(error?.table == "accounts")
            // Row-level security hides the key values from DETAIL, so nothing of other rows leaks.
            #expect(error?.detail == nil)
            #expect(error.map { "\($0)".contains("\n") } == false)
        }
    }

    /// A write on a server that went read-only (a standby, a primary a failover demoted) is
    /// "unreachable" for the caller (UNAVAILABLE: retry), and its connection is not handed out again.
    @Test func aReadOnlyServerIsUnreachableAndItsConnectionDropped() async throws {
        try await withTestClient(pool: .init(maximumConnections: 1, leaseTimeout: .seconds(5), maximumWaiters: 8)) { client, _ in
            let first = try await client.withConnection { connection in
                try await connection.query("SET default_transaction_read_only = on")
                return try await connection.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid")
            }
            let error = await expectPostgresError {
                try await client.withTransaction(tenant: tenant) { connection in
                    try await connection.query("INSERT INTO tenants (id, name) VALUES (\(tenant), 'Acme')")
                }
            }
            #expect(error?.kind == .readOnly && error?.sqlState == "25006" && error?.meansUnreachable == true)
            let next = try await client.withConnection { try await $0.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid") }
            #expect(next != first, "the read-only connection was handed out again")
            try await createTenant(client)
        }
    }

    @Test func otherServerErrorsAreClassified() async throws {
        try await withTestClient { client, _ in
            let syntax = await expectPostgresError { try await client.query("SELEC 1") }
            #expect(syntax?.kind == .server)
            #expect(syntax?.sqlState == "42601")

            let foreignKey = await expectPostgresError {
                try await client.withTransaction(tenant: tenant) { connection in
                    try await connection.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'x')")
                }
            }
            #expect(foreignKey?.kind == .foreignKeyViolation)
            #expect(foreignKey?.sqlState == "23503")

            let duplicate = await expectPostgresError {
                try await client.withConnection { connection in
                    try await connection.query("CREATE TEMP TABLE codes (code text CONSTRAINT codes_code_key UNIQUE)")
                    try await connection.query("INSERT INTO codes VALUES ('Zoë'), ('Zoë')")
                }
            }
            #expect(duplicate?.kind == .uniqueViolation)
            #expect(duplicate?.constraint == "codes_code_key")
            #expect(duplicate?.detail == "Key (code)=(Zoë) already exists.")

            // The pool keeps working after errors.
            let one = try await client.query("SELECT 1 AS one").single(Int32.self, column: "one")
            #expect(one == 1)
        }
    }

    @Test func serializationFailureIsReportedAsSuch() async throws {
        try await withTestClient { client, _ in
            try await createTenant(client)
            try await client.withTransaction(tenant: tenant) { connection in
                try await connection.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'Initech')")
            }
            // Two serializable transactions that each read what the other writes.
            let error = await expectPostgresError {
                try await client.withTransaction(tenant: tenant, isolation: .serializable) { first in
                    _ = try await first.query("SELECT count(*) FROM accounts")
                    try await client.withTransaction(tenant: tenant, isolation: .serializable) { second in
                        _ = try await second.query("SELECT count(*) FROM accounts")
                        try await second.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'Second')")
                    }
                    try await first.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'First')")
                }
            }
            #expect(error?.kind == .serializationFailure)
            #expect(error?.sqlState == "40001")
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() async throws {
        struct Abort: Error {}
        try await withTestClient { client, _ in
            try await createTenant(client)
            await #expect(throws: Abort.self) {
                try await client.withTransaction(tenant: tenant) { connection in
                    try await connection.query("INSERT INTO accounts (tenant_id, id, name) VALUES (\(tenant), \(UUID()), 'Lost')")
                    throw Abort()
                }
            }
            let count = try await client.withTransaction(tenant: tenant) { connection in
                try await connection.query("SELECT count(*) AS n FROM accounts").single(Int.self, column: "n")
            }
            #expect(count == 0)
        }
    }

    @Test func transactionCommitsWhenTheBodySucceeds() async throws {
        try await withTestClient { client, _ in
            try await createTenant(client)
            let id = UUID()
            try await client.withTransaction(tenant: tenant) { connection in
                try await connection.query(
                    "INSERT INTO accounts (tenant_id, id, name, annual_revenue) VALUES (\(tenant), \(id), 'Kept', \(Decimal(string: "1250000.50")!))")
            }
            let revenue = try await client.withTransaction(tenant: tenant) { connection in
                try await connection.query("SELECT annual_revenue FROM accounts WHERE id = \(id)").single(Decimal.self, column: "annual_revenue")
            }
            #expect(revenue == Decimal(string: "1250000.50"))
        }
    }

    @Test func connectionLeftInsideATransactionIsNotReused() async throws {
        try await withTestClient(pool: .init(maximumConnections: 1, leaseTimeout: .seconds(5), maximumWaiters: 10)) { client, _ in
            let leaked = try await client.withConnection { connection in
                try await connection.query("BEGIN")
                return try await connection.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid")
            }
            let next = try await client.withConnection { connection in
                try await connection.query("SELECT pg_backend_pid() AS pid, now() = statement_timestamp() AS fresh")
            }
            #expect(try next.single(Int32.self, column: "pid") != leaked)
        }
    }
}
