import NIOCore

/// The messages of one call as they arrive: a server handler's requests, a client's responses.
///
/// It ends when the peer finishes sending; it throws ``RPCError`` if the call fails meanwhile or a
/// message cannot be decoded. Iterate it once, from one task: that is what it is for. Anything else
/// is still safe and defined: several iterators, or `next()` called from several tasks at once,
/// share one queue of messages, each message going to exactly one `next()`, in the order the calls
/// began to wait; after the end, every `next()` returns `nil` again, or throws the call's error again.
public struct MessageStream<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message

    let inbox: MessageInbox
    let deserializer: any MessageDeserializer<Message>
    /// The status a message that cannot be decoded stands for on this side.
    let undecodableCode: StatusCode

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: MessageStream

        public mutating func next() async throws -> Message? {
            guard let bytes = try await stream.inbox.next() else { return nil }
            do {
                return try stream.deserializer.deserialize(bytes)
            } catch let error as RPCError {
                // A deserializer that names the fault in the caller's terms (the JSON form's field paths).
                throw error
            } catch {
                throw RPCError(
                    code: stream.undecodableCode,
                    message: "could not decode a \(Message.self) message: \(error)")
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}

extension MessageStream {
    /// The one message the peer must send: throws unless there is exactly one.
    func single(code: StatusCode, what: String) async throws -> Message {
        var iterator = makeAsyncIterator()
        guard let message = try await iterator.next() else {
            throw RPCError(code: code, message: "expected one \(what) message, got none")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(code: code, message: "expected one \(what) message, got more")
        }
        return message
    }
}

/// Where a ``MessageWriter`` puts framed messages.
protocol MessageSink: Sendable {
    /// Frames one message whose payload `writePayload` writes, and sends it, waiting while the
    /// connection is not writable.
    func send(_ writePayload: (inout ByteBuffer) throws -> Void) async throws
}

/// Sends the messages of one call: a server handler's responses, a client's requests.
public struct MessageWriter<Message: Sendable>: Sendable {
    let sink: any MessageSink
    let serializer: any MessageSerializer<Message>

    /// Sends one message. Suspends while the peer is not reading fast enough.
    public func write(_ message: Message) async throws {
        try await sink.send { buffer in try serializer.serialize(message, into: &buffer) }
    }

    /// Sends each message in order.
    public func write(contentsOf messages: some Sequence<Message>) async throws {
        for message in messages { try await write(message) }
    }
}
