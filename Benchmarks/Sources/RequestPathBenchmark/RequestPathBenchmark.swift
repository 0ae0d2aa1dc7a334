import AsyncHTTPClient
import BenchmarkServer
import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import NIOCore

/// The request path end to end: a real `keyplan-server serve` process on a durable private
/// PostgreSQL cluster, against pgbench's select-only transactions on the same cluster, in one run.
///
///     cd Benchmarks && swift build -c release --product keyplan-server --product RequestPathBenchmark
///     .build/release/RequestPathBenchmark [seconds per measurement, default 10]
///     .build/release/RequestPathBenchmark --only get --in-flight 16 60    # one measurement, to profile the server
///
/// For 1, 16 and 64 calls (or pgbench clients) in flight it measures, one after another at each
/// level: `pgbench -S` (one primary-key select per transaction: PostgreSQL's floor), with the
/// statement parsed each time (`-M simple`, pgbench's default) and prepared (`-M prepared`),
/// Keyplan's authorized `keyplan.Goals/Get` and `keyplan.Goals/Update` (a read-modify-write that
/// names the version it read) by a seller on the account's team, and `keyplan.ServerHealth/Check` (the
/// RPC runtime alone, no database); Keyplan's calls over 4 connections. And pgbench replaying
/// Goals/Get's own statements on at most 8 connections, as many as the server's pool has: what
/// PostgreSQL alone can do of that call. It prints calls/s, p50 and
/// p99, the server's and PostgreSQL's CPU, and per call: statements and round trips (the server's
/// own counters, from its /metrics) and WAL flushes (`pg_stat_wal.wal_sync`). And the same Goals/Get through
/// the HTTP/JSON gateway (Connect, `POST /keyplan.Goals/Get`) with AsyncHTTPClient over HTTP/1.1 keep-alive,
/// one connection per call in flight (HTTP/1.1 carries one call at a time on a connection).
@main
struct RequestPathBenchmark {
    static func main() async throws {
        try await run()
    }

    nonisolated static func run() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `--only get|update|update-spread|health|pgbench|replay|gateway` and `--in-flight N` narrow the run (to profile one
        // measurement); `gateway` measures Goals/Get over both protocols.
        func option(_ name: String) -> String? {
            arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
        }
        let only = option("--only")
        let levels = option("--in-flight").flatMap(Int.init).map { [$0] } ?? [1, 16, 64]
        var positional: [String] = []
        var index = 0
        while index < arguments.count {
            if arguments[index].hasPrefix("--") {
                index += 2
            } else {
                positional.append(arguments[index])
                index += 1
            }
        }
        let seconds = positional.compactMap(Int.init).first ?? 10
        let window = Duration.seconds(seconds)
        let project = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()

        // A durable cluster of its own (the tests' cluster runs without fsync).
        let cluster = LocalCluster(
            configuration: LocalClusterConfiguration(
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
        let versions = VersionBook(goals: fixture.goals + fixture.spreadGoals.map(\.goal))
        func wanted(_ name: String) -> Bool { only == nil || only == name || (only == "gateway" && name == "get") }
        for inFlight in levels {
            if wanted("pgbench") {
                rows.append(try await load.measurePgBench(pgbench, clients: inFlight, mode: .simple, window: window))
                rows.append(try await load.measurePgBench(pgbench, clients: inFlight, mode: .prepared, window: window))
            }
            // Warm up: the server's connections, prepared statements, caches.
            _ = try await load.measure("warm-up", inFlight: inFlight, window: .seconds(2)) { worker, call in
                _ = try await clients[call % clients.count].goal(accountID: fixture.accountID, goalID: fixture.goals[worker % fixture.goals.count])
            }
            if wanted("replay") {
                // At most 8 at once: the server's pool has 8 connections.
                rows.append(
                    try await load.measureReplay(
                        pgbench, script: fixture.getReplay(), url: database.appURL, clients: min(inFlight, 8), window: window))
            }
            if wanted("get") {
                rows.append(
                    try await load.measure("Keyplan Goals/Get", inFlight: inFlight, window: window) { worker, call in
                        _ = try await clients[call % clients.count].goal(
                            accountID: fixture.accountID, goalID: fixture.goals[worker % fixture.goals.count])
                    })
            }
            if wanted("gateway") {
                var configuration = HTTPClient.Configuration()
                configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: inFlight)
                let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                let url = "http://127.0.0.1:\(server.httpPort)/keyplan.Goals/Get"
                let measured = try await load.measure("HTTP/JSON Goals/Get (Connect)", inFlight: inFlight, window: window) { worker, _ in
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "Authorization", value: "Bearer \(seller.token)")
                    let goalID = fixture.goals[worker % fixture.goals.count]
                    request.body = .bytes(ByteBuffer(string: #"{"accountID":"\#(fixture.accountID)","goalID":"\#(goalID)"}"#))
                    let response = try await http.execute(request, timeout: .seconds(30))
                    let body = try await response.body.collect(upTo: 1 << 20)
                    guard response.status == .ok else { throw BenchmarkError("gateway answered \(response.status): \(String(buffer: body))") }
                }
                try await http.shutdown()
                rows.append(measured)
            }
            if wanted("update") {
                rows.append(
                    try await load.measure("Keyplan Goals/Update", inFlight: inFlight, window: window) { worker, call in
                        let goalID = fixture.goals[worker]
                        let version = versions.version(of: goalID)
                        // The same change as before the co-editing rule: the title and every metric.
                        let updated = try await clients[call % clients.count].updateGoal(
                            UpdateGoalRequest(
                                accountID: fixture.accountID, goalID: goalID, expectedVersion: version,
                                title: "Grow EMEA, pass \(call)", metrics: Fixture.metrics))
                        versions.set(updated.version, of: goalID)
                    })
                // The same without the idempotency key the Swift client gives every write (what the key's
                // claim in the opening statement and its answer stored at COMMIT cost).
                let unkeyed = clients.map { client in
                    var client = client
                    client.retry = .never
                    return client
                }
                rows.append(
                    try await load.measure("Keyplan Goals/Update, no key", inFlight: inFlight, window: window) { worker, call in
                        let goalID = fixture.goals[worker]
                        let updated = try await unkeyed[call % unkeyed.count].updateGoal(
                            UpdateGoalRequest(
                                accountID: fixture.accountID, goalID: goalID, expectedVersion: versions.version(of: goalID),
                                title: "Grow EMEA, pass \(call)", metrics: Fixture.metrics))
                        versions.set(updated.version, of: goalID)
                    })
            }
            if wanted("update-spread") {
                // The same update, each worker in an account of its own: what the per-account journal lock
                // (Schema/0014: an account's changes commit one after another) costs the update above.
                rows.append(
                    try await load.measure("Keyplan Goals/Update, own account", inFlight: inFlight, window: window) { worker, call in
                        let (accountID, goalID) = fixture.spreadGoals[worker]
                        let updated = try await clients[call % clients.count].updateGoal(
                            UpdateGoalRequest(
                                accountID: accountID, goalID: goalID, expectedVersion: versions.version(of: goalID),
                                title: "Grow EMEA, pass \(call)", metrics: Fixture.metrics))
                        versions.set(updated.version, of: goalID)
                    })
            }
            if wanted("health") {
                rows.append(
                    try await load.measure("Keyplan ServerHealth/Check", inFlight: inFlight, window: window) { _, call in
                        _ = try await connections[call % connections.count].unary(ServerHealth.check, request: ServerHealth.Request())
                    })
            }
        }
        Report.print(rows)
        for connection in connections { await connection.close() }
        try await fixture.finish()
    }
}
