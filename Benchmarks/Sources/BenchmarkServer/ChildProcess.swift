import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
    /// when it fails. Spawned with no signal blocked and default handlers: pgbench ends a `-T` run
    /// with SIGALRM, which a child of a Swift process would otherwise inherit blocked from the
    /// spawning thread, and then never stop.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let output = Pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output.fileHandleForWriting.fileDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, output.fileHandleForWriting.fileDescriptor, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        try? output.fileHandleForWriting.close()
        guard spawned == 0 else { throw BenchmarkError("cannot start \(executable): error \(spawned)") }
        let child = pid
        let (data, status) = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                var status: Int32 = 0
                waitpid(child, &status, 0)
                continuation.resume(returning: (data, status))
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        guard status == 0 else { throw BenchmarkError("\(executable) \(arguments.first ?? "") failed:\n\(text)") }
        return text
    }
}

public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
