/// What is wrong with bytes handed to the decoder; containers turn it into a `DecodingError` with the coding path.
enum WireError: Error {
    case truncated(needed: Int, available: Int)
    case overlongVarint
    case varintOverflow
    case lengthPastEnd(length: UInt64, available: Int)
    case invalidUTF8
    case invalidWireType(UInt8)
    case wireTypeMismatch(expected: WireType, actual: WireType)
    case valueOutOfRange(String)
    case invalidValue(String)
    case trailingBytes(Int)
    case nestingTooDeep(limit: Int)

    var description: String {
        switch self {
        case .truncated(let needed, let available):
            "truncated input: needed \(needed) more byte(s), \(available) left"
        case .overlongVarint:
            "overlong varint: a varint must use the fewest bytes that hold its value"
        case .varintOverflow:
            "varint overflow: more than 64 bits"
        case .lengthPastEnd(let length, let available):
            "length \(length) runs past the end of the enclosing value (\(available) byte(s) left)"
        case .invalidUTF8:
            "string is not valid UTF-8"
        case .invalidWireType(let raw):
            "unknown wire type \(raw)"
        case .wireTypeMismatch(let expected, let actual):
            "wire type mismatch: expected \(expected.name), found \(actual.name)"
        case .valueOutOfRange(let detail):
            "value out of range: \(detail)"
        case .invalidValue(let detail):
            "invalid value: \(detail)"
        case .trailingBytes(let count):
            "\(count) unexpected byte(s) after the value"
        case .nestingTooDeep(let limit):
            "nesting deeper than the limit of \(limit)"
        }
    }
}

/// A bounds-checked cursor over borrowed bytes. Every read checks against `end` and throws rather than trapping.
struct WireReader {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int

    init(base: UnsafeRawPointer, position: Int, end: Int) {
        self.base = base
        self.position = position
        self.end = end
    }

    var remaining: Int { self.end - self.position }
    var isAtEnd: Bool { self.position >= self.end }

    @inline(__always)
    mutating func readByte() throws(WireError) -> UInt8 {
        guard self.position < self.end else { throw .truncated(needed: 1, available: 0) }
        let byte = self.base.load(fromByteOffset: self.position, as: UInt8.self)
        self.position += 1
        return byte
    }

    @inline(__always)
    func peekByte() throws(WireError) -> UInt8 {
        guard self.position < self.end else { throw .truncated(needed: 1, available: 0) }
        return self.base.load(fromByteOffset: self.position, as: UInt8.self)
    }

    /// Reads a minimal LEB128 varint of at most ten bytes.
    @inline(__always)
    mutating func readVarint() throws(WireError) -> UInt64 {
        guard self.position < self.end else { throw .truncated(needed: 1, available: 0) }
        let first = self.base.load(fromByteOffset: self.position, as: UInt8.self)
        if first < 0x80 {
            self.position += 1
            return UInt64(first)
        }
        return try self.readMultiByteVarint()
    }

    mutating func readMultiByteVarint() throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = self.position
        while true {
            guard index < self.end else { throw .truncated(needed: 1, available: 0) }
            let byte = self.base.load(fromByteOffset: index, as: UInt8.self)
            index += 1
            if shift == 63, byte > 1 { throw .varintOverflow }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                // A final zero byte after others adds nothing: the varint was not minimal.
                if byte == 0, index - self.position > 1 { throw .overlongVarint }
                self.position = index
                return result
            }
            shift += 7
            if shift > 63 { throw .varintOverflow }
        }
    }

    @inline(__always)
    mutating func readFixed32() throws(WireError) -> UInt32 {
        guard self.remaining >= 4 else { throw .truncated(needed: 4, available: self.remaining) }
        let value = self.base.loadUnaligned(fromByteOffset: self.position, as: UInt32.self)
        self.position += 4
        return UInt32(littleEndian: value)
    }

    @inline(__always)
    mutating func readFixed64() throws(WireError) -> UInt64 {
        guard self.remaining >= 8 else { throw .truncated(needed: 8, available: self.remaining) }
        let value = self.base.loadUnaligned(fromByteOffset: self.position, as: UInt64.self)
        self.position += 8
        return UInt64(littleEndian: value)
    }

    /// Reads a varint length and returns the range of content it announces, checked against the end.
    @inline(__always)
    mutating func readLengthDelimited() throws(WireError) -> Range<Int> {
        let length = try self.readVarint()
        guard length <= UInt64(self.remaining) else { throw .lengthPastEnd(length: length, available: self.remaining) }
        let start = self.position
        self.position += Int(length)
        return start..<self.position
    }

    /// The bytes from the position to the end, consumed.
    mutating func readRest() -> UnsafeRawBufferPointer {
        let buffer = UnsafeRawBufferPointer(start: self.base + self.position, count: self.remaining)
        self.position = self.end
        return buffer
    }

    /// Reads the bytes of exactly `count`.
    mutating func readBytes(_ count: Int) throws(WireError) -> UnsafeRawBufferPointer {
        guard self.remaining >= count else { throw .truncated(needed: count, available: self.remaining) }
        let buffer = UnsafeRawBufferPointer(start: self.base + self.position, count: count)
        self.position += count
        return buffer
    }

    /// Reads an Optional's presence byte: true for a value (1), false for nil (0).
    mutating func readPresence() throws(WireError) -> Bool {
        switch try self.readByte() {
        case 0: return false
        case 1: return true
        case let other: throw .invalidValue("presence byte must be 0 or 1, found \(other)")
        }
    }

    func expectEnd() throws(WireError) {
        if self.position != self.end { throw .trailingBytes(self.end - self.position) }
    }

    /// Skips a value of the given wire type and returns the range of its payload (a length-delimited value's content).
    @inline(__always)
    mutating func skipValue(_ wireType: WireType) throws(WireError) -> Range<Int> {
        let start = self.position
        switch wireType {
        case .varint:
            _ = try self.readVarint()
            return start..<self.position
        case .fixed64:
            _ = try self.readBytes(8)
            return start..<self.position
        case .fixed32:
            _ = try self.readBytes(4)
            return start..<self.position
        case .lengthDelimited:
            return try self.readLengthDelimited()
        }
    }
}
