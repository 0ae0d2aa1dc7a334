import BenchmarkServer
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// pgbench on the benchmark's database: its tables at scale 10 (1,000,000 accounts), then
/// select-only runs (`-S`: one primary-key select per transaction) with prepared statements.
struct PgBench: Sendable {
    let executable: String
    let url: String

    init(ownerURL: String) throws {
        executable = try ChildProcess.postgresTool("pgbench")
        url = ownerURL
    }

    func initialize() async throws {
        _ = try await run(["-i", "-q", "-s", "10", "-I", "dtgvp", url])
    }

    /// Transactions per second and latencies of a select-only run.
    struct Result: Sendable {
        var transactionsPerSecond: Double
        var averageLatencyMilliseconds: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
        var transactions: Int
    }

    /// How pgbench sends its statement: parsed each time (`simple`, pgbench's default) or prepared once per connection.
    enum Mode: String, Sendable {
        case simple
        case prepared
    }

    func selectOnly(clients: Int, mode: Mode, seconds: Int) async throws -> Result {
        try await measure(["-S", "-M", mode.rawValue], clients: clients, seconds: seconds, url: url)
    }

    /// A custom script (prepared statements) on `url`: e.g. a Keyplan call's statements replayed.
    func script(_ text: String, clients: Int, seconds: Int, url: String) async throws -> Result {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgbench-script-\(UUID().uuidString).sql")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await measure(["-M", "prepared", "-f", file.path], clients: clients, seconds: seconds, url: url)
    }

    private func measure(_ options: [String], clients: Int, seconds: Int, url: String) async throws -> Result {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pgbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: log) }
        let threads = min(clients, 2)
        let output = try await run(
            options + [
                "-n", "-c", "\(clients)", "-j", "\(threads)", "-T", "\(seconds)", "-l", "--log-prefix", log.appendingPathComponent("tx").path, url,
            ])
        guard let tps = Self.number(after: "tps = ", in: output), let latency = Self.number(after: "latency average = ", in: output) else {
            throw BenchmarkError("cannot read pgbench's output:\n\(output)")
        }
        // Per-transaction log lines: client_id transaction_no time(µs) script_no time_epoch time_us.
        var latencies: [Double] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: log.path) {
            let text = try String(contentsOf: log.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 3, let micros = Double(fields[2]) { latencies.append(micros) }
            }
        }
        latencies.sort()
        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return latencies[min(latencies.count - 1, max(0, Int((fraction * Double(latencies.count)).rounded(.up)) - 1))]
        }
        return Result(
            transactionsPerSecond: tps, averageLatencyMilliseconds: latency, p50Microseconds: percentile(0.5), p99Microseconds: percentile(0.99),
            transactions: latencies.count)
    }

    private static func number(after prefix: String, in text: String) -> Double? {
        guard let range = text.range(of: prefix) else { return nil }
        return Double(text[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    private func run(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run(executable, arguments)
    }
}
