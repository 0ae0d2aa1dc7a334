import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Channel {
    /// Marks the channel's socket close-on-exec. Call it from the channel's initializer (on its event loop).
    ///
    /// NIO creates and accepts sockets without the flag, so every child process started while one is open
    /// (`posix_spawn`, fork and exec: `pg_ctl`, whose PostgreSQL server then runs for good) inherits a copy.
    /// Closing our descriptor then ends nothing: the peer sees neither FIN nor RST until the child exits, and a
    /// closed listener's port goes on completing handshakes nobody will accept.
    func setCloseOnExec() throws {
        try pipeline.syncOperations.withUnsafeTransportIfAvailable(of: NIOBSDSocket.Handle.self) { socket in
            let flags = fcntl(socket, F_GETFD)
            guard flags >= 0, fcntl(socket, F_SETFD, flags | FD_CLOEXEC) == 0 else {
                throw IOError(errnoCode: errno, reason: "fcntl(F_SETFD, FD_CLOEXEC)")
            }
        }
    }
}
