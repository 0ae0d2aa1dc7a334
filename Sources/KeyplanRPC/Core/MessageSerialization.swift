public import NIOCore

/// Turns a message into the bytes of a `MESSAGE` frame.
///
/// Writing into the frame's own buffer saves the copy an intermediate array would cost.
public protocol MessageSerializer<Message>: Sendable {
    associatedtype Message
    /// Appends `message`'s bytes to `buffer`.
    func serialize(_ message: Message, into buffer: inout ByteBuffer) throws
}

/// Turns the bytes of a `MESSAGE` frame back into a message.
public protocol MessageDeserializer<Message>: Sendable {
    associatedtype Message
    /// Decodes one message from all of `bytes`; throws if they are not one.
    func deserialize(_ bytes: ByteBuffer) throws -> Message
}

/// Messages that are their bytes: no encoding at all. Useful for tests and benchmarks.
public struct RawBytesSerializer: MessageSerializer, MessageDeserializer {
    public init() {}

    public func serialize(_ message: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeBytes(message)
    }

    public func deserialize(_ bytes: ByteBuffer) -> [UInt8] {
        Array(buffer: bytes)
    }
}

/// Serializes and deserializes the messages of one method, in both directions.
public struct MessageCodec<Message: Sendable>: Sendable {
    /// The binary form, on the binary protocol.
    public let serializer: any MessageSerializer<Message>
    public let deserializer: any MessageDeserializer<Message>
    /// The JSON form, for HTTP gateways (`Protocols/http.md`); `nil` for a message that has none, whose
    /// method a gateway then refuses.
    public let json: JSONForm?

    /// A message's JSON serializer and deserializer.
    public struct JSONForm: Sendable {
        public let serializer: any MessageSerializer<Message>
        public let deserializer: any MessageDeserializer<Message>

        public init<Coder: MessageSerializer<Message> & MessageDeserializer<Message>>(_ coder: Coder) {
            self.serializer = coder
            self.deserializer = coder
        }
    }

    public init(serializer: some MessageSerializer<Message>, deserializer: some MessageDeserializer<Message>, json: JSONForm? = nil) {
        self.serializer = serializer
        self.deserializer = deserializer
        self.json = json
    }

    /// One value that does both.
    public init<Coder: MessageSerializer<Message> & MessageDeserializer<Message>>(_ coder: Coder, json: JSONForm? = nil) {
        self.init(serializer: coder, deserializer: coder, json: json)
    }
}

extension MessageCodec where Message == [UInt8] {
    /// Raw bytes, unencoded.
    public static var rawBytes: MessageCodec<[UInt8]> { MessageCodec(RawBytesSerializer()) }
}
