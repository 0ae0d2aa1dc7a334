public import NIOCore

extension Frame {
    /// Appends this frame, header and payload, to `buffer`.
    ///
    /// The length field is patched after the payload is written, so no payload is sized twice.
    public func encode(into buffer: inout ByteBuffer) {
        let headerStart = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags)
        buffer.writeInteger(callID)
        let payloadStart = buffer.writerIndex
        encodePayload(into: &buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - payloadStart), at: headerStart)
    }

    /// Appends a `MESSAGE` frame whose payload `writePayload` writes straight into `buffer`, so a
    /// serializer needs no intermediate copy.
    ///
    /// Throws ``FrameError/frameTooLarge(length:limit:)`` (leaving `buffer` as it was) if the
    /// payload comes out larger than `maxPayloadSize`, and rethrows the serializer's errors.
    public static func encodeMessage(
        callID: UInt32, maxPayloadSize: UInt32 = .max, into buffer: inout ByteBuffer,
        writePayload: (inout ByteBuffer) throws -> Void
    ) throws {
        let headerStart = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(FrameType.message.rawValue)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(callID)
        let payloadStart = buffer.writerIndex
        do {
            try writePayload(&buffer)
        } catch {
            buffer.moveWriterIndex(to: headerStart)
            throw error
        }
        let length = buffer.writerIndex - payloadStart
        guard length <= Int(maxPayloadSize), length <= Int(UInt32.max) else {
            buffer.moveWriterIndex(to: headerStart)
            throw FrameError.frameTooLarge(length: UInt32(clamping: length), limit: maxPayloadSize)
        }
        buffer.setInteger(UInt32(length), at: headerStart)
    }

    /// This frame's bytes in a new buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: FrameHeader.size + 32)
        encode(into: &buffer)
        return buffer
    }

    /// The header flags this frame sets.
    public var flags: UInt8 {
        switch self {
        case .settings(let settings): return settings.isAck ? FrameFlags.settingsAck : 0
        case .open(_, let open): return open.timeoutMicroseconds == nil ? 0 : FrameFlags.openHasTimeout
        default: return 0
        }
    }

    private func encodePayload(into buffer: inout ByteBuffer) {
        switch self {
        case .preface(let preface):
            buffer.writeBytes(Preface.magic)
            buffer.writeInteger(preface.version)
        case .settings(let settings):
            for setting in settings.values {
                buffer.writeInteger(setting.id)
                buffer.writeInteger(setting.value)
            }
        case .open(_, let open):
            buffer.writeFrameString(open.method)
            if let timeout = open.timeoutMicroseconds { buffer.writeFrameVarint(timeout) }
            buffer.writeFrameMetadata(open.metadata)
        case .headers(_, let metadata):
            buffer.writeFrameMetadata(metadata)
        case .message(_, let message):
            buffer.writeImmutableBuffer(message)
        case .halfClose, .cancel:
            break
        case .end(_, let end):
            buffer.writeInteger(end.code.rawValue)
            buffer.writeFrameString(end.message)
            buffer.writeFrameVarint(UInt64(end.details.count))
            for detail in end.details {
                buffer.writeFrameString(detail.typeName)
                buffer.writeFrameBytes(detail.value)
            }
            buffer.writeFrameMetadata(end.trailers)
        case .ping(let opaque), .pong(let opaque):
            buffer.writeInteger(opaque)
        case .goAway(let goAway):
            buffer.writeInteger(goAway.lastCallID)
            buffer.writeInteger(goAway.code.rawValue)
            buffer.writeFrameString(goAway.message)
        }
    }
}
