import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore

/// What a server connection writes, carried from handler tasks to its event loop.
enum ServerOutbound: FrameOutboxItem {
    /// Frames of a call still running.
    case frames(ByteBuffer)
    /// The call's last frames, ending with `END`: the connection can forget the call.
    case end(callID: UInt32, ByteBuffer)

    var byteCount: Int {
        switch self {
        case .frames(let buffer), .end(_, let buffer): return buffer.readableBytes
        }
    }
}

/// One call on the server, as its handler's task sees it: requests in, responses out, one end.
///
/// Whoever ends the call first — the handler, the deadline timer, a cancel — claims the end;
/// later attempts are dropped, so a call ends exactly once. Messages are encoded (the serializer
/// runs) before the lock is taken; under it, only the order of what goes out is decided.
final class ServerCall: MessageSink, @unchecked Sendable {
    let callID: UInt32
    let inbox: MessageInbox
    let response: ResponseMetadata
    private let outbox: FrameOutbox<ServerOutbound>
    private let maxMessageSize: UInt32
    private let lock = NIOLock()
    private var ended = false
    private var headersSent = false
    /// A single-response call's message, encoded, waiting to go out with the `END` in one write.
    private var heldResponse: ByteBuffer?

    init(callID: UInt32, inbox: MessageInbox, response: ResponseMetadata, outbox: FrameOutbox<ServerOutbound>, maxMessageSize: UInt32) {
        self.callID = callID
        self.inbox = inbox
        self.response = response
        self.outbox = outbox
        self.maxMessageSize = maxMessageSize
    }

    func requests<Request>(_ deserializer: any MessageDeserializer<Request>) -> MessageStream<Request> {
        MessageStream(inbox: inbox, deserializer: deserializer, undecodableCode: .invalidArgument)
    }

    func responses<Response>(_ serializer: any MessageSerializer<Response>) -> MessageWriter<Response> {
        MessageWriter(sink: self, serializer: serializer)
    }

    func send(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        try await outbox.waitUntilWritable()
        let message = try encodeMessage(writePayload)
        try lock.withLock {
            guard !ended else { throw CancellationError() }
            try outbox.append(.frames(withHeadersIfFirstLocked(message)))
        }
    }

    /// Keeps the one response of a unary or client-streaming call, encoded now, to send with the call's
    /// `END` if it ends OK: one hop to the event loop and one write instead of two. Waits, as `send` does,
    /// while the client is not reading, so that unread responses do not pile up.
    func holdResponse(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        try await outbox.waitUntilWritable()
        let message = try encodeMessage(writePayload)
        lock.withLock { if !ended { heldResponse = message } }
    }

    /// Ends the call with `end` (after initial metadata, if not yet sent, and the held response if it ends
    /// OK). `false` if it had ended.
    @discardableResult
    func finish(_ end: Frame.End) -> Bool {
        var endFrame = ByteBuffer()
        Frame.end(callID: callID, end).encode(into: &endFrame)
        return lock.withLock {
            let held = heldResponse
            guard claimEndLocked() else { return false }
            var buffer: ByteBuffer
            if end.code == .ok, let held {
                buffer = withHeadersIfFirstLocked(held)
                buffer.writeBuffer(&endFrame)
            } else {
                buffer = withHeadersIfFirstLocked(endFrame)
            }
            try? outbox.append(.end(callID: callID, buffer))
            return true
        }
    }

    /// Marks the call ended without sending anything (it was cancelled). `false` if it had ended.
    func claimEnd() -> Bool {
        lock.withLock { claimEndLocked() }
    }

    private func claimEndLocked() -> Bool {
        guard !ended else { return false }
        ended = true
        heldResponse = nil
        return true
    }

    /// One response message as a `MESSAGE` frame, within the client's frame limit.
    private func encodeMessage(_ writePayload: (inout ByteBuffer) throws -> Void) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        do {
            try Frame.encodeMessage(callID: callID, maxPayloadSize: maxMessageSize, into: &buffer, writePayload: writePayload)
        } catch let FrameError.frameTooLarge(length, limit) {
            throw RPCError(code: .resourceExhausted, message: "response message of \(length) bytes exceeds the client's limit of \(limit) bytes")
        }
        return buffer
    }

    /// `frames` preceded by the call's initial metadata if nothing has gone out yet. The `HEADERS` frame is
    /// small and must precede the first message, so it is encoded here, under the lock.
    private func withHeadersIfFirstLocked(_ frames: ByteBuffer) -> ByteBuffer {
        guard !headersSent else { return frames }
        headersSent = true
        let headers = response.headers
        guard !headers.isEmpty else { return frames }
        var buffer = ByteBuffer()
        Frame.headers(callID: callID, headers.fields).encode(into: &buffer)
        var frames = frames
        buffer.writeBuffer(&frames)
        return buffer
    }
}
