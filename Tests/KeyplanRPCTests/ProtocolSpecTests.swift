import KeyplanRPC
import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// Cases `Protocols/frames.md` specifies that a second implementation relies on, checked against a real
/// server over loopback.
@Suite("Protocol cases specified in frames.md")
struct ProtocolSpecTests {
    @Test("a Watch still open when the shutdown grace period ends gets END UNAVAILABLE with a retry hint, and interceptors see UNAVAILABLE")
    func streamCutAtGraceEnd() async throws {
        let seen = StatusRecorder()
        var configuration = TestServer.configuration
        configuration.timeouts.shutdownGracePeriod = .milliseconds(300)
        let server = try await TestServer.start(configuration: configuration, interceptors: [seen])
        let client = server.client()
        let watching = Task {
            try await client.serverStreaming(TestMethods.watch, request: TestMessage(text: "w")) { response in
                var received = 0
                for try await _ in response.messages { received += 1 }
                return received
            }
        }
        #expect(await server.probe.waitUntil { $0.started.contains("Watch") })
        await server.stop()
        let error = await #expect(throws: RPCError.self) { try await watching.value }
        #expect(error?.code == .unavailable)
        // Only the server's END carries these: a lost connection fails the call with neither.
        #expect(error?.metadata["retry-after-ms"] == "0")
        #expect(error?.message.contains("grace period") == true)
        #expect(await server.probe.waitUntil { $0.cancelled.contains("Watch") })
        #expect(await seen.wait(for: TestMethods.watch.descriptor.fullName) == .unavailable)
        await client.close()
    }

    @Test("a timeout of 0 has expired on arrival: END DEADLINE_EXCEEDED, and the handler never runs")
    func zeroTimeout() async throws {
        try await withServerAndClient { server, client in
            try await client.connect()
            var request = ByteBuffer()
            TestMessage.Coder().serialize(TestMessage(number: 10, text: "zero"), into: &request)
            let frames: [Frame] = [
                .open(callID: 1, .init(method: TestMethods.sleep.descriptor.fullName, timeoutMicroseconds: 0)),
                .message(callID: 1, request),
                .halfClose(callID: 1),
            ]
            let raw = try await RawConnection.connect(port: server.port)
            let (received, _) = try await raw.exchange(RawConnection.preface + frames.flatMap { Array(buffer: $0.encoded()) }) {
                if case .end = $0 { true } else { false }
            }
            guard case .end(1, let end)? = received.last else {
                Issue.record("expected END, got \(received)")
                return
            }
            #expect(end.code == .deadlineExceeded)
            // A handler that ran would have recorded its start at once; give it the time to.
            try await Task.sleep(for: .milliseconds(200))
            #expect(!server.probe.started.contains("zero"))
            try await expectStillServing(client)
        }
    }

