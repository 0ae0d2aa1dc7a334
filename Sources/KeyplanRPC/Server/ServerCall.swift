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
/// later attempts are dropped, so a call ends exactly once.
final class ServerCall: MessageSink, @unchecked Sendable {
    let callID: UInt32
    let inbox: MessageInbox
    let response: ResponseMetadata
    private let outbox: FrameOutbox<ServerOutbound>
    private let maxMessageSize: UInt32
    private let lock = NIOLock()
    private var ended = false
    private var headersSent = false

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
        try lock.withLock {
            guard !ended else { throw CancellationError() }
            var buffer = ByteBuffer()
            writeHeadersIfNeeded(into: &buffer)
            do {
                try Frame.encodeMessage(callID: callID, maxPayloadSize: maxMessageSize, into: &buffer, writePayload: writePayload)
            } catch let FrameError.frameTooLarge(length, limit) {
                throw RPCError(code: .resourceExhausted, message: "response message of \(length) bytes exceeds the client's limit of \(limit) bytes")
            }
            try outbox.append(.frames(buffer))
        }
    }

    /// Ends the call with `end` (after initial metadata, if not yet sent). `false` if it had ended.
    @discardableResult
    func finish(_ end: Frame.End) -> Bool {
        lock.withLock {
            guard claimEndLocked() else { return false }
            var buffer = ByteBuffer()
            writeHeadersIfNeeded(into: &buffer)
            Frame.end(callID: callID, end).encode(into: &buffer)
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
        return true
    }

    private func writeHeadersIfNeeded(into buffer: inout ByteBuffer) {
        guard !headersSent else { return }
        headersSent = true
        let headers = response.headers
        if !headers.isEmpty { Frame.headers(callID: callID, headers.fields).encode(into: &buffer) }
    }
}
