import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres

/// The package's folder, found from this file's path.
let packageDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The test run's private cluster (`.keyplan/pg-test`), started on first use.
let testCluster = LocalCluster(configuration: .testing(projectDirectory: packageDirectory))

/// A fresh migrated database for one test, dropped afterwards.
func withTestDatabase<Result>(_ body: (LocalDatabase) async throws -> Result) async throws -> Result {
    let database = try await testCluster.createTestDatabase()
    do {
        let result = try await body(database)
        try await testCluster.dropDatabase(named: database.name)
        return result
    } catch {
        try? await testCluster.dropDatabase(named: database.name)
        throw error
    }
}

/// A client over a fresh database, as the server's role (`asOwner: false`) or the schema owner.
func withTestClient<Result>(
    asOwner: Bool = false,
    pool: PostgresConfiguration.Pool = .defaults,
    session: PostgresConfiguration.Session = .defaults,
    _ body: (PostgresClient, LocalDatabase) async throws -> Result
) async throws -> Result {
    try await withTestDatabase { database in
        let configuration = try PostgresConfiguration(
            connectionString: asOwner ? database.ownerURL : database.appURL, pool: pool, session: session
        )
        return try await PostgresClient.withClient(configuration: configuration) { client in
            try await body(client, database)
        }
    }
}

/// Expects `body` to throw a ``PostgresError`` and returns it.
func expectPostgresError<Value>(_ body: () async throws -> Value) async -> PostgresError? {
    do {
        _ = try await body()
        return nil
    } catch let error as PostgresError {
        return error
    } catch {
        return nil
    }
}

/// The stream's next notification, or `nil` if none arrives in time (so a test fails instead of hanging).
func nextNotification(
    _ stream: AsyncStream<PostgresListenEvent>, within timeout: Duration = .seconds(5)
) async -> PostgresNotification? {
    await withTaskGroup(of: PostgresNotification?.self) { group in
        group.addTask {
            for await event in stream {
                if case .notification(let notification) = event { return notification }
            }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

extension PostgresClient {
    /// A transaction with `tenant` set as the server sets it (`app.tenant_id`, transaction-local),
    /// for the tests of the schema's tenancy rules.
    func withTransaction<Result>(
        tenant: UUID, isolation: PostgresIsolationLevel = .readCommitted, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction(isolation: isolation) { connection in
            try await connection.query("SELECT set_config('app.tenant_id', \(tenant.uuidString.lowercased()), true)")
            return try await body(connection)
        }
    }
}
