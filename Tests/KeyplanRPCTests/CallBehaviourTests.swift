import Foundation
import KeyplanRPC
import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore
import Testing

@Suite("Call behaviour")
struct CallBehaviourTests {
    @Test("1,000 concurrent calls on one connection are all answered correctly")
    func thousandConcurrentCalls() async throws {
        try await withServerAndClient { _, client in
            let results = try await withThrowingTaskGroup(of: (Int64, TestMessage).self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        (Int64(index), try await client.unary(TestMethods.echo, request: TestMessage(number: Int64(index), text: "call \(index)")))
                    }
                }
                var results: [(Int64, TestMessage)] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == 1000)
            #expect(results.allSatisfy { $0.1 == TestMessage(number: $0.0, text: "call \($0.0)") })
        }
    }

    @Test("answers complete out of order: a fast call overtakes a slow one")
    func outOfOrder() async throws {
        try await withServerAndClient { _, client in
            let order = OrderRecorder()
            async let slow: Void = {
                _ = try await client.unary(TestMethods.sleep, request: TestMessage(number: 300, text: "slow"))
                order.append("slow")
            }()
            try await Task.sleep(for: .milliseconds(20))
            _ = try await client.unary(TestMethods.echo, request: TestMessage(text: "fast"))
            order.append("fast")
            try await slow
            #expect(order.values == ["fast", "slow"])
        }
    }

    @Test("each call kind works on one connection at the same time")
    func allKindsTogether() async throws {
        try await withServerAndClient { _, client in
            async let unary = client.unary(TestMethods.echo, request: TestMessage(number: 7))
            async let serverStream = client.serverStreaming(TestMethods.streamingOutput, request: TestMessage(number: 20)) { response in
                var count = 0
                for try await _ in response.messages { count += 1 }
                return count
            }
            async let clientStream = client.clientStreaming(TestMethods.streamingInput) { writer in
                for _ in 0..<20 { try await writer.write([1, 2, 3]) }
            }
            async let bidi = client.bidirectionalStreaming(TestMethods.fullDuplex) { writer in
                for index in 0..<20 { try await writer.write(TestMessage(number: Int64(index))) }
            } body: { response in
                var numbers: [Int64] = []
                for try await message in response.messages { numbers.append(message.number) }
                return numbers
            }
            let (unaryResult, serverCount, clientResult, bidiNumbers) = try await (unary, serverStream, clientStream, bidi)
            #expect(unaryResult.number == 7)
            #expect(serverCount == 20)
            #expect(clientResult.message.number == 60)
            #expect(bidiNumbers == Array(0..<20))
        }
    }

    @Test("a client's cancel reaches the handler")
    func clientCancelReachesHandler() async throws {
        try await withServerAndClient { server, client in
            let task = Task { try await client.unary(TestMethods.sleep, request: TestMessage(number: 30_000, text: "cancel-me")) }
            #expect(await server.probe.waitUntil { $0.started.contains("cancel-me") })
            task.cancel()
            let error = await #expect(throws: RPCError.self) { try await task.value }
            #expect(error?.code == .cancelled)
            #expect(await server.probe.waitUntil { $0.cancelled.contains("cancel-me") })
        }
    }

    @Test("a lost connection cancels its handlers")
    func lostConnectionCancelsHandlers() async throws {
        try await withServerAndClient { server, client in
            let task = Task { try await client.unary(TestMethods.sleep, request: TestMessage(number: 30_000, text: "orphan")) }
            #expect(await server.probe.waitUntil { $0.started.contains("orphan") })
            await client.close()
            let error = await #expect(throws: RPCError.self) { try await task.value }
            #expect(error?.code == .unavailable)
            #expect(await server.probe.waitUntil { $0.cancelled.contains("orphan") })
        }
    }

    @Test("the server enforces the deadline itself: END DEADLINE_EXCEEDED and a cancelled handler")
    func serverSideDeadline() async throws {
        try await withServerAndClient { server, _ in
            // A raw client that sends no CANCEL, so only the server's own timer can end the call.
            var bytes = RawConnection.preface
            bytes += Array(
                buffer: Frame.open(callID: 1, .init(method: TestMethods.sleep.descriptor.fullName, timeoutMicroseconds: 100_000)).encoded())
            var message = ByteBuffer()
            TestMessage.Coder().serialize(TestMessage(number: 30_000, text: "deadline"), into: &message)
            bytes += Array(buffer: Frame.message(callID: 1, message).encoded())
            bytes += Array(buffer: Frame.halfClose(callID: 1).encoded())
            let start = ContinuousClock.now
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, _) = try await raw.exchange(bytes) { if case .end = $0 { true } else { false } }
            guard case .end(1, let end)? = frames.last else {
                Issue.record("expected END, got \(frames)")
                return
            }
            #expect(end.code == .deadlineExceeded)
            // The handler sleeps 30 s: an END well before that can only come from the server's timer. The bound is loose
            // because a loaded CI run has delayed this 100 ms deadline by almost 4 s.
            #expect(ContinuousClock.now - start < .seconds(15))
            // Cancelled well before its 30 s are up — or never started, when a loaded machine dispatched the call only
            // after its 100 ms had passed (then nothing ran to cancel). A full run's first seconds have starved this past 5 s.
            #expect(
                await server.probe.waitUntil(timeout: .seconds(20)) { $0.cancelled.contains("deadline") || !$0.started.contains("deadline") })
        }
    }

    @Test("a deadline that has already passed fails before anything is sent")
    func passedDeadline() async throws {
        try await withServerAndClient { server, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(TestMethods.sleep, request: TestMessage(number: 1, text: "never"), options: CallOptions(timeout: .zero))
            }
            #expect(error?.code == .deadlineExceeded)
            try await Task.sleep(for: .milliseconds(50))
            #expect(!server.probe.started.contains("never"))
        }
    }

    @Test("a slow reader of a server stream holds the server back instead of making it buffer")
    func backpressure() async throws {
        try await withServerAndClient { server, client in
            // 2,000 messages of 64 KiB = 125 MiB if the server buffered them all.
            let received = try await client.serverStreaming(
                TestMethods.flood, request: TestMessage(number: 2000, text: String(repeating: "k", count: 64))
            ) { response in
                var iterator = response.messages.makeAsyncIterator()
                _ = try await iterator.next()
                try await Task.sleep(for: .milliseconds(300))
                return 1
            }
            #expect(received == 1)
            let written = server.probe.count("flood")
            // Socket buffers and the client's 1 MiB inbox hold some; nowhere near all of it.
            #expect(written < 300, "the server wrote \(written) of 2000 messages to a reader that took one")
        }
    }

    @Test("shutdown drains in-flight calls, refuses new connections, then stops")
    func gracefulShutdownDrains() async throws {
        let server = try await TestServer.start()
        let client = server.client()
        let inFlight = Task { try await client.unary(TestMethods.sleep, request: TestMessage(number: 300, text: "in-flight")) }
        #expect(await server.probe.waitUntil { $0.started.contains("in-flight") })
        server.server.beginGracefulShutdown()
        let answer = try await inFlight.value
        #expect(answer.text == "in-flight")
        _ = try await server.runTask.value
        let late = server.client { $0.backoff.maxAttempts = 1 }
        let error = await #expect(throws: RPCError.self) { try await late.unary(TestMethods.echo, request: TestMessage()) }
        #expect(error?.code == .unavailable)
        await client.close()
        await late.close()
    }

    @Test("shutdown cancels calls that outlast the grace period")
    func gracePeriodEnds() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.shutdownGracePeriod = .milliseconds(200)
        let server = try await TestServer.start(configuration: configuration)
        let client = server.client()
        let stuck = Task { try await client.unary(TestMethods.sleep, request: TestMessage(number: 60_000, text: "stuck")) }
        #expect(await server.probe.waitUntil { $0.started.contains("stuck") })
        let start = ContinuousClock.now
        await server.stop()
        // The handler would sleep a minute: stopping well before that is the grace period's doing (a loaded
        // full run has taken 3.4 s for this 200 ms grace).
        #expect(ContinuousClock.now - start < .seconds(15))
        let error = await #expect(throws: RPCError.self) { try await stuck.value }
        #expect(error?.code == .unavailable)
        #expect(await server.probe.waitUntil { $0.cancelled.contains("stuck") })
        await client.close()
    }

    @Test("the client reconnects after the server goes away")
    func reconnects() async throws {
        // The second server must get the first one's port back. Other suites' servers and clients
        // take ephemeral ports on 127.0.0.1 concurrently, so listen on 127.0.0.2 (also loopback),
        // where nothing else binds.
        var configuration = TestServer.configuration
        configuration.host = "127.0.0.2"
        let first = try await TestServer.start(configuration: configuration)
        let port = first.port
        let client = first.client {
            $0.backoff = .init(initial: .milliseconds(20), multiplier: 1.5, maximum: .milliseconds(200), jitter: 0.1, maxAttempts: 20)
        }
        #expect(try await client.unary(TestMethods.echo, request: TestMessage(text: "one")).text == "one")
        await first.stop()
        configuration.port = port
        // The kernel may hold the port for a moment while the first server's sockets finish closing.
        var second: TestServer?
        for _ in 0..<100 where second == nil {
            do {
                second = try await TestServer.start(configuration: configuration)
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let restarted = try #require(second)
        #expect(try await client.unary(TestMethods.echo, request: TestMessage(text: "two")).text == "two")
        await client.close()
        await restarted.stop()
    }
}

/// Records an order of events across tasks.
final class OrderRecorder: Sendable {
    private let box = NIOLockedValueBox([String]())
    func append(_ value: String) { box.withLockedValue { $0.append(value) } }
    var values: [String] { box.withLockedValue { $0 } }
}
