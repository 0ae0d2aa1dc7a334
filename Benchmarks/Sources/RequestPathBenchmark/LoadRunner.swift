import Foundation
import KeyplanPostgres

/// Keeps a number of calls in flight for a while (closed loop: each worker makes one call after
/// another) and measures them, with the server's counters and the machine's CPU around them.
struct LoadRunner: Sendable {
    let server: ServerProcess
    let postgres: PostgresClient

    /// What the database and the processes did during a window.
    struct Usage: Sendable {
        var serverCPU: Double
        var postgresCPU: Double
        var walSyncs: Double
        var roundTrips: Double?
        var statements: Double?
    }

    func measure(
        _ name: String, inFlight: Int, window: Duration, _ call: @escaping @Sendable (_ worker: Int, _ call: Int) async throws -> Void
    ) async throws -> Report.Row {
        let before = try await snapshot()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + window
        let latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    var latencies: [Int64] = []
                    var index = worker
                    while clock.now < deadline {
                        let callStart = clock.now
                        try await call(worker, index)
                        latencies.append((clock.now - callStart).nanoseconds)
                        index += inFlight
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let elapsed = (clock.now - start).seconds
        let after = try await snapshot()
        let sorted = latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            Double(sorted[min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))]) / 1_000
        }
        let calls = Double(sorted.count)
        return Report.Row(
            name: name, inFlight: inFlight, callsPerSecond: calls / elapsed, p50Microseconds: percentile(0.5), p99Microseconds: percentile(0.99),
            serverCPUPercent: (after.serverCPU - before.serverCPU) / elapsed * 100,
            postgresCPUPercent: (after.postgresCPU - before.postgresCPU) / elapsed * 100,
            statementsPerCall: after.statements.flatMap { a in before.statements.map { (a - $0) / calls } },
            roundTripsPerCall: after.roundTrips.flatMap { a in before.roundTrips.map { (a - $0) / calls } },
            walSyncsPerCall: (after.walSyncs - before.walSyncs) / calls)
    }

    func measurePgBench(_ pgbench: PgBench, clients: Int, mode: PgBench.Mode, window: Duration) async throws -> Report.Row {
        let before = try await snapshot()
        let start = ContinuousClock.now
        let result = try await pgbench.selectOnly(clients: clients, mode: mode, seconds: Int(window.seconds))
        let elapsed = (ContinuousClock.now - start).seconds
        let after = try await snapshot()
        let transactions = Double(result.transactions)
        return Report.Row(
            name: "pgbench -S -M \(mode.rawValue)", inFlight: clients, callsPerSecond: result.transactionsPerSecond,
            p50Microseconds: result.p50Microseconds, p99Microseconds: result.p99Microseconds, serverCPUPercent: nil,
            postgresCPUPercent: (after.postgresCPU - before.postgresCPU) / elapsed * 100,
            statementsPerCall: 1, roundTripsPerCall: 1, walSyncsPerCall: (after.walSyncs - before.walSyncs) / max(transactions, 1))
    }

    /// Goals/Get's statements replayed by pgbench on the server's own database role.
    func measureReplay(_ pgbench: PgBench, script: String, url: String, clients: Int, window: Duration) async throws -> Report.Row {
        let before = try await snapshot()
        let start = ContinuousClock.now
        let result = try await pgbench.script(script, clients: clients, seconds: Int(window.seconds), url: url)
        let elapsed = (ContinuousClock.now - start).seconds
        let after = try await snapshot()
        return Report.Row(
            name: "pgbench, Goals/Get's statements", inFlight: clients, callsPerSecond: result.transactionsPerSecond,
            p50Microseconds: result.p50Microseconds, p99Microseconds: result.p99Microseconds, serverCPUPercent: nil,
            postgresCPUPercent: (after.postgresCPU - before.postgresCPU) / elapsed * 100,
            statementsPerCall: 4, roundTripsPerCall: 1, walSyncsPerCall: (after.walSyncs - before.walSyncs) / max(Double(result.transactions), 1))
    }

    private func snapshot() async throws -> Usage {
        let metrics = try await server.metrics()
        let walSyncs = try await postgres.query("SELECT wal_sync::float8 AS n FROM pg_stat_wal").single(Double.self, column: "n")
        return Usage(
            serverCPU: ProcessCPU.seconds(of: server.pid), postgresCPU: ProcessCPU.seconds(ofEvery: "postgres"), walSyncs: walSyncs,
            roundTrips: metrics["keyplan_postgres_round_trips_total"], statements: metrics["keyplan_postgres_statements_total"])
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
