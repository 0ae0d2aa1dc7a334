import Dispatch
import Foundation
import KeyplanRPC
import NIOConcurrencyHelpers
import NIOCore

/// A small hand-encoded message: a number and a text (u64 big-endian, then UTF-8).
struct TestMessage: Hashable, Sendable {
    var number: Int64
    var text: String

    init(number: Int64 = 0, text: String = "") {
        self.number = number
        self.text = text
    }

    struct Coder: MessageSerializer, MessageDeserializer {
        struct Malformed: Error {}

        func serialize(_ message: TestMessage, into buffer: inout ByteBuffer) {
            buffer.writeInteger(message.number)
            buffer.writeString(message.text)
        }

        func deserialize(_ bytes: ByteBuffer) throws -> TestMessage {
            var bytes = bytes
            guard let number = bytes.readInteger(as: Int64.self),
                let text = String(validating: bytes.readableBytesView, as: UTF8.self)
            else { throw Malformed() }
            return TestMessage(number: number, text: text)
        }
    }

    static let codec = MessageCodec(Coder())

    /// Like ``Coder``, but serializing a message blocks its thread for `number` milliseconds: a
    /// serializer doing heavy synchronous work.
    struct SlowCoder: MessageSerializer, MessageDeserializer {
        func serialize(_ message: TestMessage, into buffer: inout ByteBuffer) {
            Thread.sleep(forTimeInterval: Double(message.number) / 1000)
            Coder().serialize(message, into: &buffer)
        }

        func deserialize(_ bytes: ByteBuffer) throws -> TestMessage {
            try Coder().deserialize(bytes)
        }
    }

    static let slowCodec = MessageCodec(SlowCoder())
}

/// What handlers saw, for tests to check from outside: cancellations, progress.
final class Probe: Sendable {
    private let state = NIOLockedValueBox((cancelled: [String](), counters: [String: Int](), started: [String]()))

    func recordCancelled(_ name: String) { state.withLockedValue { $0.cancelled.append(name) } }
    func recordStarted(_ name: String) { state.withLockedValue { $0.started.append(name) } }
    func increment(_ name: String) { state.withLockedValue { $0.counters[name, default: 0] += 1 } }
    var cancelled: [String] { state.withLockedValue { $0.cancelled } }
    var started: [String] { state.withLockedValue { $0.started } }
    func count(_ name: String) -> Int { state.withLockedValue { $0.counters[name] ?? 0 } }

    /// Waits (bounded) until `condition` holds.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: @Sendable (Probe) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(self)
    }
}

/// The methods of the interop-style test service, `keyplan.test.TestService`.
enum TestMethods {
    static func method<Request, Response>(
        _ name: String, _ kind: CallKind, _ request: MessageCodec<Request>, _ response: MessageCodec<Response>
    ) -> RPCMethod<Request, Response> {
        RPCMethod(MethodDescriptor(service: "keyplan.test.TestService", method: name), kind: kind, request: request, response: response)
    }

    static let emptyCall = method("EmptyCall", .unary, .rawBytes, .rawBytes)
    /// Request: u32 response size + padding; response: that many bytes.
    static let largeUnary = method("LargeUnary", .unary, .rawBytes, .rawBytes)
    static let echo = method("Echo", .unary, TestMessage.codec, TestMessage.codec)
    /// Streams `number` responses numbered 0..<number, each `text` long in bytes if given.
    static let streamingOutput = method("StreamingOutput", .serverStreaming, TestMessage.codec, TestMessage.codec)
    /// Sums the sizes of the requests.
    static let streamingInput = method("StreamingInput", .clientStreaming, MessageCodec<[UInt8]>.rawBytes, TestMessage.codec)
    /// Echoes each request as it comes.
    static let fullDuplex = method("FullDuplex", .bidirectionalStreaming, TestMessage.codec, TestMessage.codec)
    /// Sleeps until cancelled (or `number` ms), then answers.
    static let sleep = method("Sleep", .unary, TestMessage.codec, TestMessage.codec)
    /// Fails with status `number` and message `text`.
    static let fail = method("Fail", .unary, TestMessage.codec, TestMessage.codec)
    /// Waits until released (the probe's `release-stubborn`) or `number` ms pass, deaf to cancellation, like a handler
    /// stuck in uncancellable work.
    static let stubborn = method("Stubborn", .unary, TestMessage.codec, TestMessage.codec)
    /// Throws an error that is not an RPCError.
    static let crash = method("Crash", .unary, TestMessage.codec, TestMessage.codec)
    /// Reports the principal an interceptor set.
    static let whoAmI = method("WhoAmI", .unary, TestMessage.codec, TestMessage.codec)
    /// Streams `number` messages of `text.count` KiB each as fast as the client takes them.
    static let flood = method("Flood", .serverStreaming, TestMessage.codec, MessageCodec<[UInt8]>.rawBytes)
    /// Reads no request until the probe's `release` counter is set, then returns the number of requests
    /// and their total size in `text`.
    static let hold = method("Hold", .clientStreaming, MessageCodec<[UInt8]>.rawBytes, TestMessage.codec)
    /// Answers the request with one response whose serialization blocks for `number` ms.
    static let slowSerialization = method("SlowSerialization", .serverStreaming, TestMessage.codec, TestMessage.slowCodec)
    /// Like a live-updates watch: streams one message, then stays open, sending nothing, until cancelled.
    static let watch = method("Watch", .serverStreaming, TestMessage.codec, TestMessage.codec)
    /// A method the server does not register.
    static let missing = method("Missing", .unary, TestMessage.codec, TestMessage.codec)
    /// A service the server does not have.
    static let missingService = RPCMethod(
        MethodDescriptor(service: "keyplan.test.Nowhere", method: "Echo"), kind: .unary, request: TestMessage.codec, response: TestMessage.codec)
}

