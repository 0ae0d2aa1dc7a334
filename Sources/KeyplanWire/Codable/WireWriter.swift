/// An append-only byte buffer with the primitive writes of the binary encoding.
///
/// It owns raw memory rather than an `[UInt8]`: an array append checks uniqueness and capacity on every byte,
/// which showed in profiles. Its owner, `EncodingState`, deallocates it.
///
/// Length-delimited values whose size is not known up front (messages, sequences, Decimal) are written after a
/// length placeholder that ``endLengthDelimited(at:reserved:)`` patches; when the length turns out to need another
/// number of bytes than reserved (varints are minimal, so a placeholder cannot be padded) the content is moved once.
/// The encoder reserves what the previous value at the same depth needed, which siblings in a sequence mostly share.
struct WireWriter {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        self.base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    func deallocate() {
        self.base.deallocate()
    }

    /// Empties the buffer for the next call, keeping its memory unless it grew past `maximumKeptCapacity`.
    mutating func reset(maximumKeptCapacity: Int) {
        self.count = 0
        if self.capacity > maximumKeptCapacity {
            self.base.deallocate()
            self.capacity = maximumKeptCapacity
            self.base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
        }
    }

    /// The bytes written so far; valid until the next write.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: self.base, count: self.count)
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if self.count + extra > self.capacity { self.grow(toHold: self.count + extra) }
    }

    @inline(never)
    private mutating func grow(toHold needed: Int) {
        let capacity = max(needed, self.capacity * 2)
        let base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        base.copyMemory(from: self.base, byteCount: self.count)
        self.base.deallocate()
        self.base = base
        self.capacity = capacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        self.reserve(1)
        self.base.storeBytes(of: byte, toByteOffset: self.count, as: UInt8.self)
        self.count += 1
    }

    @inline(__always)
    mutating func append(_ buffer: UnsafeRawBufferPointer) {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return }
        self.reserve(buffer.count)
        (self.base + self.count).copyMemory(from: source, byteCount: buffer.count)
        self.count += buffer.count
    }

    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        self.reserve(10)
        var value = value
        var offset = self.count
        while value >= 0x80 {
            self.base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: offset, as: UInt8.self)
            value &>>= 7
            offset += 1
        }
        self.base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
        self.count = offset + 1
    }

    @inline(__always)
    mutating func appendFixed32(_ value: UInt32) {
        self.reserve(4)
        self.base.storeBytes(of: value.littleEndian, toByteOffset: self.count, as: UInt32.self)
        self.count += 4
    }

    @inline(__always)
    mutating func appendFixed64(_ value: UInt64) {
        self.reserve(8)
        self.base.storeBytes(of: value.littleEndian, toByteOffset: self.count, as: UInt64.self)
        self.count += 8
    }

    /// Writes a varint length followed by the string's UTF-8 bytes, or the bytes alone when `prefixed` is false.
    @inline(__always)
    mutating func appendString(_ string: String, prefixed: Bool) {
        // Borrow the string's storage rather than copying the string (a copy is a retain and a release).
        let appended: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            if prefixed { self.appendVarint(UInt64(utf8.count)) }
            self.append(UnsafeRawBufferPointer(utf8))
        }
        if appended == nil {
            var contiguous = string
            contiguous.makeContiguousUTF8()
            self.appendString(contiguous, prefixed: prefixed)
        }
    }

    /// Reserves `size` bytes (1 to 10) for a length and returns their offset, for content whose size is known only
    /// once written.
    @inline(__always)
    mutating func beginLengthDelimited(reserving size: Int = 1) -> Int {
        self.reserve(size)
        self.count += size
        return self.count - size
    }

    /// Patches the `reserved` bytes at `offset` with the length of everything written since, and returns the number
    /// of bytes the length took.
    @inline(__always)
    @discardableResult
    mutating func endLengthDelimited(at offset: Int, reserved: Int = 1) -> Int {
        self.patchVarint(UInt64(self.count - offset - reserved), at: offset, reserved: reserved)
    }

    /// Writes `value` as a varint into the placeholder of `reserved` bytes at `offset`, moving what follows when the
    /// varint needs more or fewer bytes; returns the number of bytes it took.
    @discardableResult
    mutating func patchVarint(_ value: UInt64, at offset: Int, reserved: Int = 1) -> Int {
        if value < 0x80, reserved == 1 {
            self.base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
            return 1
        }
        let size = Self.varintSize(value)
        if size != reserved {
            let contentStart = offset + reserved
            if size > reserved { self.reserve(size - reserved) }
            let content = (self.base + contentStart).assumingMemoryBound(to: UInt8.self)
            // The regions overlap; moving initialization copies as memmove does, in either direction.
            (content + (size - reserved)).moveInitialize(from: content, count: self.count - contentStart)
            self.count += size - reserved
        }
        var value = value
        var index = offset
        while value >= 0x80 {
            self.base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: index, as: UInt8.self)
            value &>>= 7
            index += 1
        }
        self.base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: index, as: UInt8.self)
        return size
    }

    /// Replaces the wire type in the tag whose first byte is at `offset` (the wire type lives in its low three bits).
    @inline(__always)
    mutating func patchWireType(_ wireType: WireType, tagAt offset: Int) {
        let byte = self.base.load(fromByteOffset: offset, as: UInt8.self)
        self.base.storeBytes(of: (byte & ~0x07) | wireType.rawValue, toByteOffset: offset, as: UInt8.self)
    }

    @inline(__always)
    mutating func truncate(to count: Int) {
        self.count = count
    }

    static func varintSize(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; a zero still takes one byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }
}
