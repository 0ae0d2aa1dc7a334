import NIOCore

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
    public let serializer: any MessageSerializer<Message>
    public let deserializer: any MessageDeserializer<Message>

    public init(serializer: some MessageSerializer<Message>, deserializer: some MessageDeserializer<Message>) {
        self.serializer = serializer
        self.deserializer = deserializer
    }

    /// One value that does both.
    public init<Coder: MessageSerializer<Message> & MessageDeserializer<Message>>(_ coder: Coder) {
        self.init(serializer: coder, deserializer: coder)
    }
}

extension MessageCodec where Message == [UInt8] {
    /// Raw bytes, unencoded.
    public static var rawBytes: MessageCodec<[UInt8]> { MessageCodec(RawBytesSerializer()) }
}
