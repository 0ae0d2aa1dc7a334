import KeyplanWire
import NIOCore
import Synchronization

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
final class ServerCall: RouteCall {
    let callID: UInt32
    var encoding: MessageEncoding { .binary }
    let inbox: MessageInbox
    let response: ResponseMetadata
    private let outbox: FrameOutbox<ServerOutbound>
    private let maxMessageSize: UInt32
    private let state = Mutex(State())

    private struct State {
        var ended = false
        /// Why the server itself ended the call (deadline, end of the shutdown grace period), if it did.
        var serverReason: RPCError?
        var headersSent = false
        /// A single-response call's message, encoded, waiting to go out with the `END` in one write.
        var heldResponse: ByteBuffer?

        /// Marks the call ended, for `reason` if the server ends it; `false` if it had ended.
        mutating func claimEnd(because reason: RPCError?) -> Bool {
            guard !ended else { return false }
            ended = true
            serverReason = reason
            heldResponse = nil
            return true
        }
    }

    init(callID: UInt32, inbox: MessageInbox, response: ResponseMetadata, outbox: FrameOutbox<ServerOutbound>, maxMessageSize: UInt32) {
        self.callID = callID
        self.inbox = inbox
        self.response = response
        self.outbox = outbox
        self.maxMessageSize = maxMessageSize
    }

    func send(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        try await outbox.waitUntilWritable()
        let message = try encodeMessage(writePayload)
        try state.withLock { state in
            guard !state.ended else { throw CancellationError() }
            try outbox.append(.frames(withHeadersIfFirst(message, &state)))
        }
    }

    /// Keeps the one response of a unary or client-streaming call, encoded now, to send with the call's
    /// `END` if it ends OK: one hop to the event loop and one write instead of two. Waits, as `send` does,
    /// while the client is not reading, so that unread responses do not pile up.
    func holdResponse(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        try await outbox.waitUntilWritable()
        let message = try encodeMessage(writePayload)
        state.withLock { state in if !state.ended { state.heldResponse = message } }
    }

    /// Ends the call with `end` (after initial metadata, if not yet sent, and the held response if it ends
    /// OK). `false` if it had ended. `reason` is given when the server, not the handler, ends the call.
    @discardableResult
    func finish(_ end: Frame.End, because reason: RPCError? = nil) -> Bool {
        var endFrame = ByteBuffer()
        Frame.end(callID: callID, end).encode(into: &endFrame)
        if endFrame.readableBytes - FrameHeader.size > Int(maxMessageSize) {
            // The client could not receive it at all (frames.md, "Settings"): send what it needs to act on.
            endFrame.clear()
            Frame.end(callID: callID, Self.cut(end)).encode(into: &endFrame)
        }
        return state.withLock { state in
            let held = state.heldResponse
            guard state.claimEnd(because: reason) else { return false }
            var buffer: ByteBuffer
            if end.code == .ok, let held {
                buffer = withHeadersIfFirst(held, &state)
                buffer.writeBuffer(&endFrame)
            } else {
                buffer = withHeadersIfFirst(endFrame, &state)
            }
            try? outbox.append(.end(callID: callID, buffer))
            return true
        }
    }

    /// Marks the call ended without sending anything (it was cancelled, or the caller writes the `END`
    /// itself). `false` if it had ended.
    func claimEnd(because reason: RPCError? = nil) -> Bool {
        state.withLock { $0.claimEnd(because: reason) }
    }

    /// Why the server ended the call before its handler did, if it did: the handler's own outcome after
    /// that (usually a `CancellationError`) is a consequence, and interceptors should see the reason.
    var endedByServer: RPCError? {
        state.withLock { $0.serverReason }
    }

    /// A shorter `END` for one whose encoding exceeds the client's MAX_FRAME_SIZE (at least 16 KiB): the
    /// same code, the message cut to 1 KiB, details and trailers dropped.
    static func cut(_ end: Frame.End) -> Frame.End {
        Frame.End(
            code: end.code, message: RPCRouter.excerpt(end.message, maxBytes: maxCutMessageBytes) + " [status cut to fit the client's MAX_FRAME_SIZE]"
        )
    }

    /// The longest message kept from a status too large for the client's frames.
    static let maxCutMessageBytes = 1024

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
    /// small and must precede the first message, so it is encoded here, under the lock (`state` is the locked state).
    private func withHeadersIfFirst(_ frames: ByteBuffer, _ state: inout State) -> ByteBuffer {
        guard !state.headersSent else { return frames }
        state.headersSent = true
        let headers = response.headers
        guard !headers.isEmpty else { return frames }
        var buffer = ByteBuffer()
        Frame.headers(callID: callID, headers.fields).encode(into: &buffer)
        var frames = frames
        buffer.writeBuffer(&frames)
        return buffer
    }
}
