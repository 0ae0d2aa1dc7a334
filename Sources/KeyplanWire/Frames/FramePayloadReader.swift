import NIOCore

/// Reads the fields of one frame payload, reporting the first violation of the layout.
///
/// The payload is already fully received and bounded by the frame's length, so every length
/// prefix is checked against what remains before anything is allocated for it.
struct FramePayloadReader {
    private var bytes: ByteBuffer
    private let type: FrameType

    init(_ payload: ByteBuffer, type: FrameType) {
        self.bytes = payload
        self.type = type
    }

    private func failure(_ reason: FrameError.Reason) -> FrameError {
        .malformedPayload(type: type, reason: reason)
    }

    mutating func readByte() throws(FrameError) -> UInt8 {
        guard let byte = bytes.readInteger(as: UInt8.self) else { throw failure(.truncated) }
        return byte
    }

    mutating func readUInt16() throws(FrameError) -> UInt16 {
        guard let value = bytes.readInteger(as: UInt16.self) else { throw failure(.truncated) }
        return value
    }

    mutating func readUInt32() throws(FrameError) -> UInt32 {
        guard let value = bytes.readInteger(as: UInt32.self) else { throw failure(.truncated) }
        return value
    }

    mutating func readUInt64() throws(FrameError) -> UInt64 {
        guard let value = bytes.readInteger(as: UInt64.self) else { throw failure(.truncated) }
        return value
    }

    /// An unsigned LEB128 varint in its shortest form, at most 10 bytes.
    mutating func readVarint() throws(FrameError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            let group = UInt64(byte & 0x7F)
            // The tenth byte may only hold the top bit of a 64-bit value.
            if shift == 63 && group > 1 { throw failure(.invalidVarint) }
            result |= group << shift
            if byte & 0x80 == 0 {
                // A zero final group after the first byte means the encoding was not the shortest.
                if shift > 0 && group == 0 { throw failure(.invalidVarint) }
                return result
            }
            shift += 7
            if shift > 63 { throw failure(.invalidVarint) }
        }
    }

    /// A varint length followed by that many bytes.
    mutating func readLengthPrefixedBytes() throws(FrameError) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(bytes.readableBytes) else { throw failure(.lengthOutOfRange) }
        return bytes.readBytes(length: Int(length)) ?? []
    }

    /// A varint length followed by that many bytes of UTF-8.
    mutating func readString() throws(FrameError) -> String {
        let utf8 = try readLengthPrefixedBytes()
        guard let string = String(validating: utf8, as: UTF8.self) else { throw failure(.invalidUTF8) }
        return string
    }

    /// A varint count followed by that many metadata fields.
    mutating func readMetadata() throws(FrameError) -> [MetadataField] {
        let count = try readVarint()
        // Each field takes at least 3 bytes, so a larger count cannot be honest; checking first
        // keeps a forged count from reserving memory.
        guard count <= UInt64(bytes.readableBytes / 3) else { throw failure(.lengthOutOfRange) }
        var fields: [MetadataField] = []
        fields.reserveCapacity(ClaimedCount.reservation(for: Int(count)))
        for _ in 0..<count {
            let name = try readString()
            let kind = try readByte()
            switch kind {
            case 0: fields.append(MetadataField(name: name, value: .text(try readString())))
            case 1: fields.append(MetadataField(name: name, value: .binary(try readLengthPrefixedBytes())))
            default: throw failure(.unknownMetadataKind(kind))
            }
        }
        return fields
    }

    /// Everything left in the payload.
    mutating func readRemainder() -> ByteBuffer {
        bytes.readSlice(length: bytes.readableBytes) ?? ByteBuffer()
    }

    var remaining: Int { bytes.readableBytes }

    /// Fails unless the payload has been read to its end.
    func expectEnd() throws(FrameError) {
        guard bytes.readableBytes == 0 else { throw failure(.trailingBytes(bytes.readableBytes)) }
    }

    /// Fails unless the payload is exactly `size` bytes (checked before reading).
    func expectSize(_ size: Int) throws(FrameError) {
        guard bytes.readableBytes == size else {
            throw failure(.wrongSize(expected: size, actual: bytes.readableBytes))
        }
    }
}

/// Writes the fields of a frame payload in the layout ``FramePayloadReader`` reads.
extension ByteBuffer {
    mutating func writeFrameVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        writeInteger(UInt8(value))
    }

    mutating func writeFrameBytes(_ bytes: some Collection<UInt8>) {
        writeFrameVarint(UInt64(bytes.count))
        writeBytes(bytes)
    }

    mutating func writeFrameString(_ string: String) {
        writeFrameVarint(UInt64(string.utf8.count))
        writeString(string)
    }

    mutating func writeFrameMetadata(_ fields: [MetadataField]) {
        writeFrameVarint(UInt64(fields.count))
        for field in fields {
            writeFrameString(field.name)
            switch field.value {
            case .text(let text):
                writeInteger(UInt8(0))
                writeFrameString(text)
            case .binary(let bytes):
                writeInteger(UInt8(1))
                writeFrameBytes(bytes)
            }
        }
    }
}
