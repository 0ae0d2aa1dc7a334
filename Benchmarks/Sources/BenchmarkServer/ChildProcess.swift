import Foundation
import KeyplanLocalDatabase

/// Runs PostgreSQL's own tools (pgbench, psql) beside the benchmarks: the peers they are measured against.
public enum ChildProcess {
    /// The newest installed PostgreSQL's `tool` (`/usr/lib/postgresql/*/bin/<tool>`).
    public static func postgresTool(_ tool: String) throws -> String {
        let candidates =
            (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted(by: >)
            .map { "/usr/lib/postgresql/\($0)/bin/\(tool)" } ?? []
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw BenchmarkError("\(tool) not found under /usr/lib/postgresql/*/bin (install postgresql)")
        }
        return found
    }

    /// Runs `executable` to its end and returns what it printed (standard output and error); throws
    /// when it fails. Spawned as `Subprocess` does: no signal blocked, default handlers (pgbench ends a
    /// `-T` run with SIGALRM, which it would otherwise inherit blocked, and never stop).
    public static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let output = try await Subprocess.run(executable, arguments)
        guard output.status == 0 else { throw BenchmarkError("\(executable) \(arguments.first ?? "") failed:\n\(output.text)") }
        return output.text
    }
}

public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
