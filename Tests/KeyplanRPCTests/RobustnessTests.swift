import KeyplanRPC
import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// Bad peers get a clear status or a closed connection, and everyone else keeps being served.
@Suite("Robustness against bad input")
struct RobustnessTests {
    @Test("an oversize frame gets GOAWAY RESOURCE_EXHAUSTED and a closed connection")
    func oversizeFrame() async throws {
        try await withServerAndClient { server, client in
            try await client.connect()
            var header = ByteBuffer()
            header.writeInteger(FrameParser.defaultMaxFrameSize + 1)
            header.writeInteger(FrameType.message.rawValue)
            header.writeInteger(UInt8(0))
            header.writeInteger(UInt32(1))
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(RawConnection.preface + Array(buffer: header))
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code == .resourceExhausted)
            #expect(goAway.message.contains("exceeds"))
            try await expectStillServing(client)
        }
    }

    @Test("a large frame before the preface is refused at once, not buffered")
    func largeFrameBeforePreface() async throws {
        try await withServerAndClient { server, client in
            try await client.connect()
            var header = ByteBuffer()
            header.writeInteger(UInt32(100_000))  // well under the 4 MiB limit that applies after the preface
            header.writeInteger(FrameType.preface.rawValue)
            header.writeInteger(UInt8(0))
            header.writeInteger(UInt32(0))
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(Array(buffer: header) + [UInt8](repeating: 0, count: 1000), timeout: .seconds(3))
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code == .resourceExhausted)
            try await expectStillServing(client)
        }
    }

    @Test(
        "garbage bytes get GOAWAY and a closed connection",
        arguments: [
            Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
            [0, 0, 0, 0, 0xEE, 0, 0, 0, 0, 0],
            [0, 0, 0, 1, FrameType.message.rawValue, 0, 0, 0, 0, 1, 0],
        ])
    func garbage(bytes: [UInt8]) async throws {
        try await withServerAndClient { server, client in
            try await client.connect()
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(bytes)
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code != .ok)
            try await expectStillServing(client)
        }
    }

    @Test("garbage after a good preface gets GOAWAY INTERNAL")
    func garbageAfterPreface() async throws {
        try await withServerAndClient { server, client in
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(RawConnection.preface + [0, 0, 0, 0, 0x7F, 0, 0, 0, 0, 0])
            #expect(closed)
            #expect(frames.first == .preface(.init()))
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code == .internal)
            #expect(goAway.message.contains("unknown frame type"))
            try await expectStillServing(client)
        }
    }

    @Test("a truncated frame that never completes is closed after the frame timeout")
    func truncatedFrame() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.frame = .milliseconds(200)
        try await withServerAndClient(configuration: configuration) { server, client in
            try await client.connect()
            let open = Array(buffer: Frame.open(callID: 1, .init(method: "keyplan.test.TestService/Echo")).encoded())
            let start = ContinuousClock.now
            let raw = try await RawConnection.connect(port: server.port)
            let (_, closed) = try await raw.exchange(RawConnection.preface + open.dropLast(3))
            #expect(closed)
            // Well before any other clock (the 10 s handshake, the 30 s keepalive) could have closed it.
            #expect(ContinuousClock.now - start < .seconds(6))
            try await expectStillServing(client)
        }
    }

    @Test("a silent connection is closed after the handshake timeout")
    func silentConnection() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.handshake = .milliseconds(200)
        try await withServerAndClient(configuration: configuration) { server, client in
            try await client.connect()
            let start = ContinuousClock.now
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange([])
            #expect(closed)
            #expect(frames.isEmpty)
            // Well under the default handshake timeout (10 s), so the configured 200 ms is what closed it; with room
            // for a loaded machine (3.2 s was seen with every suite running alongside).
            #expect(ContinuousClock.now - start < .seconds(6))
            try await expectStillServing(client)
        }
    }

    @Test("a client trickling its preface byte by byte is closed after the handshake timeout")
    func tricklingPreface() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.handshake = .milliseconds(300)
        try await withServerAndClient(configuration: configuration) { server, _ in
            let raw = try await RawConnection.connect(port: server.port)
            let closedEarly = try await raw.channel.executeThenClose { _, outbound in
                // 16 bytes at 600 ms each would take almost 10 s; the server must cut the connection
                // off after 300 ms, which the next writes see as an error (EPIPE or a reset). The
                // margin is wide so that a loaded machine's scheduling cannot decide the test.
                for byte in RawConnection.preface {
                    do {
                        try await outbound.write(ByteBuffer(bytes: [byte]))
                    } catch {
                        return true
                    }
                    try await Task.sleep(for: .milliseconds(600))
                }
                return false
            }
            #expect(closedEarly)
        }
    }

    @Test("a frame in the wrong direction is a protocol violation")
    func wrongDirection() async throws {
        try await withServerAndClient { server, _ in
            let raw = try await RawConnection.connect(port: server.port)
            let end = Array(buffer: Frame.end(callID: 1, .init(code: .ok)).encoded())
            let (frames, closed) = try await raw.exchange(RawConnection.preface + end)
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.message.contains("protocol violation"))
        }
    }

    @Test("an unsupported protocol version gets GOAWAY UNIMPLEMENTED")
    func unsupportedVersion() async throws {
        try await withServerAndClient { server, _ in
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(Array(buffer: Frame.preface(.init(version: 9)).encoded()))
            #expect(closed)
            #expect(frames == [.goAway(.init(lastCallID: 0, code: .unimplemented, message: "unsupported protocol version 9"))])
        }
    }

    @Test("a wrong message type gets INVALID_ARGUMENT and the connection goes on")
    func wrongMessageType() async throws {
        try await withServerAndClient { _, client in
            // Echo expects a TestMessage (at least 8 bytes); send 3 raw bytes under its name.
            let wrong = RPCMethod(
                TestMethods.echo.descriptor, kind: .unary, request: MessageCodec<[UInt8]>.rawBytes, response: MessageCodec<[UInt8]>.rawBytes)
            let error = await #expect(throws: RPCError.self) { try await client.unary(wrong, request: [1, 2, 3]) }
            #expect(error?.code == .invalidArgument)
            try await expectStillServing(client)
        }
    }

    @Test("an error that is not an RPCError becomes INTERNAL without its text")
    func internalErrorDoesNotLeak() async throws {
        try await withServerAndClient { _, client in
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.crash, request: TestMessage()) }
            #expect(error?.code == .internal)
            #expect(error?.message == "internal error")
            #expect(error?.message.contains("hunter2") == false)
        }
    }

    @Test("calls beyond the concurrency limit get RESOURCE_EXHAUSTED; the others complete")
    func concurrencyLimit() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxConcurrentCallsPerConnection = 2
        try await withServerAndClient(configuration: configuration) { server, client in
            async let first = client.unary(TestMethods.sleep, request: TestMessage(number: 300, text: "a"))
            async let second = client.unary(TestMethods.sleep, request: TestMessage(number: 300, text: "b"))
            #expect(await server.probe.waitUntil { $0.started.count == 2 })
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.echo, request: TestMessage()) }
            #expect(error?.code == .resourceExhausted)
            #expect(try await first.text == "a")
            #expect(try await second.text == "b")
            try await expectStillServing(client)
        }
    }

    @Test("cancelled calls whose handlers still run count against the concurrency limit")
    func cancelledButRunningHandlersCount() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxConcurrentCallsPerConnection = 2
        try await withServerAndClient(configuration: configuration) { server, client in
            // OPEN then CANCEL ends a call for the peer at once; its handler may run on. Without
            // counting those, a client could loop OPEN+CANCEL to start unbounded work.
            for name in ["s1", "s2"] {
                let task = Task { try await client.unary(TestMethods.stubborn, request: TestMessage(number: 60_000, text: name)) }
                #expect(await server.probe.waitUntil { $0.started.contains(name) })
                task.cancel()
                _ = await task.result
            }
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.echo, request: TestMessage()) }
            #expect(error?.code == .resourceExhausted)
            // Once the stubborn handlers finish, the connection serves again.
            server.probe.increment("release-stubborn")
            var served = false
            for _ in 0..<300 where !served {
                served = (try? await client.unary(TestMethods.echo, request: TestMessage(text: "again"))) != nil
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served)
        }
    }

    @Test("a peer that sends PINGs and never reads the PONGs is stopped by backpressure, not buffered without bound")
    func pingFloodWithoutReading() async throws {
        try await withServerAndClient { server, client in
            try await client.connect()
            // On a heavily loaded machine one flood has (rarely) run to its end with the server still
            // reading; the server must stop a flood in one of three attempts.
            var stopped = false
            for _ in 0..<3 where !stopped {
                stopped = try await Self.floodWithPings(port: server.port)
            }
            #expect(stopped, "three floods of 96 MiB of PINGs were read to their end without backpressure or a close")
            try await expectStillServing(client)
        }
    }

    /// Floods a fresh connection with PINGs without ever reading the PONGs; whether the server
    /// stopped it — its reads held (the writes stall) or the connection closed — rather than
    /// reading everything.
    static func floodWithPings(port: Int) async throws -> Bool {
        let raw = try await RawConnection.connect(port: port)
        let chunk: ByteBuffer = {
            var chunk = ByteBuffer()
            for opaque in 0..<3640 { Frame.ping(UInt64(opaque)).encode(into: &chunk) }
            return chunk
        }()
        let chunks = 1536  // 96 MiB of PINGs: far more than the kernel's socket buffers hold.
        let written = NIOLockedValueBox(0)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await raw.channel.executeThenClose { inbound, outbound in
                    // Holding the inbound side without reading it keeps its backpressure on: an inbound
                    // sequence nobody holds may be dropped, and the channel then reads (and discards) the
                    // PONGs, which keeps the server writable and the test from seeing it hold its reads.
                    let unread = inbound.makeAsyncIterator()
                    try await outbound.write(ByteBuffer(bytes: RawConnection.preface))
                    for _ in 0..<chunks {
                        try await outbound.write(chunk)
                        written.withLockedValue { $0 += 1 }
                    }
                    withExtendedLifetime(unread) {}
                }
            }
            // The writes stall once the server stops reading: its unread PONGs fill the pipes both ways.
            var last = -1
            var stalledFor = Duration.zero
            while stalledFor < .seconds(2) {
                try await Task.sleep(for: .milliseconds(250))
                let now = written.withLockedValue { $0 }
                if now == chunks { break }
                stalledFor = now == last ? stalledFor + .milliseconds(250) : .zero
                last = now
            }
            // Either the writes stalled, or the server dropped the flooding peer: neither buffers without bound.
            let stopped = written.withLockedValue { $0 } < chunks || !raw.channel.channel.isActive
            raw.channel.channel.close(promise: nil)
            group.cancelAll()
            try? await group.waitForAll()
            return stopped
        }
    }

}
