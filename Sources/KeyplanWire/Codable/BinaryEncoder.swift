public import NIOCore

/// Encodes `Encodable` values into Keyplan's binary wire format (see `Protocols/encoding.md`).
///
/// Keyed containers become messages of numbered (or named) fields that newer and older peers can skip, so types
/// evolve like protobuf messages. The encoder is a value type and holds no buffers between calls; pass your own
/// buffer to ``encode(_:into:)`` to reuse its storage.
public struct BinaryEncoder: Sendable {
    /// Limits that keep encoding bounded.
    public struct Configuration: Sendable {
        /// The deepest nesting of values (messages, sequences, wrappers) the encoder follows before it throws,
        /// which turns a reference cycle into an error instead of a stack overflow. Default: 64.
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

    /// Values the encoded types can read from `Encoder.userInfo`. Sendable, so the encoder stays Sendable.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder.
    public init(configuration: Configuration = .defaults, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.configuration = configuration
        self.userInfo = userInfo
    }

    /// Returns the encoding of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try self.withEncoding(of: value, capacity: 256) { Array($0) }
    }

    /// Appends the encoding of `value` to `bytes`, reusing its capacity. On error `bytes` is unchanged.
    public func encode<T: Encodable>(_ value: T, into bytes: inout [UInt8]) throws {
        try self.withEncoding(of: value, capacity: bytes.capacity - bytes.count) { bytes.append(contentsOf: $0) }
    }

    /// Appends the encoding of `value` to `buffer`. On error `buffer` is unchanged.
    public func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
        try self.withEncoding(of: value, capacity: buffer.writableBytes) { buffer.writeBytes($0) }
    }

    /// Encodes `value` and hands its bytes, valid only during the call, to `body`.
    @discardableResult
    private func withEncoding<T: Encodable, Result>(
        of value: T,
        capacity: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        let state =
            EncodingState.spares.take()?.reused(configuration: self.configuration, userInfo: self.userInfo)
            ?? EncodingState(capacity: max(capacity, 256), configuration: self.configuration, userInfo: self.userInfo)
        defer { EncodingState.spares.put(state.retired()) }
        try state.encodeTopLevel(value)
        return try body(state.writer.bytes)
    }
}

extension EncodingState {
    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        try self.encodeValue(value, slot: .top, tagOffset: 0, level: 0, key: nil)
        self.closeFrames(downTo: 0)
    }
}
