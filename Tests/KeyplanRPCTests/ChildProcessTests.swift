import Foundation
import KeyplanWire
import Testing

@testable import KeyplanRPC

#if canImport(Glibc)
import Glibc
#endif

/// Child processes started while connections are open (the tests' own `pg_ctl`, `keyplan` and `initdb`, or
/// anything an application embedding the server runs) must not inherit its sockets: a connection closed
/// with a copy held by a child stays open for the child's lifetime.
@Suite("Connections end whatever child processes start meanwhile")
struct ChildProcessTests {
    /// A child process that inherits every descriptor not marked close-on-exec, as `posix_spawn` without file
    /// actions gives it (the way `Subprocess` starts `pg_ctl`). It sleeps until ``end()``, which is called at
    /// once after the check: it holds whatever other suites have open meanwhile.
    struct InheritingChild {
        let pid: pid_t

        init() throws {
            let arguments = ["/bin/sleep", "60"]
            let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, arguments[0], nil, nil, argv, environ)
            try #require(spawned == 0, "posix_spawn: \(String(cString: strerror(spawned)))")
            self.pid = pid
        }

        func end() {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
    }

    /// Waits until `live` (a server's or client's handlers) reaches `count`, up to 10 s; returns whether it did.
    static func waitFor(_ live: LiveObjects, toBe count: Int) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while live.value != count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return live.value == count
    }

    @Test("a connection the server closes ends for the client")
    func serverClose() async throws {
        let server = try await TestServer.start()
        let connection = try await RawConnection.connect(port: server.port)
        // The server has accepted the connection (its handler exists) before the child starts.
        #expect(await Self.waitFor(server.server.connectionHandlers, toBe: 1))
        let child = try InheritingChild()
        defer { child.end() }
        let (frames, closed) = try await connection.exchange(Array("not a frame\r\n".utf8), timeout: .seconds(5))
        #expect(closed, "the server closed the connection but a child process kept it open (frames received: \(frames))")
        await server.stop()
    }

    @Test("a connection the client closes ends for the server")
    func clientClose() async throws {
        let server = try await TestServer.start()
        let client = server.client()
        _ = try await client.unary(TestMethods.echo, request: TestMessage(number: 1, text: "hi"))
        let child = try InheritingChild()
        defer { child.end() }
        await client.close()
        #expect(await Self.waitFor(server.server.connectionHandlers, toBe: 0), "the server's end of the closed connection is still open")
        await server.stop()
    }

    @Test("a stopped server's port refuses connections")
    func listenerClose() async throws {
        let server = try await TestServer.start()
        let child = try InheritingChild()
        defer { child.end() }
        await server.stop()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(server.port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        #expect(!connected, "a connection to the stopped server's port was accepted by the kernel: a child still holds the listener")
    }
}
