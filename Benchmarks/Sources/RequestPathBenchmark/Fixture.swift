import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import Synchronization

/// A tenant with an admin and a seller, one account on the seller's team, and one goal (with two
/// metrics) per worker, made through the API of an in-process server on the same database; and as many
/// more accounts of one goal each, for writes that do not share an account's journal.
struct Fixture: Sendable {
    let postgres: PostgresClient
    let accountID: UUID
    let goals: [UUID]
    /// One goal in each of `goalCount` further accounts, all on the seller's team.
    let spreadGoals: [(account: UUID, goal: UUID)]
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
        let server = RPCServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: services.services, interceptors: services.interceptors)
        let address = try await server.start()
        let serving = Task { try await server.run() }
        let background = Task { try await services.run() }
        let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        let admin = KeyplanClient(
            rpc: rpc, token: try await KeyplanClient(rpc: rpc).signIn(tenantSlug: slug, email: tenant.adminEmail, password: "admin-password").token)
        let created = try await admin.createUser(
            CreateUserRequest(email: "sam@bench.example", displayName: "Sam Seller", role: .seller, password: "seller-password"))
        let account = try await admin.createAccount(CreateAccountRequest(name: "Globex"))
        try await admin.addTeamMember(AddTeamMemberRequest(accountID: account.id, userID: created.user.id, role: .owner))
        let seller = try await KeyplanClient(rpc: rpc).signIn(tenantSlug: slug, email: "sam@bench.example", password: "seller-password")
        let sellerClient = KeyplanClient(rpc: rpc, token: seller.token)
        var goals: [UUID] = []
        for index in 0..<goalCount {
            goals.append(try await sellerClient.createGoal(accountID: account.id, GoalDraft(title: "Goal \(index)", metrics: metrics)).id)
        }
        var spreadGoals: [(account: UUID, goal: UUID)] = []
        for index in 0..<goalCount {
            let other = try await admin.createAccount(CreateAccountRequest(name: "Account \(index)"))
            try await admin.addTeamMember(AddTeamMemberRequest(accountID: other.id, userID: created.user.id, role: .owner))
            let goal = try await sellerClient.createGoal(accountID: other.id, GoalDraft(title: "Goal", metrics: metrics))
            spreadGoals.append((other.id, goal.id))
        }
        await rpc.close()
        server.beginGracefulShutdown()
        _ = try? await serving.value
        background.cancel()
        _ = try? await background.value
        return Fixture(
            postgres: postgres, accountID: account.id, goals: goals, spreadGoals: spreadGoals, seller: seller, postgresTask: postgresTask)
    }

    /// Goals/Get's statements as the server sends them for the seller (`AccountCheck`,
    /// `TenantTransaction`, `GoalRepository`), as one pgbench pipeline: PostgreSQL's own cost of the
    /// call, without the server. Kept in step with the server by hand; the run checks that the
    /// server sent as many statements per call.
    func getReplay() -> String {
        let (tenant, account, user) = (
            seller.identity.tenantID.uuidString.lowercased(), accountID.uuidString.lowercased(), seller.identity.userID.uuidString.lowercased()
        )
        let goal = goals[0].uuidString.lowercased()
        let condition = "g.account_id = '\(account)' AND g.id = '\(goal)'"
        return """
            \\startpipeline
            SELECT set_config('app.tenant_id', '\(tenant)', true), set_config('synchronous_commit', 'off', true), account_access('\(account)', '\(user)', false, ARRAY['member','owner'], ARRAY['member','owner'], false) AS role;
            SELECT g.id, g.account_id, g.kind, g.parent_id, g.title, g.description, g.department, g.status, to_char(g.target_date, 'YYYY-MM-DD') AS target_date, g.version, g.created_at, g.updated_at, g.created_by AS created_by_id, c.kind AS created_by_kind, c.display_name AS created_by_name, g.updated_by AS updated_by_id, u.kind AS updated_by_kind, u.display_name AS updated_by_name FROM goals g JOIN users c ON c.id = g.created_by JOIN users u ON u.id = g.updated_by WHERE \(condition) ORDER BY g.created_at, g.id;
            SELECT m.goal_id, m.name, m.unit, m.baseline, m.target, m.current FROM goal_metrics m JOIN goals g ON g.id = m.goal_id WHERE \(condition) ORDER BY m.goal_id, m.position;
            SELECT s.goal_id, s.solution, s.note, s.linked_at, s.linked_by AS linked_by_id, u.kind AS linked_by_kind, u.display_name AS linked_by_name FROM goal_solutions s JOIN goals g ON g.id = s.goal_id JOIN users u ON u.id = s.linked_by WHERE \(condition) ORDER BY s.goal_id, s.linked_at, s.solution;
            \\endpipeline

            """
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
