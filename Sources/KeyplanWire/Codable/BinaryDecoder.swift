public import NIOCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Decodes `Decodable` values from Keyplan's binary wire format (see `Protocols/encoding.md`).
///
/// The decoder reads borrowed bytes in place (an array, any contiguous bytes, or a NIO `ByteBuffer`) and is strict:
/// truncated input, overlong varints, lengths past the end, invalid UTF-8, mismatched wire types, nesting past
/// ``Configuration/maximumDepth`` and counts larger than the remaining input all throw a `DecodingError` carrying the
/// coding path. Unknown fields are skipped, and absent fields decode as nil, so older and newer peers interoperate.
public struct BinaryDecoder: Sendable {
    /// Limits that keep decoding of hostile input bounded.
    public struct Configuration: Sendable {
        /// The deepest nesting of values the decoder follows before it throws, which bounds its stack use on
        /// hostile input. Default: 64.
        public var maximumDepth: Int

        /// The defaults: `maximumDepth` 64.
        public static var defaults: Configuration { Configuration(maximumDepth: 64) }

        /// Creates a configuration.
        public init(maximumDepth: Int) {
            self.maximumDepth = maximumDepth
        }
    }

    /// The limits in force.
    public var configuration: Configuration

    /// Values the decoded types can read from `Decoder.userInfo`. Sendable, so the decoder stays Sendable.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder.
    public init(configuration: Configuration = .defaults, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.configuration = configuration
        self.userInfo = userInfo
    }

    /// Decodes a value of `type` from `bytes`.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try self.decode(type, from: $0) }
    }

    /// Decodes a value of `type` from any contiguous bytes (for example `Data` or a slice) without copying them.
    public func decode<T: Decodable, Bytes: ContiguousBytes>(_ type: T.Type, from bytes: Bytes) throws -> T {
        try bytes.withUnsafeBytes { try self.decode(type, from: $0) }
    }

    /// Decodes a value of `type` from the readable bytes of `buffer`, in place, without moving its reader index.
    public func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try buffer.withUnsafeReadableBytes { try self.decode(type, from: $0) }
    }

    /// Decodes a value of `type` from `bytes`, which must stay valid for the duration of the call.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        guard bytes.count <= Int(UInt32.max) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "input of \(bytes.count) bytes exceeds the 4 GiB limit of the format")
            )
        }
        let state =
            DecodingState.spares.take()?.reused(bytes: bytes, configuration: self.configuration, userInfo: self.userInfo)
            ?? DecodingState(bytes: bytes, configuration: self.configuration, userInfo: self.userInfo)
        defer { DecodingState.spares.put(state.retired()) }
        let decoder = BinaryValueDecoder(state: state, slot: .top, range: 0..<bytes.count, level: 0)
        return try state.decodeValue(type, from: decoder, key: nil)
    }
}
