import Foundation
import Testing

@testable import KeyplanRPC

#if canImport(Glibc)
import CMallocInfo
import Glibc
#endif

/// Connections that come and go (a load balancer's TCP health check, one-call clients) must leave
/// nothing behind in the server.
@Suite("Connections leave nothing behind", .serialized)
struct ConnectionMemoryTests {
    /// How a test connection ends.
    enum Ending: CaseIterable {
        /// The client closes at once (FIN), as a load balancer's TCP check does.
        case close
        /// The client resets it (RST).
        case reset
        /// The client sends bytes that are no frame; the server closes.
        case garbage
    }

    /// Opens and closes `count` bare TCP connections, one after another, each ending the next way
    /// of `endings` in turn, on a thread of its own (plain sockets: the client side allocates
    /// nothing that would blur the server's footprint). Not all close first from the client side:
    /// its TIME_WAIT sockets would use up the ephemeral ports.
    ///
    /// Returns the garbage-sending connections the server never closed within 15 s (each then closed by the
    /// client), described: a connection the server leaves open would otherwise hang the test, and the suite, for good.
    @discardableResult
    static func connectAndClose(port: Int, count: Int, endings: [Ending] = Ending.allCases) async -> [String] {
        await withCheckedContinuation { (done: CheckedContinuation<[String], Never>) in
            Thread.detachNewThread {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let garbage: [UInt8] = Array("not a frame\r\n".utf8)
                var unanswered: [String] = []
                for index in 0..<count {
                    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    let connected = withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
                    }
                    if connected {
                        switch endings[index % endings.count] {
                        case .close:
                            break
                        case .reset:
                            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                        case .garbage:
                            var patience = timeval(tv_sec: 15, tv_usec: 0)
                            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, socklen_t(MemoryLayout<timeval>.size))
                            _ = garbage.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                            var buffer = [UInt8](repeating: 0, count: 256)
                            var received = 0
                            var answer = 0
                            let start = ContinuousClock.now
                            repeat {
                                received = recv(fd, &buffer, buffer.count, 0)
                                answer += max(received, 0)
                            } while received > 0
                            if received < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                                // No answer: the server never read the bytes. An answer (its GOAWAY) but no end: the
                                // server closed its descriptor, but something else (a child process) holds the socket.
                                unanswered.append(
                                    "connection \(index) got \(answer) bytes, then no end in \(ContinuousClock.now - start)")
                            }
                        }
                    }
                    close(fd)
                }
                done.resume(returning: unanswered)
            }
        }
    }

    /// The live handlers once closed connections have been torn down (waits up to `limit` for none: the server
    /// learns of each close from its event loops, which other suites running alongside keep busy).
    static func settled(_ live: LiveObjects, within limit: Duration = .seconds(5)) async -> Int {
        let deadline = ContinuousClock.now + limit
        while live.value > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return live.value
    }

    /// The heap memory the process has allocated and not freed: glibc's `mallinfo2()`, the bytes in use in all
    /// arenas (`uordblks`) plus the blocks too large for them (`hblkhd`). Not resident memory: with other suites'
    /// threads running alongside, malloc grows its arenas and keeps what they free, which is no leak (34 MB once).
    ///
    /// The least of a few readings: other suites' short-lived allocations come and go, a leak stays.
    static func heapBytesInUse() async -> Int {
        var least = Int.max
        for _ in 0..<5 {
            let info = mallinfo2()
            least = min(least, info.uordblks + info.hblkhd)
            try? await Task.sleep(for: .milliseconds(100))
        }
        return least
    }

    @Test("a closed connection leaves no connection object behind, whatever it did")
    func noHandlerOutlivesItsConnection() async throws {
        let server = try await TestServer.start()
        await Self.connectAndClose(port: server.port, count: 300)
        for _ in 0..<20 {
            let client = server.client()
            _ = try await client.unary(TestMethods.echo, request: TestMessage(number: 1, text: "hi"))
            await client.close()
        }
        #expect(await Self.settled(server.server.connectionHandlers) == 0)
        await server.stop()
    }

    @Test("a client's closed connections leave no connection object behind")
    func noClientHandlerOutlivesItsConnection() async throws {
        let server = try await TestServer.start()
        for _ in 0..<50 {
            let client = server.client()
            _ = try await client.unary(TestMethods.echo, request: TestMessage(number: 1, text: "hi"))
            await client.close()
            #expect(await Self.settled(client.connectionHandlers) == 0)
        }
        await server.stop()
    }

    @Test("20,000 connect/close cycles leave the server's memory where it was")
    func connectCloseCyclesDoNotGrowMemory() async throws {
        let server = try await TestServer.start()
        await Self.connectAndClose(port: server.port, count: 2_000)
        _ = await Self.settled(server.server.connectionHandlers)
        let warm = await Self.heapBytesInUse()
        let unanswered = await Self.connectAndClose(port: server.port, count: 20_000)
        #expect(unanswered.isEmpty, "connections that sent garbage were never closed: \(unanswered.joined(separator: "; "))")
        // 20,000 closes queue up on a loaded machine: what matters is that every handler goes, not how fast.
        let left = await Self.settled(server.server.connectionHandlers, within: .seconds(60))
        #expect(left == 0, "\(left) of 20,000 closed connections' handlers still alive after 60 s")
        // A kilobyte kept per connection would be 20 MB (19.5 MiB); the handler cycle this test was written
        // for kept 2-3 KB. The measure is still the whole process's, other suites' live data included (a
        // browser test's reached 40 MB): above the bound, it is read again for up to 60 s, as those suites
        // finish and free theirs, while a leak stays.
        let bound = 16 * 1024 * 1024
        var grown = await Self.heapBytesInUse() - warm
        let deadline = ContinuousClock.now + .seconds(60)
        while grown >= bound, ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(1))
            grown = min(grown, await Self.heapBytesInUse() - warm)
        }
        #expect(grown < bound, "the heap grew by \(grown / 1024) KiB over 20,000 connections")
        await server.stop()
    }
}
