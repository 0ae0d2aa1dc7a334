public import Foundation
public import KeyplanRPC
public import NIOCore

/// Encodes and decodes a `Codable` message as JSON, the form the HTTP gateway speaks
/// (`Protocols/http.md`): the message's own `Codable` conformance, with timestamps as RFC 3339 strings
/// to the microsecond, so that they survive the database and both protocols unchanged.
///
/// A request that is not the message answers INVALID_ARGUMENT naming the field, in the caller's terms.
public struct JSONMessageCoder<Message: Codable & Sendable>: MessageSerializer, MessageDeserializer {
    public init() {}

    public func serialize(_ message: Message, into buffer: inout ByteBuffer) throws {
        buffer.writeBytes(try JSONMessageCoding.sharedEncoder.encode(message))
    }

    public func deserialize(_ bytes: ByteBuffer) throws -> Message {
        do {
            return try JSONMessageCoding.sharedDecoder.decode(Message.self, from: Data(bytes.readableBytesView))
        } catch let error as DecodingError {
            throw RPCError(code: .invalidArgument, message: JSONMessageCoding.describe(error))
        }
    }
}

/// The JSON settings every message shares, and how a decoding failure reads.
public enum JSONMessageCoding {
    /// One of each for every call: configured once and never changed after, they are safe to share (Foundation's
    /// coders are `Sendable`), and a call then pays for its message only, not for a coder and its date strategy.
    static let sharedEncoder = encoder()
    static let sharedDecoder = decoder()

    /// An encoder for messages and status details: sorted keys (stable output), slashes as they are,
    /// dates as RFC 3339 UTC with microseconds.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }

    /// A decoder for requests: dates as RFC 3339 with any offset and up to nine fractional digits.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\"\(text.prefix(40))\" is not an RFC 3339 timestamp such as 2026-12-07T09:30:00Z")
            }
            return date
        }
        return decoder
    }

    /// A decoding failure as a person reads it: which field, and what was wrong with it.
    public static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(path(context.codingPath + [key])): it is required (an empty list is written [])"
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)) is null where \(typeName(type)) is required"
        case .typeMismatch(let type, let context):
            return "field \(path(context.codingPath)) is not \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "the body is not a JSON object of this method's request"
                    + (context.underlyingError.map { ": \(($0 as NSError).localizedDescription)" } ?? "")
            }
            return "field \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the request does not match the method's message"
        }
    }

    /// `goal.metrics[2].target`, or `(the message)` at the top.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(the message)" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: return "an integer"
        case is Double.Type, is Float.Type, is Decimal.Type: return "a number"
        case is UUID.Type: return "a UUID string"
        case is Date.Type: return "an RFC 3339 timestamp string"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a \(name) object"
        }
    }
}

extension MessageCodec where Message: Codable {
    /// The message as JSON, for the HTTP gateway.
    public static var jsonForm: MessageCodec<Message>.JSONForm { JSONForm(JSONMessageCoder<Message>()) }
}
