/// Why bytes are not a valid frame. Every error is fatal to the connection that sent them.
public enum FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The header declares a payload larger than the receiver's limit; nothing was allocated.
    case frameTooLarge(length: UInt32, limit: UInt32)
    /// The header's type byte names no frame type.
    case unknownFrameType(UInt8)
    /// A connection frame with a non-zero call id, or a call frame with call id 0.
    case invalidCallID(type: FrameType, callID: UInt32)
    /// The payload does not follow its frame type's layout.
    case malformedPayload(type: FrameType, reason: Reason)
    /// The bytes end inside a frame (the stream closed, or a single frame was expected).
    case truncatedFrame(bufferedBytes: Int)
    /// Bytes follow the one frame that was expected.
    case bytesAfterFrame(Int)

    /// What is wrong inside a payload.
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// A field runs past the end of the payload.
        case truncated
        /// Bytes are left after the last field.
        case trailingBytes(Int)
        /// A varint is longer than needed or does not fit in 64 bits.
        case invalidVarint
        /// A length-prefixed field is longer than the payload that holds it.
        case lengthOutOfRange
        /// A text field is not valid UTF-8.
        case invalidUTF8
        /// A preface does not start with `KPLN`.
        case badMagic
        /// A metadata value kind other than 0 (text) or 1 (binary).
        case unknownMetadataKind(UInt8)
        /// A fixed-size payload has the wrong size.
        case wrongSize(expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .truncated: return "a field runs past the end of the payload"
            case .trailingBytes(let n): return "\(n) bytes left after the last field"
            case .invalidVarint: return "invalid varint"
            case .lengthOutOfRange: return "length prefix exceeds the payload"
            case .invalidUTF8: return "text is not valid UTF-8"
            case .badMagic: return "preface magic is not KPLN"
            case .unknownMetadataKind(let k): return "unknown metadata value kind \(k)"
            case .wrongSize(let e, let a): return "payload is \(a) bytes, expected \(e)"
            }
        }
    }

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit):
            return "frame payload of \(length) bytes exceeds the limit of \(limit) bytes"
        case .unknownFrameType(let byte):
            return "unknown frame type 0x\(String(byte, radix: 16))"
        case .invalidCallID(let type, let callID):
            return "call id \(callID) is not valid for a \(type) frame"
        case .malformedPayload(let type, let reason):
            return "malformed \(type) frame: \(reason)"
        case .truncatedFrame(let buffered):
            return "the bytes end inside a frame (\(buffered) bytes buffered)"
        case .bytesAfterFrame(let count):
            return "\(count) bytes follow the frame"
        }
    }
}
