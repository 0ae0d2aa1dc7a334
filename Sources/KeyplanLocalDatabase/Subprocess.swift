import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a command to completion on NIO's blocking-I/O thread pool, never on the cooperative pool.
///
/// `posix_spawn` and `waitpid`, not Foundation's `Process`: `pg_ctl start` leaves a server
/// running that inherits descriptors, and `Process` (on Linux) takes an inherited descriptor
/// for a command still running, so it would wait for the server to exit. The output goes to a
/// temporary file for the same reason. The command inherits no other descriptor of ours
/// (``closeInheritedDescriptors(_:)``). Public for the benchmarks, which run pgbench and psql.
public enum Subprocess {
    public struct Output: Sendable {
        public var status: Int32
        /// stdout and stderr together.
        public var text: String
    }

    /// Runs `executable` with `arguments`; throws ``LocalClusterError`` if it cannot start.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        try await blockingIO {
            let outputPath = FileManager.default.temporaryDirectory
                .appendingPathComponent("keyplan-subprocess-\(UUID().uuidString)").path
            defer { unlink(outputPath) }

            #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            #else
            var actions: posix_spawn_file_actions_t?
            #endif
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
            #if canImport(Glibc)
            closeInheritedDescriptors(&actions)
            #endif

            // No signal blocked and default handlers, as from a shell: the spawning thread's mask
            // (Swift's runtime blocks some) would otherwise be inherited, and a supervisor such as
            // pg_autoctl could never stop its services with SIGINT.
            #if canImport(Glibc)
            var attributes = posix_spawnattr_t()
            #else
            var attributes: posix_spawnattr_t?
            #endif
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t()
            sigemptyset(&none)
            var all = sigset_t()
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            guard spawned == 0 else {
                throw LocalClusterError("cannot run \(executable): \(String(cString: strerror(spawned)))")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let data = FileManager.default.contents(atPath: outputPath) ?? Data()
            // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
            let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return Output(status: exitStatus, text: String(decoding: data, as: UTF8.self))
        }
    }
}

#if canImport(Glibc)
extension Subprocess {
    /// Adds the file action that closes every descriptor from 3 up in the child, after the ones before it.
    ///
    /// Without it the child inherits each descriptor not marked close-on-exec, as NIO's sockets are not
    /// until their channel is set up, and keeps them for its lifetime: PostgreSQL's for good. A connection
    /// we close then stays open, and its peer waits for an end that never comes.
    ///
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), found at run time: Swift's Glibc
    /// module leaves the GNU extensions out. Where the C library has none, nothing is added.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
    }
}
#endif

/// Why the local cluster could not be created, started or stopped: one line.
public struct LocalClusterError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
