import KeyplanWire
import NIOCore
import Synchronization

/// What a client connection writes, carried from calling tasks to its event loop.
enum ClientOutbound: FrameOutboxItem {
    /// A new call's first frames, starting with `OPEN`.
    case open(ClientCall, ByteBuffer)
    /// Further frames of a call.
    case frames(ByteBuffer)
    /// The caller abandoned the call: send `CANCEL` unless it has ended.
    case cancel(callID: UInt32)

    var byteCount: Int {
        switch self {
        case .open(_, let buffer), .frames(let buffer): return buffer.readableBytes
        case .cancel: return FrameHeader.size
        }
    }
}

/// One call on the client: requests out, responses, initial metadata and the end in.
final class ClientCall: MessageSink {
    let callID: UInt32
    let deadline: Deadline?
    let inbox: MessageInbox
    private let outbox: FrameOutbox<ClientOutbound>
    private let maxMessageSize: @Sendable () -> UInt32
    private let state = Mutex(State())

    private struct State {
        var headers = Metadata()
        var end: Frame.End?
        var failure: RPCError?
        var sent = false
        var refusedByGoAway = false
    }
    /// Called once, when the call ends on this side (its `END` arrived, or it failed here).
    private let onEnd: @Sendable () -> Void

    init(
        callID: UInt32, deadline: Deadline?, inbox: MessageInbox, outbox: FrameOutbox<ClientOutbound>,
        maxMessageSize: @escaping @Sendable () -> UInt32, onEnd: @escaping @Sendable () -> Void = {}
    ) {
        self.callID = callID
        self.deadline = deadline
        self.inbox = inbox
        self.outbox = outbox
        self.maxMessageSize = maxMessageSize
        self.onEnd = onEnd
    }

    // MARK: From the caller

    func send(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        try await outbox.waitUntilWritable()
        if let failure = state.withLock({ $0.failure }) { throw failure }
        var buffer = ByteBuffer()
        try Self.encodeMessage(callID: callID, maxSize: maxMessageSize(), into: &buffer, writePayload)
        try outbox.append(.frames(buffer))
    }

    static func encodeMessage(
        callID: UInt32, maxSize: UInt32, into buffer: inout ByteBuffer, _ writePayload: (inout ByteBuffer) throws -> Void
    ) throws {
        do {
            try Frame.encodeMessage(callID: callID, maxPayloadSize: maxSize, into: &buffer, writePayload: writePayload)
        } catch let FrameError.frameTooLarge(length, limit) {
            throw RPCError(code: .resourceExhausted, message: "request message of \(length) bytes exceeds the server's limit of \(limit) bytes")
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .internal, message: "could not serialize the request: \(error)")
        }
    }

    /// No more requests.
    func halfClose() throws {
        try outbox.append(.frames(Frame.halfClose(callID: callID).encoded()))
    }

    /// Abandons the call unless it has ended: the server is told, the responses end with CANCELLED.
    func cancel() {
        guard fail(RPCError(code: .cancelled, message: "the call was cancelled")) else { return }
        try? outbox.append(.cancel(callID: callID))
    }

    func responses<Response>(_ deserializer: any MessageDeserializer<Response>) -> MessageStream<Response> {
        MessageStream(inbox: inbox, deserializer: deserializer, undecodableCode: .internal)
    }

    /// The server's initial metadata (empty until it arrives).
    var initialMetadata: Metadata { state.withLock { $0.headers } }

    /// The server's trailers (empty until the end arrives).
    var trailers: Metadata { state.withLock { $0.end.map { Metadata(fields: $0.trailers) } ?? Metadata() } }

    /// Whether the server may have processed the call. A call that failed before its `OPEN`
    /// reached the socket, or that a GOAWAY placed above the server's last call, was never
    /// processed and is safe to retry.
    var mayHaveBeenProcessed: Bool { state.withLock { $0.sent && !$0.refusedByGoAway } }

    // MARK: From the event loop

    func markSent() {
        state.withLock { $0.sent = true }
    }

    /// Fails the call as one the server's GOAWAY says it did not process.
    func failRefusedByGoAway(_ error: RPCError) {
        state.withLock { $0.refusedByGoAway = true }
        fail(error)
    }

    func receiveHeaders(_ fields: [MetadataField]) {
        state.withLock { $0.headers = Metadata(fields: fields) }
    }

    func receiveEnd(_ end: Frame.End) {
        let accepted = state.withLock { state in
            guard state.end == nil, state.failure == nil else { return false }
            state.end = end
            return true
        }
        guard accepted else { return }
        onEnd()
        if end.code == .ok { inbox.finish() } else { inbox.finish(error: RPCError(end: end)) }
    }

    /// Ends the call on this side with `error` (deadline, cancel, lost connection); `false` if
    /// it had already ended.
    @discardableResult
    func fail(_ error: RPCError) -> Bool {
        let accepted = state.withLock { state in
            guard state.end == nil, state.failure == nil else { return false }
            state.failure = error
            return true
        }
        if accepted {
            onEnd()
            inbox.finish(error: error)
        }
        return accepted
    }
}
