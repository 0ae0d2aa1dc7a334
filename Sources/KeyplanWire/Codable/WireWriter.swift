/// An append-only byte buffer with the primitive writes of the binary encoding.
///
/// Length-delimited values whose size is not known up front (messages, sequences, Decimal) are written with a
/// one-byte length placeholder that ``endLengthDelimited(at:)`` patches; when the content turns out to need a longer
/// varint the content is moved once. Most nested values are shorter than 128 bytes, so the move is rare.
@usableFromInline
struct WireWriter {
    @usableFromInline
    var bytes: [UInt8]

    @inlinable
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    @inlinable
    var count: Int { self.bytes.count }

    @inlinable
    mutating func append(_ byte: UInt8) {
        self.bytes.append(byte)
    }

    @inlinable
    mutating func append(_ buffer: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: buffer)
    }

    @inlinable
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value &>>= 7
        }
        self.bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable
    mutating func appendFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    @inlinable
    mutating func appendFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    /// Writes a varint length followed by the string's UTF-8 bytes, or the bytes alone when `prefixed` is false.
    @inlinable
    mutating func appendString(_ string: String, prefixed: Bool) {
        // Borrow the string's storage rather than copying the string (a copy is a retain and a release).
        let appended: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            if prefixed { self.appendVarint(UInt64(utf8.count)) }
            self.bytes.append(contentsOf: UnsafeRawBufferPointer(utf8))
        }
        if appended == nil {
            var contiguous = string
            contiguous.makeContiguousUTF8()
            self.appendString(contiguous, prefixed: prefixed)
        }
    }

    /// Reserves a one-byte length and returns its offset, for content whose size is known only once written.
    @inlinable
    mutating func beginLengthDelimited() -> Int {
        self.bytes.append(0)
        return self.bytes.count - 1
    }

    /// Patches the length reserved at `offset` to cover everything written since.
    @inlinable
    mutating func endLengthDelimited(at offset: Int) {
        self.patchVarint(UInt64(self.bytes.count - offset - 1), at: offset)
    }

    /// Writes `value` as a varint into the one-byte placeholder at `offset`, moving what follows if it needs more room.
    @inlinable
    mutating func patchVarint(_ value: UInt64, at offset: Int) {
        if value < 0x80 {
            self.bytes[offset] = UInt8(truncatingIfNeeded: value)
            return
        }
        let extra = Self.varintSize(value) - 1
        self.bytes.insert(contentsOf: repeatElement(0, count: extra), at: offset + 1)
        var value = value
        var index = offset
        while value >= 0x80 {
            self.bytes[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value &>>= 7
            index += 1
        }
        self.bytes[index] = UInt8(truncatingIfNeeded: value)
    }

    /// Replaces the wire type in the tag whose first byte is at `offset` (the wire type lives in its low three bits).
    @inlinable
    mutating func patchWireType(_ wireType: WireType, tagAt offset: Int) {
        self.bytes[offset] = (self.bytes[offset] & ~0x07) | wireType.rawValue
    }

    @inlinable
    mutating func truncate(to count: Int) {
        self.bytes.removeSubrange(count...)
    }

    @inlinable
    static func varintSize(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; a zero still takes one byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }
}
