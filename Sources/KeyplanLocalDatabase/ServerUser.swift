import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating-system user the PostgreSQL server runs as.
///
/// PostgreSQL refuses to run as root. As a normal user the cluster simply belongs to that user;
/// as root (CI), the server programs run as the `postgres` user through `runuser`, and the
/// folders the server writes are handed to that user.
struct ServerUser: Sendable {
    /// `nil` when the programs run as the current user.
    var name: String?
    var uid: uid_t
    var gid: gid_t

    static func current() async throws -> ServerUser {
        guard geteuid() == 0 else { return ServerUser(name: nil, uid: geteuid(), gid: getegid()) }
        // getpwnam reads /etc/passwd.
        return try await blockingIO {
            guard let entry = getpwnam("postgres") else {
                throw LocalClusterError("running as root, but there is no 'postgres' user to run PostgreSQL as (install the postgresql package)")
            }
            return ServerUser(name: "postgres", uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        }
    }

    /// Runs `executable` as this user.
    func run(_ executable: String, _ arguments: [String]) async throws -> Subprocess.Output {
        guard let name else { return try await Subprocess.run(executable, arguments) }
        let runuser = try await blockingIO { Self.runuser }
        return try await Subprocess.run(runuser, ["-u", name, "--", executable] + arguments)
    }

    /// Creates the directory (mode 0700) owned by this user.
    func makePrivateDirectory(_ path: String) async throws {
        let (uid, gid) = (self.uid, self.gid)
        try await blockingIO {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard chown(path, uid, gid) == 0, chmod(path, 0o700) == 0 else {
                throw LocalClusterError("cannot give \(path) to the server user: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Whether this user can reach `path` (execute permission on it and every parent).
    func canReach(_ path: String) async -> Bool {
        guard name != nil else { return true }
        return (try? await run("/usr/bin/test", ["-x", path]).status) == 0
    }

    private static let runuser =
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/runuser"
}
