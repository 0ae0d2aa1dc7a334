import KeyplanWire
import Logging
import NIOCore
import Synchronization

/// One call that came through an HTTP gateway, as a route's handler sees it: requests already
/// received whole, responses in JSON, either held for the one answer or handed to the gateway's
/// stream one by one.
///
/// As on a connection, whoever ends the call first — the handler, the deadline, the client going
/// away — claims the end, and later attempts are dropped; the gateway waits for that end.
final class GatewayCall: RouteCall, Sendable {
    var encoding: MessageEncoding { .json }
    let inbox: MessageInbox
    let response = ResponseMetadata()
    private let maxResponseBytes: Int
    private let stream: (@Sendable (ByteBuffer) async throws -> Void)?
    private let state = Mutex(State())

    /// How the call ended: its `END`, the held response if it ended OK, the error that ended it.
    struct Outcome: Sendable {
        var end: Frame.End
        var response: ByteBuffer?
        var error: RPCError?
    }

    private struct State {
        var outcome: Outcome?
        var serverReason: RPCError?
        var heldResponse: ByteBuffer?
        var waiters: [CheckedContinuation<Outcome, Never>] = []
    }

    /// - Parameter stream: where each response of a streaming call goes; `nil` for single-response calls.
    init(requests: [ByteBuffer], maxResponseBytes: Int, stream: (@Sendable (ByteBuffer) async throws -> Void)?) {
        let inbox = MessageInbox(highWatermark: .max, onDrained: {})
        for request in requests { inbox.append(request) }
        inbox.finish()
        self.inbox = inbox
        self.maxResponseBytes = maxResponseBytes
        self.stream = stream
    }

    func send(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        guard let stream else { throw RPCError(code: .internal, message: "a single-response call sent a stream") }
        let message = try encode(writePayload)
        guard state.withLock({ $0.outcome == nil }) else { throw CancellationError() }
        try await stream(message)
    }

    func holdResponse(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        let message = try encode(writePayload)
        state.withLock { state in if state.outcome == nil { state.heldResponse = message } }
    }

    @discardableResult
    func finish(_ end: Frame.End, because reason: RPCError?) -> Bool {
        finish(end, because: reason, failure: nil)
    }

    /// Ends the call; `failure` is the error the handler's outcome was, kept with the `END` under the same lock,
    /// so that an end claimed meanwhile by the deadline or a cancel keeps its own status and no other error.
    private func finish(_ end: Frame.End, because reason: RPCError?, failure: RPCError?) -> Bool {
        let ended: (waiters: [CheckedContinuation<Outcome, Never>], outcome: Outcome)? = state.withLock { state in
            guard state.outcome == nil else { return nil }
            let error = end.code == .ok ? nil : (failure ?? RPCError(end: end))
            let outcome = Outcome(end: end, response: end.code == .ok ? state.heldResponse : nil, error: error)
            state.outcome = outcome
            state.serverReason = reason
            state.heldResponse = nil
            defer { state.waiters.removeAll() }
            return (state.waiters, outcome)
        }
        guard let ended else { return false }
        for waiter in ended.waiters { waiter.resume(returning: ended.outcome) }
        return true
    }

    /// Keeps the error itself, whose detail values a JSON answer shows, besides the `END` it stands for.
    func fail(_ error: any Error, logger: Logger) {
        let end = ServerCallExecution.end(for: error, trailers: response.trailers, logger: logger)
        var failure = (error as? any RPCErrorConvertible)?.rpcError ?? RPCError(end: end)
        failure.metadata = Metadata(fields: end.trailers)
        _ = finish(end, because: nil, failure: failure)
    }

    var endedByServer: RPCError? {
        state.withLock { $0.serverReason }
    }

    /// Waits until the call has ended, however it ended.
    func outcome() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ended: Outcome? = state.withLock { state in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    private func encode(_ writePayload: (inout ByteBuffer) throws -> Void) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try writePayload(&buffer)
        guard buffer.readableBytes <= maxResponseBytes else {
            throw RPCError(
                code: .resourceExhausted,
                message: "response message of \(buffer.readableBytes) bytes exceeds the gateway's limit of \(maxResponseBytes) bytes")
        }
        return buffer
    }
}