    @Test("a MAX_FRAME_SIZE below 16,384 is a protocol violation: GOAWAY INTERNAL naming it, and a close")
    func maxFrameSizeBelowMinimum() async throws {
        try await withServerAndClient { server, client in
            try await client.connect()
            let settings = Frame.settings(.init(values: [.init(id: Frame.Settings.Setting.maxFrameSizeID, value: 64)]))
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(Array(buffer: Frame.preface(.init()).encoded()) + Array(buffer: settings.encoded()))
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code == .internal)
            #expect(goAway.message == "protocol violation: MAX_FRAME_SIZE of 64 is below the minimum of 16384")
            try await expectStillServing(client)
        }
    }

    @Test("a MAX_FRAME_SIZE of exactly 16,384 is accepted")
    func maxFrameSizeAtMinimum() async throws {
        try await withServerAndClient { server, _ in
            let settings = Frame.settings(.init(values: [.init(id: Frame.Settings.Setting.maxFrameSizeID, value: 16_384)]))
            let ping = Frame.ping(0x0102_0304_0506_0708)
            let raw = try await RawConnection.connect(port: server.port)
            let bytes = [Frame.preface(.init()), settings, ping].flatMap { Array(buffer: $0.encoded()) }
            let (frames, _) = try await raw.exchange(bytes) { if case .pong = $0 { true } else { false } }
            #expect(frames.contains(.pong(0x0102_0304_0506_0708)))
            #expect(frames.contains(.settings(.ack)))
        }
    }

    @Test("a client configured below the minimum announces 16,384 and gets answers longer than its setting")
    func clientRaisesItsFrameSize() async throws {
        try await withServerAndClient { server, _ in
            let client = server.client { $0.maxFrameSize = 64 }
            let text = String(repeating: "y", count: 1000)
            let echoed = try await client.unary(TestMethods.echo, request: TestMessage(text: text))
            #expect(echoed.text == text)
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(TestMethods.fail, request: TestMessage(number: 8, text: String(repeating: "z", count: 100)))
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.count == 100)
            await client.close()
        }
    }

    @Test("an END larger than the client's MAX_FRAME_SIZE is cut to fit: same code, message cut to 1 KiB, no details")
    func endCutToFit() async throws {
        try await withServerAndClient { server, _ in
            let client = server.client { $0.maxFrameSize = 16_384 }
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(TestMethods.fail, request: TestMessage(number: 9, text: String(repeating: "é", count: 10_000)))
            }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.message == String(repeating: "é", count: 512) + "… (20000 bytes) [status cut to fit the client's MAX_FRAME_SIZE]")
            #expect(error?.details.isEmpty == true)
            try await expectStillServing(client)
            await client.close()
        }
    }

    @Test("UNIMPLEMENTED cuts a long name to whole scalars within 128 bytes, then '… (N bytes)'")
    func unimplementedExcerpt() async throws {
        try await withServerAndClient { _, client in
            // 2-byte scalars: 64 fit in 128 bytes. A 3-byte one after 127 ASCII bytes does not fit at all.
            let cases = [
                (String(repeating: "é", count: 200), String(repeating: "é", count: 64) + "… (400 bytes)"),
                (String(repeating: "a", count: 127) + "€x", String(repeating: "a", count: 127) + "… (131 bytes)"),
                (String(repeating: "b", count: 128), String(repeating: "b", count: 128)),
            ]
            for (name, excerpt) in cases {
                let method = RPCMethod(
                    MethodDescriptor(service: "keyplan.test.TestService", method: name), kind: .unary,
                    request: TestMessage.codec, response: TestMessage.codec)
                let error = await #expect(throws: RPCError.self) { try await client.unary(method, request: TestMessage()) }
                #expect(error?.code == .unimplemented)
                #expect(error?.message == "unknown method \(excerpt) of service keyplan.test.TestService")
            }
        }
    }

    @Test("a frame that does not finish within the frame timeout gets GOAWAY RESOURCE_EXHAUSTED saying so, then a close")
    func slowFrame() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.frame = .milliseconds(200)
        try await withServerAndClient(configuration: configuration) { server, client in
            try await client.connect()
            let open = Array(buffer: Frame.open(callID: 1, .init(method: "keyplan.test.TestService/Echo")).encoded())
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(RawConnection.preface + open.dropLast(3))
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code == .resourceExhausted)
            #expect(goAway.lastCallID == 0)
            #expect(goAway.message.hasPrefix("a frame took longer than"))
            try await expectStillServing(client)
        }
    }
}

/// Records the status each method's call ended with, as interceptors (logging, metrics) see it.
final class StatusRecorder: ServerInterceptor, Sendable {
    private let codes = NIOLockedValueBox([String: StatusCode]())

    func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        do {
            try await next(context)
            codes.withLockedValue { $0[context.method.fullName] = .ok }
        } catch {
            let code = (error as? any RPCErrorConvertible)?.rpcError.code ?? .internal
            codes.withLockedValue { $0[context.method.fullName] = code }
            throw error
        }
    }

    /// The code `method` ended with, once it has (bounded wait).
    func wait(for method: String) async -> StatusCode? {
        for _ in 0..<500 {
            if let code = codes.withLockedValue({ $0[method] }) { return code }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}
