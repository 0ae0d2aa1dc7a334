import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer

/// The request path end to end: a real `keyplan-server serve` process on a durable private
/// PostgreSQL cluster, against pgbench's select-only transactions on the same cluster, in one run.
///
///     cd Benchmarks && swift build -c release --product keyplan-server --product RequestPathBenchmark
///     .build/release/RequestPathBenchmark [seconds per measurement, default 10]
///
/// For 1, 16 and 64 calls (or pgbench clients) in flight it measures, one after another at each
/// level: `pgbench -S -M prepared` (one primary-key select per transaction: PostgreSQL's floor),
/// Keyplan's authorized `keyplan.Goals/Get` and `keyplan.Goals/Update` (a read-modify-write that
/// names the version it read) by a seller on the account's team, and `keyplan.Health/Check` (the
/// RPC runtime alone, no database); Keyplan's calls over 4 connections. It prints calls/s, p50 and
/// p99, the server's and PostgreSQL's CPU, and per call: statements and round trips (the server's
/// own counters, from its /metrics) and WAL flushes (`pg_stat_wal.wal_sync`).
@main
struct RequestPathBenchmark {
    static func main() async throws {
        try await run()
    }

    nonisolated static func run() async throws {
        let seconds = CommandLine.arguments.dropFirst().compactMap(Int.init).first ?? 10
        let window = Duration.seconds(seconds)
        let project = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()

        // A durable cluster of its own (the tests' cluster runs without fsync).
        let cluster = LocalCluster(configuration: LocalClusterConfiguration(
            directory: project.appendingPathComponent(".keyplan/pg-bench"), port: nil, durable: true,
            schemaDirectory: project.appendingPathComponent("Schema"), databaseName: "keyplan_bench"))
        let database = try await cluster.start()
        let fixture = try await Fixture.create(database: database)
        let pgbench = try PgBench(ownerURL: database.ownerURL)
        try await pgbench.initialize()

        let server = try await ServerProcess.start(databaseURL: database.appURL)
        defer { server.stop() }
        let connections = (0..<4).map { _ in RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: server.port)) }
        let seller = fixture.seller
        let clients = connections.map { KeyplanClient(rpc: $0, token: seller.token) }
        let load = LoadRunner(server: server, postgres: fixture.postgres)

        print("Request path, \(seconds) s per measurement; server \(server.pid), PostgreSQL 15 durable (fsync on) at 127.0.0.1:\(database.port)")
        print("")
        var rows: [Report.Row] = []
        let versions = VersionBook(goals: fixture.goals)
        for inFlight in [1, 16, 64] {
            rows.append(try await load.measurePgBench(pgbench, clients: inFlight, window: window))
            // Warm up: the server's connections, prepared statements, caches.
            _ = try await load.measure("warm-up", inFlight: inFlight, window: .seconds(2)) { worker, call in
                _ = try await clients[call % clients.count].goal(accountID: fixture.accountID, goalID: fixture.goals[worker % fixture.goals.count])
            }
            rows.append(try await load.measure("Keyplan Goals/Get", inFlight: inFlight, window: window) { worker, call in
                _ = try await clients[call % clients.count].goal(accountID: fixture.accountID, goalID: fixture.goals[worker % fixture.goals.count])
            })
            rows.append(try await load.measure("Keyplan Goals/Update", inFlight: inFlight, window: window) { worker, call in
                let goalID = fixture.goals[worker]
                let version = versions.version(of: goalID)
                let updated = try await clients[call % clients.count].updateGoal(
                    accountID: fixture.accountID, goalID: goalID, expectedVersion: version,
                    GoalDraft(title: "Grow EMEA, pass \(call)", metrics: Fixture.metrics))
                versions.set(updated.version, of: goalID)
            })
            rows.append(try await load.measure("Keyplan Health/Check", inFlight: inFlight, window: window) { _, call in
                _ = try await connections[call % connections.count].unary(Health.check, request: Health.Request())
            })
        }
        Report.print(rows)
        for connection in connections { await connection.close() }
        try await fixture.finish()
    }
}
