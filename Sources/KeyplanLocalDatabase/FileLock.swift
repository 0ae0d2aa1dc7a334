#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock(2)` on a file, so that processes (parallel test runs, two `db start`s)
/// set up the cluster one at a time. Taken by polling with `LOCK_NB`, so no thread blocks.
enum FileLock {
    /// Runs `body` while holding the lock on `path`.
    static func withLock<Result>(path: String, _ body: () async throws -> Result) async throws -> Result {
        let descriptor = try await acquire(path: path)
        defer {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
        return try await body()
    }

    private static func acquire(path: String) async throws -> Int32 {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LocalClusterError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(descriptor)
                throw LocalClusterError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                close(descriptor)
                throw error
            }
        }
        return descriptor
    }
}
