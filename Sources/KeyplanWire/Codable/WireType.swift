/// How a field's value is laid out on the wire, carried in the low three bits of every field tag.
///
/// The numbering follows protobuf so that tooling that can walk protobuf fields can walk ours; only the four
/// wire types below exist, and a decoder rejects the others.
@usableFromInline
enum WireType: UInt8, Sendable {
    /// An unsigned LEB128 varint: Bool, unsigned integers, zigzag-encoded signed integers.
    case varint = 0
    /// Eight bytes, little-endian: Double, Date.
    case fixed64 = 1
    /// A varint byte count followed by that many bytes: strings, bytes, UUID, Decimal, Money, messages, sequences.
    case lengthDelimited = 2
    /// Four bytes, little-endian: Float.
    case fixed32 = 5

    /// The wire type in the low three bits of a field tag, or nil for an unknown one. (The synthesized
    /// `init(rawValue:)` is not inlined, and it runs for every field read.)
    @inline(__always)
    init?(tagBits: UInt8) {
        switch tagBits & 0x07 {
        case 0: self = .varint
        case 1: self = .fixed64
        case 2: self = .lengthDelimited
        case 5: self = .fixed32
        default: return nil
        }
    }

    var name: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .fixed32: "fixed32"
        }
    }
}

/// A field tag: `fieldNumber << 3 | wireType`, written as a varint.
///
/// Field number 0 marks a *named* field: the tag is followed by the key's name (a varint length and UTF-8 bytes)
/// and then the value. It serves keys that declare no `intValue`.
@usableFromInline
enum FieldTag {
    /// The largest field number: the tag must fit in 32 bits.
    static let maxFieldNumber = (1 << 29) - 1
    /// The field number of a named field.
    static let namedFieldNumber = 0

    @inline(__always)
    static func value(fieldNumber: Int, wireType: WireType) -> UInt64 {
        UInt64(truncatingIfNeeded: fieldNumber) << 3 | UInt64(wireType.rawValue)
    }
}

/// ZigZag maps signed integers to unsigned ones so that small magnitudes of either sign make short varints.
@usableFromInline
enum ZigZag {
    @inline(__always)
    static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    @inline(__always)
    static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}
