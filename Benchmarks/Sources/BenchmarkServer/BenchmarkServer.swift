import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer

/// A real Keyplan server over loopback on a fresh database of the private test cluster
/// (`../.keyplan/pg-test`), with a tenant `bench` and its admin signed in: what the server-side
/// benchmarks measure against.
public struct BenchmarkServer: Sendable {
    public let cluster: LocalCluster
    public let database: LocalDatabase
    public let postgres: PostgresClient
    public let server: RPCServer
    public let rpc: RPCClient
    public let tenant: TenantBootstrap.Result
    /// Signed in as the tenant's admin.
    public let admin: KeyplanClient
    public let adminID: UUID
    private let serving: Task<Void, any Error>
    private let background: Task<Void, any Error>
    private let databaseTask: Task<Void, Never>

    /// Starts everything; `projectFile` is the calling benchmark's `#filePath`.
    public static func start(projectFile: String = #filePath) async throws -> BenchmarkServer {
        let project = URL(fileURLWithPath: projectFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let cluster = LocalCluster(configuration: .testing(projectDirectory: project))
        let database = try await cluster.createTestDatabase()
        let postgres = PostgresClient(configuration: try PostgresConfiguration(connectionString: database.appURL))
        let postgresTask = Task { await postgres.run() }
        let services = try KeyplanServices(database: postgres)
        let background = Task { try await services.run() }
        let server = RPCServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: services.services, interceptors: services.interceptors)
        let address = try await server.start()
        let serving = Task { try await server.run() }
        let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        let tenant = try await TenantBootstrap(database: postgres, passwords: .insecureForTesting).create(
            name: "Bench", slug: "bench", adminEmail: "admin@bench.example", adminName: "Admin", adminPassword: "admin-password")
        let grant = try await KeyplanClient(rpc: rpc).signIn(tenantSlug: "bench", email: tenant.adminEmail, password: "admin-password")
        return BenchmarkServer(
            cluster: cluster, database: database, postgres: postgres, server: server, rpc: rpc, tenant: tenant,
            admin: KeyplanClient(rpc: rpc, token: grant.token), adminID: grant.identity.userID, serving: serving,
            background: background, databaseTask: postgresTask)
    }

    /// Stops the server and drops the database.
    public func stop() async throws {
        await rpc.close()
        server.beginGracefulShutdown()
        _ = try? await serving.value
        background.cancel()
        _ = try? await background.value
        databaseTask.cancel()
        await databaseTask.value
        try await cluster.dropDatabase(named: database.name)
    }

    /// Runs `body` in a transaction with the tenant set as the server sets it, to arrange data in SQL.
    public func inTenant<Result>(_ tenantID: UUID, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await postgres.withTransaction { connection in
            try await connection.query("SELECT set_config('app.tenant_id', \(tenantID.uuidString.lowercased()), true)")
            return try await body(connection)
        }
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
