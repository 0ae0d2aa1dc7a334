#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A type with a fixed wire representation that the coders read and write directly, without a container.
///
/// Every standard-library primitive conforms, and so do `Data`, `Date`, `UUID`, `Decimal` and ``Money``; the
/// coders detect the latter through ``BinaryDirectCodable`` once per value instead of casting per field.
protocol BinaryPrimitive: BinaryDirectCodable {
    /// The wire type of a field holding this value.
    static var wireType: WireType { get }

    /// Writes the value. A length-delimited value writes its length prefix only when `prefixed` is true (a top-level
    /// value takes its length from the frame).
    func write(to writer: inout WireWriter, prefixed: Bool) throws(WireError)

    /// Reads the value. For a length-delimited type, `reader` spans exactly the content and must be consumed whole;
    /// otherwise it starts at the value and reads only what the value needs.
    static func read(from reader: inout WireReader) throws(WireError) -> Self
}

extension BinaryPrimitive {
    func encodeDirectly(to encoder: BinaryValueEncoder) throws {
        try encoder.encodePrimitive(self)
    }

    static func decodeDirectly(from decoder: BinaryValueDecoder) throws -> Self {
        try decoder.decodePrimitive(Self.self)
    }
}

// MARK: - Integers

/// Signed integers are zigzag varints: account-plan numbers are mostly small and of either sign, and a varint keeps
/// them to one or two bytes where a fixed width would always spend four or eight.
protocol ZigZagInteger: BinaryPrimitive, FixedWidthInteger, SignedInteger {}

extension ZigZagInteger {
    static var wireType: WireType { .varint }

    @inline(__always)
    func write(to writer: inout WireWriter, prefixed: Bool) {
        writer.appendVarint(ZigZag.encode(Int64(self)))
    }

    @inline(__always)
    static func read(from reader: inout WireReader) throws(WireError) -> Self {
        let value = ZigZag.decode(try reader.readVarint())
        guard let narrowed = Self(exactly: value) else {
            throw .valueOutOfRange("\(value) does not fit in \(Self.self)")
        }
        return narrowed
    }
}

/// Unsigned integers are plain varints, for the same reason as the signed ones.
protocol VarintInteger: BinaryPrimitive, FixedWidthInteger, UnsignedInteger {}

extension VarintInteger {
    static var wireType: WireType { .varint }

    @inline(__always)
    func write(to writer: inout WireWriter, prefixed: Bool) {
        writer.appendVarint(UInt64(self))
    }

    @inline(__always)
    static func read(from reader: inout WireReader) throws(WireError) -> Self {
        let value = try reader.readVarint()
        guard let narrowed = Self(exactly: value) else {
            throw .valueOutOfRange("\(value) does not fit in \(Self.self)")
        }
        return narrowed
    }
}

extension Int: ZigZagInteger {}
extension Int8: ZigZagInteger {}
extension Int16: ZigZagInteger {}
extension Int32: ZigZagInteger {}
extension Int64: ZigZagInteger {}
extension UInt: VarintInteger {}
extension UInt8: VarintInteger {}
extension UInt16: VarintInteger {}
extension UInt32: VarintInteger {}
extension UInt64: VarintInteger {}

extension Bool: BinaryPrimitive {
    static var wireType: WireType { .varint }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        writer.append(self ? 1 : 0)
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Bool {
        switch try reader.readVarint() {
        case 0: return false
        case 1: return true
        case let other: throw .valueOutOfRange("\(other) is not a Bool (0 or 1)")
        }
    }
}

// MARK: - Floating point

/// Floating-point values are fixed width: their bit patterns are dense, so a varint would only grow them.
extension Float: BinaryPrimitive {
    static var wireType: WireType { .fixed32 }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        writer.appendFixed32(self.bitPattern)
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Float {
        Float(bitPattern: try reader.readFixed32())
    }
}

extension Double: BinaryPrimitive {
    static var wireType: WireType { .fixed64 }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        writer.appendFixed64(self.bitPattern)
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Double {
        Double(bitPattern: try reader.readFixed64())
    }
}

// MARK: - String

extension String: BinaryPrimitive {
    static var wireType: WireType { .lengthDelimited }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        writer.appendString(self, prefixed: prefixed)
    }

    static func read(from reader: inout WireReader) throws(WireError) -> String {
        let bytes = reader.readRest().assumingMemoryBound(to: UInt8.self)
        // ASCII, the common case, is valid UTF-8 as it stands: nothing can have been repaired.
        if ASCII.isASCII(UnsafeRawBufferPointer(bytes)) { return String(decoding: bytes, as: UTF8.self) }
        // `String(decoding:as:)` takes the standard library's fast non-generic path and repairs invalid UTF-8 with
        // U+FFFD; the input was valid exactly when nothing was repaired, i.e. the string's bytes are the input.
        // (`String(validating:as:)` is generic and unspecialized, several times slower for short strings.)
        var string = String(decoding: bytes, as: UTF8.self)
        let isValid = string.withUTF8 { utf8 in
            guard utf8.count == bytes.count else { return false }
            guard let stored = utf8.baseAddress, let input = bytes.baseAddress else { return true }
            return memcmp(stored, input, utf8.count) == 0
        }
        guard isValid else { throw .invalidUTF8 }
        return string
    }
}

/// A fast test for ASCII bytes, eight at a time.
enum ASCII {
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var offset = 0
        var bits: UInt64 = 0
        while offset + 8 <= count {
            bits |= base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            bits |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            offset += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }
}
