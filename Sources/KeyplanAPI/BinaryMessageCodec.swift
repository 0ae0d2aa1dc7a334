public import KeyplanRPC
import KeyplanWire
public import NIOCore

/// Encodes and decodes a `Codable` message with KeyplanWire's binary format.
public struct BinaryMessageCoder<Message: Codable & Sendable>: MessageSerializer, MessageDeserializer {
    public init() {}

    public func serialize(_ message: Message, into buffer: inout ByteBuffer) throws {
        try BinaryEncoder().encode(message, into: &buffer)
    }

    public func deserialize(_ bytes: ByteBuffer) throws -> Message {
        try BinaryDecoder().decode(Message.self, from: bytes)
    }
}

extension MessageCodec where Message: Codable {
    /// The message as KeyplanWire binary Codable.
    /// The JSON form comes along, so that every method is reachable through the HTTP gateway too.
    public static var binary: MessageCodec<Message> { MessageCodec(BinaryMessageCoder<Message>(), json: jsonForm) }
}

extension RPCMethod where Request: Codable, Response: Codable {
    /// A unary method of a Keyplan service, both messages binary Codable.
    public static func unary(_ service: String, _ name: String, _ idempotency: Idempotency = .unknown) -> RPCMethod {
        RPCMethod(MethodDescriptor(service: service, method: name), kind: .unary, idempotency: idempotency, request: .binary, response: .binary)
    }

    /// A unary method that only reads (``Idempotency/noSideEffects``).
    public static func read(_ service: String, _ name: String) -> RPCMethod {
        unary(service, name, .noSideEffects)
    }
}
