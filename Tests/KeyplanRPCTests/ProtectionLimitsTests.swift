import KeyplanRPC
import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// The server's bounds on what clients make it hold — connections, buffered requests, metadata,
/// call time — and the client keeping to the server's limits, over loopback.
@Suite("Protection limits")
struct ProtectionLimitsTests {
    @Test("all calls of a connection together buffer at most its budget; reading resumes as handlers consume")
    func connectionBudget() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxBufferedRequestBytesPerCall = 8 << 20  // no call reaches its own limit
        configuration.limits.maxBufferedRequestBytesPerConnection = 256 << 10
        try await withServerAndClient(configuration: configuration) { server, client in
            // A call whose handler reads nothing yet is sent 2 MiB: far under its own limit, far over the budget.
            let written = NIOLockedValueBox(0)
            let held = Task {
                try await client.clientStreaming(TestMethods.hold) { writer in
                    for _ in 0..<32 {
                        try await writer.write([UInt8](repeating: 1, count: 64 << 10))
                        written.withLockedValue { $0 += 1 }
                    }
                }.message
            }
            #expect(await server.probe.waitUntil { $0.started.contains("Hold") })
            // Let the client hand over all it can, so that the next call's frames queue behind it.
            var last = -1
            while written.withLockedValue({ $0 }) < 32 && written.withLockedValue({ $0 }) != last {
                last = written.withLockedValue { $0 }
                try await Task.sleep(for: .milliseconds(500))
            }
            // Another call on the connection, whose handler reads at once: its frames wait in the socket behind
            // the held call's, because the server stopped reading at the budget. (That head-of-line blocking
            // is the price of the bound.)
            let promptDone = NIOLockedValueBox(false)
            let prompt = Task {
                defer { promptDone.withLockedValue { $0 = true } }
                return try await client.clientStreaming(TestMethods.streamingInput) { writer in
                    try await writer.write([1, 2, 3])
                }.message
            }
            try await Task.sleep(for: .milliseconds(1000))
            #expect(!promptDone.withLockedValue { $0 }, "the server read past its budget: another call was served while 2 MiB sat unread")
            server.probe.increment("release")
            let heldResult = try await held.value
            #expect(heldResult.number == 32)
            #expect(heldResult.text == "\(32 << 16)")
            #expect(try await prompt.value.number == 3)
            try await expectStillServing(client)
        }
    }

    @Test("keepalive does not close a connection while its reads are held for a slow handler")
    func keepaliveWhileReadsHeld() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxBufferedRequestBytesPerCall = 64 << 10
        configuration.timeouts.keepaliveInterval = .milliseconds(200)
        // Long enough for a real client on a busy machine to answer the pings sent while reads flow.
        configuration.timeouts.keepaliveTimeout = .seconds(1)
        try await withServerAndClient(configuration: configuration) { server, client in
            async let response = client.clientStreaming(TestMethods.hold) { writer in
                for _ in 0..<32 { try await writer.write([UInt8](repeating: 2, count: 64 << 10)) }
            }
            #expect(await server.probe.waitUntil { $0.started.contains("Hold") })
            // The server holds reads (the call is over its 64 KiB); its peer's PONGs would wait unread.
            // More than a keepalive interval and timeout pass before the handler consumes.
            try await Task.sleep(for: .milliseconds(2500))
            server.probe.increment("release")
            let message = try await response.message
            #expect(message.number == 32)
        }
    }

    @Test("connections beyond the server's limit get GOAWAY RESOURCE_EXHAUSTED; a freed slot serves again")
    func connectionLimit() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxConnections = 2
        let server = try await TestServer.start(configuration: configuration)
        let first = server.client()
        let second = server.client()
        try await first.connect()
        try await second.connect()

        let raw = try await RawConnection.connect(port: server.port)
        // Nothing sent: the refusal comes at once, and a write could race the server's close.
        let (frames, closed) = try await raw.exchange([])
        #expect(closed)
        #expect(frames.count == 1)
        guard case .goAway(let goAway)? = frames.first else {
            Issue.record("expected GOAWAY, got \(frames)")
            return
        }
        #expect(goAway.code == .resourceExhausted)
        #expect(goAway.message.contains("too many connections"))

        let refused = server.client { $0.backoff.maxAttempts = 1 }
        let error = await #expect(throws: RPCError.self) { try await refused.connect() }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("too many connections") == true)
        try await expectStillServing(first)

        await first.close()
        let third = server.client()
        var served = false
        for _ in 0..<100 where !served {
            served = (try? await third.unary(TestMethods.echo, request: TestMessage(text: "in"))) != nil
            if !served { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(served)
        await refused.close()
        await second.close()
        await third.close()
        await server.stop()
    }

    @Test("request metadata over the limit ends the call with RESOURCE_EXHAUSTED; the connection goes on")
    func metadataLimit() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxMetadataSize = 4096
        try await withServerAndClient(configuration: configuration) { _, client in
            let fits = CallOptions(metadata: ["x-fits": String(repeating: "a", count: 3000)])
            #expect(try await client.unary(TestMethods.echo, request: TestMessage(text: "ok"), options: fits).text == "ok")
            let tooMuch = CallOptions(metadata: ["x-big": String(repeating: "a", count: 5000)])
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(TestMethods.echo, request: TestMessage(), options: tooMuch)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("metadata") == true)
            // Many small fields count too (each costs 32 bytes besides its name and value).
            var many = Metadata()
            for index in 0..<200 { many.add("x-\(index)", "") }
            let manyError = await #expect(throws: RPCError.self) {
                try await client.unary(TestMethods.echo, request: TestMessage(), options: CallOptions(metadata: many))
            }
            #expect(manyError?.code == .resourceExhausted)
            try await expectStillServing(client)
        }
    }

    @Test("a call without a client deadline ends at the server's maximum call duration")
    func maxCallDuration() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.maxCallDuration = .milliseconds(300)
        try await withServerAndClient(configuration: configuration) { server, client in
            // The handler's cancellation can only be seen if it started: on a loaded full run the 300 ms may pass
            // before the handler task ran and took its request, so a round whose handler never started is tried again.
            var checked = false
            for round in 0..<5 where !checked {
                let name = "endless-\(round)"
                let start = ContinuousClock.now
                let error = await #expect(throws: RPCError.self) {
                    try await client.unary(TestMethods.sleep, request: TestMessage(number: 30_000, text: name))
                }
                #expect(error?.code == .deadlineExceeded)
                #expect(error?.message.contains("maximum call duration") == true)
                #expect(ContinuousClock.now - start < .seconds(10))
                guard await server.probe.waitUntil(timeout: .seconds(2), { $0.started.contains(name) }) else { continue }
                #expect(await server.probe.waitUntil { $0.cancelled.contains(name) })
                checked = true
            }
            #expect(checked, "the handler never started in five rounds")
            // A shorter client deadline still wins.
            let short = await #expect(throws: RPCError.self) {
                try await client.unary(
                    TestMethods.sleep, request: TestMessage(number: 30_000, text: "short"), options: CallOptions(timeout: .milliseconds(100)))
            }
            #expect(short?.code == .deadlineExceeded)
            #expect(short?.message.contains("maximum call duration") == false)
        }
    }

    @Test("a slow serializer does not stall the connection's event loop when the call's deadline passes")
    func serializationOutsideTheCallLock() async throws {
        try await withServerAndClient { server, client in
            // The response takes 9 s to serialize; the deadline passes after 3 s and ends the call from the
            // event loop, which must not wait for the serializer to do so: the echo at 3.5 s comes back within
            // 4.5 s, before the serializer is done (a stalled loop would take 5.5 s or more). The check needs a
            // handler that started before its deadline; a loaded full run has dispatched it too late, so a round
            // whose handler did not start within 2.5 s is tried again. (Longer blocks one of the cooperative
            // pool's threads longer.)
            var checked = false
            for _ in 0..<5 where !checked {
                let startedBefore = server.probe.started.filter { $0 == "SlowSerialization" }.count
                let start = ContinuousClock.now
                async let slow: Void = {
                    _ = try? await client.serverStreaming(
                        TestMethods.slowSerialization, request: TestMessage(number: 9000), options: CallOptions(timeout: .seconds(3))
                    ) { response in
                        for try await _ in response.messages {}
                    }
                }()
                let started = await server.probe.waitUntil(timeout: .seconds(3)) {
                    $0.started.filter { $0 == "SlowSerialization" }.count > startedBefore
                }
                if started, ContinuousClock.now - start < .milliseconds(2500) {
                    try await Task.sleep(until: start + .milliseconds(3500))
                    let echoStart = ContinuousClock.now
                    try await expectStillServing(client)
                    #expect(ContinuousClock.now - echoStart < .milliseconds(4500))
                    checked = true
                }
                await slow
            }
            #expect(checked, "the slow handler never started in time to be checked")
        }
    }

    @Test("UNIMPLEMENTED does not echo a huge method or service name")
    func longMethodNameTruncated() async throws {
        try await withServerAndClient { _, client in
            let longName = String(repeating: "x", count: 100_000)
            for descriptor in [
                MethodDescriptor(service: "keyplan.test.TestService", method: longName),
                MethodDescriptor(service: longName, method: "Echo"),
            ] {
                let method = RPCMethod(descriptor, kind: .unary, request: TestMessage.codec, response: TestMessage.codec)
                let error = await #expect(throws: RPCError.self) { try await client.unary(method, request: TestMessage()) }
                #expect(error?.code == .unimplemented)
                #expect((error?.message.utf8.count ?? .max) < 300)
                #expect(error?.message.contains("100000 bytes") == true)
            }
            try await expectStillServing(client)
        }
    }

    @Test("the client keeps to the server's MAX_CONCURRENT_CALLS: a call beyond it fails locally, unsent")
    func clientHonoursMaxConcurrentCalls() async throws {
        var configuration = TestServer.configuration
        configuration.limits.maxConcurrentCallsPerConnection = 2
        try await withServerAndClient(configuration: configuration) { server, client in
            async let first = client.unary(TestMethods.sleep, request: TestMessage(number: 500, text: "a"))
            async let second = client.unary(TestMethods.sleep, request: TestMessage(number: 500, text: "b"))
            #expect(await server.probe.waitUntil { $0.started.count == 2 })
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.sleep, request: TestMessage(text: "c")) }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("not sent") == true)
            #expect(try await first.text == "a")
            #expect(try await second.text == "b")
            #expect(!server.probe.started.contains("c"))
            try await expectStillServing(client)
        }
    }

    @Test("a connection refused before it opens fails with UNAVAILABLE instead of hanging or leaking its handshake")
    func refusedConnection() async throws {
        let server = try await TestServer.start()
        let port = server.port
        await server.stop()
        let client = RPCClient(
            configuration: {
                var configuration = ClientConfiguration(host: "127.0.0.1", port: port)
                configuration.backoff = .init(initial: .milliseconds(10), multiplier: 1, maximum: .milliseconds(10), jitter: 0, maxAttempts: 2)
                return configuration
            }())
        let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.echo, request: TestMessage()) }
        #expect(error?.code == .unavailable)
        await client.close()
    }
}
