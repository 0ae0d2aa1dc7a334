import NIOCore

extension Frame {
    /// Decodes the frame that `header` announces from its complete `payload`.
    static func decode(header: FrameHeader, payload: ByteBuffer) throws(FrameError) -> Frame {
        guard let type = FrameType(rawValue: header.typeByte) else {
            throw .unknownFrameType(header.typeByte)
        }
        guard type.isConnectionFrame == (header.callID == 0) else {
            throw .invalidCallID(type: type, callID: header.callID)
        }
        var reader = FramePayloadReader(payload, type: type)
        let callID = header.callID
        let frame: Frame
        switch type {
        case .preface:
            try reader.expectSize(Preface.magic.count + 2)
            let magic = [try reader.readByte(), try reader.readByte(), try reader.readByte(), try reader.readByte()]
            guard magic == Preface.magic else { throw .malformedPayload(type: type, reason: .badMagic) }
            frame = .preface(Preface(version: try reader.readUInt16()))
        case .settings:
            if header.flags & FrameFlags.settingsAck != 0 {
                try reader.expectSize(0)
                frame = .settings(.ack)
            } else {
                // A payload that is not a multiple of 6 bytes ends in a truncated setting.
                var values: [Settings.Setting] = []
                while reader.remaining > 0 {
                    values.append(Settings.Setting(id: try reader.readUInt16(), value: try reader.readUInt32()))
                }
                frame = .settings(Settings(values: values))
            }
        case .open:
            let method = try reader.readString()
            let timeout = header.flags & FrameFlags.openHasTimeout != 0 ? try reader.readVarint() : nil
            let metadata = try reader.readMetadata()
            frame = .open(callID: callID, Open(method: method, timeoutMicroseconds: timeout, metadata: metadata))
        case .headers:
            frame = .headers(callID: callID, try reader.readMetadata())
        case .message:
            frame = .message(callID: callID, reader.readRemainder())
        case .halfClose:
            try reader.expectSize(0)
            frame = .halfClose(callID: callID)
        case .cancel:
            try reader.expectSize(0)
            frame = .cancel(callID: callID)
        case .end:
            let code = StatusCode(rawValue: try reader.readByte())
            let message = try reader.readString()
            let detailCount = try reader.readVarint()
            // A detail takes at least 2 bytes; a larger count is forged.
            guard detailCount <= UInt64(reader.remaining / 2) else {
                throw .malformedPayload(type: type, reason: .lengthOutOfRange)
            }
            var details: [End.Detail] = []
            for _ in 0..<detailCount {
                details.append(End.Detail(typeName: try reader.readString(), value: try reader.readLengthPrefixedBytes()))
            }
            let trailers = try reader.readMetadata()
            frame = .end(callID: callID, End(code: code, message: message, details: details, trailers: trailers))
        case .ping, .pong:
            try reader.expectSize(8)
            let opaque = try reader.readUInt64()
            frame = type == .ping ? .ping(opaque) : .pong(opaque)
        case .goAway:
            let lastCallID = try reader.readUInt32()
            let code = StatusCode(rawValue: try reader.readByte())
            frame = .goAway(GoAway(lastCallID: lastCallID, code: code, message: try reader.readString()))
        }
        try reader.expectEnd()
        return frame
    }
}
