import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import Synchronization

/// A tenant with an admin and a seller, one account on the seller's team, and one goal (with two
/// metrics) per worker, made through the API of an in-process server on the same database.
struct Fixture: Sendable {
    let postgres: PostgresClient
    let accountID: UUID
    let goals: [UUID]
    let seller: SessionGrant
    private let postgresTask: Task<Void, Never>

    static let metrics = [
        GoalMetric(name: "Revenue", unit: "EUR", baseline: 100, target: 200, current: 120),
        GoalMetric(name: "Active users", unit: "", baseline: 50, target: 500, current: 80),
    ]

    static func create(database: LocalDatabase, goalCount: Int = 64) async throws -> Fixture {
        let postgres = PostgresClient(configuration: try PostgresConfiguration(connectionString: database.appURL))
        let postgresTask = Task { await postgres.run() }
        let slug = "bench-\(UInt32.random(in: 0...UInt32.max))"
        let tenant = try await TenantBootstrap(database: postgres, passwords: .insecureForTesting).create(
            name: "Bench", slug: slug, adminEmail: "admin@bench.example", adminName: "Ada Admin", adminPassword: "admin-password")
        let services = try KeyplanServices(database: postgres, configuration: IdentityConfiguration(passwords: .insecureForTesting))
        let server = RPCServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: services.services, interceptors: services.interceptors)
        let address = try await server.start()
        let serving = Task { try await server.run() }
        let background = Task { try await services.run() }
        let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        let admin = KeyplanClient(rpc: rpc, token: try await KeyplanClient(rpc: rpc).signIn(tenantSlug: slug, email: tenant.adminEmail, password: "admin-password").token)
        let created = try await admin.createUser(CreateUserRequest(email: "sam@bench.example", displayName: "Sam Seller", role: .seller, password: "seller-password"))
        let account = try await admin.createAccount(CreateAccountRequest(name: "Globex"))
        try await admin.addTeamMember(AddTeamMemberRequest(accountID: account.id, userID: created.user.id, role: .owner))
        let seller = try await KeyplanClient(rpc: rpc).signIn(tenantSlug: slug, email: "sam@bench.example", password: "seller-password")
        let sellerClient = KeyplanClient(rpc: rpc, token: seller.token)
        var goals: [UUID] = []
        for index in 0..<goalCount {
            goals.append(try await sellerClient.createGoal(accountID: account.id, GoalDraft(title: "Goal \(index)", metrics: metrics)).id)
        }
        await rpc.close()
        server.beginGracefulShutdown()
        _ = try? await serving.value
        background.cancel()
        _ = try? await background.value
        return Fixture(postgres: postgres, accountID: account.id, goals: goals, seller: seller, postgresTask: postgresTask)
    }

    func finish() async throws {
        postgresTask.cancel()
        await postgresTask.value
    }
}

/// The version each goal is at, as the last update returned it (a worker updates only its own goal).
final class VersionBook: Sendable {
    private let versions: Mutex<[UUID: Int]>

    /// Every goal at version 1, as created.
    init(goals: [UUID]) {
        versions = Mutex(Dictionary(uniqueKeysWithValues: goals.map { ($0, 1) }))
    }

    func version(of goal: UUID) -> Int { versions.withLock { $0[goal] } ?? 1 }
    func set(_ version: Int, of goal: UUID) { versions.withLock { $0[goal] = version } }
}
