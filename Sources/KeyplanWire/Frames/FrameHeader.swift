import NIOCore

/// The fixed 10-byte header in front of every frame: payload length, type, flags, call id.
///
///     0               4       5       6                10
///     +---------------+-------+-------+----------------+------------------+
///     | length (u32)  | type  | flags | call id (u32)  | payload (length) |
///     +---------------+-------+-------+----------------+------------------+
///
/// All integers are big-endian. `length` counts the payload only.
public struct FrameHeader: Hashable, Sendable {
    /// The size of the header on the wire.
    public static let size = 10

    public var payloadLength: UInt32
    public var typeByte: UInt8
    public var flags: UInt8
    public var callID: UInt32

    public init(payloadLength: UInt32, typeByte: UInt8, flags: UInt8, callID: UInt32) {
        self.payloadLength = payloadLength
        self.typeByte = typeByte
        self.flags = flags
        self.callID = callID
    }

    /// Reads a header if `buffer` holds one, without consuming it.
    static func peek(in buffer: ByteBuffer) -> FrameHeader? {
        guard buffer.readableBytes >= size,
            let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            let type = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
            let flags = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt8.self),
            let callID = buffer.getInteger(at: buffer.readerIndex + 6, as: UInt32.self)
        else { return nil }
        return FrameHeader(payloadLength: length, typeByte: type, flags: flags, callID: callID)
    }
}
