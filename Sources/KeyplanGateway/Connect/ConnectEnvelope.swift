import NIOCore

/// The envelope of Connect's streaming form: one flags byte, a four-byte big-endian length, the
/// message. Flag bit 1 (0x02) marks the end-of-stream message; bit 0 (0x01) compression, which this
/// gateway does not accept.
enum ConnectEnvelope {
    static let endStreamFlag: UInt8 = 0x02
    static let compressedFlag: UInt8 = 0x01

    static func write(_ message: ByteBuffer, flags: UInt8 = 0, into buffer: inout ByteBuffer) {
        buffer.writeInteger(flags)
        buffer.writeInteger(UInt32(message.readableBytes))
        var message = message
        buffer.writeBuffer(&message)
    }

    /// Why a body is not a sequence of envelopes.
    enum Failure: Error, Equatable {
        case truncated
        case compressed
        case endStreamFromClient
        case tooMany(limit: Int)
    }

    /// Every message of a request body, which must be whole envelopes and nothing else, at most `limit` of them.
    static func messages(in body: ByteBuffer, atMost limit: Int? = nil) throws(Failure) -> [ByteBuffer] {
        var body = body
        var messages: [ByteBuffer] = []
        while body.readableBytes > 0 {
            if let limit, messages.count == limit { throw .tooMany(limit: limit) }
            guard let flags = body.readInteger(as: UInt8.self), let length = body.readInteger(as: UInt32.self),
                let message = body.readSlice(length: Int(length))
            else { throw .truncated }
            if flags & compressedFlag != 0 { throw .compressed }
            if flags & endStreamFlag != 0 { throw .endStreamFromClient }
            messages.append(message)
        }
        return messages
    }
}