struct TestPrincipal: RPCPrincipal {
    var id: String
}

/// Implements ``TestMethods``.
struct TestService: RPCService {
    let probe: Probe

    func registerMethods(with router: inout RPCRouter) {
        let probe = self.probe
        router.registerUnary(TestMethods.emptyCall) { request, _ in
            guard request.isEmpty else { throw RPCError(code: .invalidArgument, message: "expected an empty request") }
            return []
        }
        router.registerUnary(TestMethods.largeUnary) { request, _ in
            var buffer = ByteBuffer(bytes: request)
            guard let size = buffer.readInteger(as: UInt32.self) else { throw RPCError(code: .invalidArgument, message: "no size") }
            return [UInt8](repeating: 0x5A, count: Int(size))
        }
        router.registerUnary(TestMethods.echo) { request, context in
            echoMetadata(context)
            return request
        }
        router.registerServerStreaming(TestMethods.streamingOutput) { request, writer, context in
            echoMetadata(context)
            for index in 0..<request.number {
                try await writer.write(TestMessage(number: index, text: request.text))
            }
        }
        router.registerClientStreaming(TestMethods.streamingInput) { requests, context in
            echoMetadata(context)
            var total = 0
            for try await request in requests { total += request.count }
            return TestMessage(number: Int64(total))
        }
        router.registerBidirectionalStreaming(TestMethods.fullDuplex) { requests, writer, context in
            echoMetadata(context)
            probe.recordStarted("FullDuplex")
            do {
                for try await request in requests {
                    try await writer.write(request)
                }
            } catch {
                if Task.isCancelled { probe.recordCancelled("FullDuplex") }
                throw error
            }
        }
        router.registerUnary(TestMethods.sleep) { request, _ in
            probe.recordStarted(request.text)
            do {
                try await Task.sleep(for: .milliseconds(request.number))
            } catch {
                probe.recordCancelled(request.text)
                throw error
            }
            return request
        }
        router.registerUnary(TestMethods.stubborn) { request, _ in
            probe.recordStarted(request.text)
            // Deaf to cancellation (a detached task's value): runs until the probe's `release-stubborn` counter is
            // set, or `number` ms pass, so a test controls how long it outlives its call, however loaded the machine.
            _ = await Task.detached {
                await probe.waitUntil(timeout: .milliseconds(Int(request.number))) { $0.count("release-stubborn") > 0 }
            }.value
            return request
        }
        router.registerUnary(TestMethods.fail) { request, context in
            echoMetadata(context)
            throw RPCError(
                code: StatusCode(rawValue: UInt8(request.number)), message: request.text,
                details: [.init(typeName: "keyplan.test.Detail", value: [1, 2, 3])])
        }
        router.registerUnary(TestMethods.crash) { _, _ in
            struct DatabaseExploded: Error { let secret = "password=hunter2" }
            throw DatabaseExploded()
        }
        router.registerUnary(TestMethods.whoAmI) { _, context in
            TestMessage(text: context.principal(as: TestPrincipal.self)?.id ?? "anonymous")
        }
        router.registerClientStreaming(TestMethods.hold) { requests, _ in
            probe.recordStarted("Hold")
            guard await probe.waitUntil(timeout: .seconds(60), { $0.count("release") > 0 }) else {
                throw RPCError(code: .deadlineExceeded, message: "never released")
            }
            var count = 0
            var bytes = 0
            for try await request in requests {
                count += 1
                bytes += request.count
            }
            return TestMessage(number: Int64(count), text: "\(bytes)")
        }
        router.registerServerStreaming(TestMethods.slowSerialization) { request, writer, _ in
            probe.recordStarted("SlowSerialization")
            try await writer.write(request)
        }
        router.registerServerStreaming(TestMethods.watch) { request, writer, _ in
            try await writer.write(request)
            probe.recordStarted("Watch")
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                probe.recordCancelled("Watch")
                throw error
            }
        }
        router.registerServerStreaming(TestMethods.flood) { request, writer, _ in
            let message = [UInt8](repeating: 7, count: request.text.count * 1024)
            for _ in 0..<request.number {
                try await writer.write(message)
                probe.increment("flood")
            }
        }
    }

    /// `x-echo-initial` comes back as initial metadata, `x-echo-trailing-bin` as a trailer.
    private func echoMetadata(_ context: ServerContext) {
        if let initial = context.metadata["x-echo-initial"] {
            context.response.headers.add("x-echo-initial", initial)
        }
        for case .binary(let bytes) in context.metadata.values("x-echo-trailing-bin") {
            context.response.trailers.add("x-echo-trailing-bin", bytes: bytes)
        }
    }
}
