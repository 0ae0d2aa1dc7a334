#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// The Foundation value types and Money get direct wire forms, so that they never pass through their own
// `Codable` conformances (which for Date and Decimal go through Double or strings) or another coder.

/// `Data` is its bytes, length-delimited.
extension Data: BinaryPrimitive {
    static var wireType: WireType { .lengthDelimited }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        if prefixed { writer.appendVarint(UInt64(self.count)) }
        self.withUnsafeBytes { writer.append($0) }
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Data {
        Data(reader.readRest())
    }
}

/// `Date` is a signed count of microseconds since 1970-01-01T00:00:00Z in eight little-endian bytes.
///
/// Microseconds match PostgreSQL's `timestamptz`, so a date survives the database and the wire unchanged; present
/// dates need 51 bits, so a varint would take eight bytes as well, and a fixed width is faster to read and write.
/// Sub-microsecond parts are rounded to the nearest microsecond. A `Date` is a Double of seconds since 2001, which
/// holds whole microseconds exactly only within about 2^33 seconds (272 years) of 2001; dates from about 1729 to
/// 2273 therefore round-trip exactly, and dates further out keep the Double's own precision.
extension Date: BinaryPrimitive {
    static var wireType: WireType { .fixed64 }

    /// Seconds from 1970 to 2001, Foundation's reference date, in microseconds.
    static let referenceDateMicroseconds: Int64 = 978_307_200_000_000

    /// The dates an encoder writes: ±2^62 µs (about ±146,000 years) from 1970; near ±2^63 the conversion through
    /// `Double` seconds would overflow.
    static let microsecondLimit: Int64 = 1 << 62
    /// The dates a decoder accepts: a second less on each side, because a `Date` that far out holds its microseconds
    /// only to about ±250 µs, and every date a decoder accepts must re-encode.
    static let decodableMicrosecondLimit: Int64 = (1 << 62) - 1_048_576

    func write(to writer: inout WireWriter, prefixed: Bool) throws(WireError) {
        // Whole seconds and the fraction are scaled apart: scaling the whole interval would round in the product.
        let seconds = self.timeIntervalSinceReferenceDate
        let wholeSeconds = seconds.rounded(.down)
        let fractionMicroseconds = ((seconds - wholeSeconds) * 1_000_000).rounded()
        guard let whole = Int64(exactly: wholeSeconds),
            case (let wholeMicroseconds, false) = whole.multipliedReportingOverflow(by: 1_000_000),
            case (let sinceReference, false) = wholeMicroseconds.addingReportingOverflow(Int64(fractionMicroseconds)),
            case (let since1970, false) = sinceReference.addingReportingOverflow(Self.referenceDateMicroseconds),
            since1970.magnitude <= Self.microsecondLimit.magnitude
        else {
            throw .valueOutOfRange("date \(seconds)s from 2001 is not representable: beyond ±2^62µs from 1970")
        }
        writer.appendFixed64(UInt64(bitPattern: since1970))
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Date {
        let since1970 = Int64(bitPattern: try reader.readFixed64())
        guard since1970.magnitude <= Self.decodableMicrosecondLimit.magnitude else {
            throw .valueOutOfRange("date \(since1970)µs since 1970 is beyond ±(2^62 - 2^20)µs")
        }
        let sinceReference = since1970 - Self.referenceDateMicroseconds
        // Whole seconds convert exactly; only the fraction rounds, once.
        let (seconds, microseconds) = sinceReference.quotientAndRemainder(dividingBy: 1_000_000)
        return Date(timeIntervalSinceReferenceDate: Double(seconds) + Double(microseconds) / 1_000_000)
    }
}

/// `UUID` is its 16 bytes in RFC 9562 order, length-delimited (so older decoders can skip it like any bytes).
extension UUID: BinaryPrimitive {
    static var wireType: WireType { .lengthDelimited }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        if prefixed { writer.append(16) }
        withUnsafeBytes(of: self.uuid) { writer.append($0) }
    }

    static func read(from reader: inout WireReader) throws(WireError) -> UUID {
        guard reader.remaining == 16 else { throw .invalidValue("a UUID is 16 bytes, found \(reader.remaining)") }
        let bytes = try reader.readBytes(16)
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: bytes) }
        return UUID(uuid: uuid)
    }
}

/// `Decimal` is exact: length-delimited content of a flags byte (bit 0 negative, bit 1 NaN), the zigzag varint
/// base-10 exponent, and the 128-bit integer significand as two varints, low 64 bits first.
/// The value is `(-1)^negative × significand × 10^exponent`.
extension Decimal: BinaryPrimitive {
    static var wireType: WireType { .lengthDelimited }

    private static let twoToThe64 = Decimal(UInt64.max) + 1

    func write(to writer: inout WireWriter, prefixed: Bool) throws(WireError) {
        let lengthOffset = prefixed ? writer.beginLengthDelimited() : nil
        if self.isNaN {
            writer.append(0b10)
            writer.appendVarint(0)
            writer.appendVarint(0)
            writer.appendVarint(0)
        } else {
            let significand = self.significand.magnitude
            // `significand` is an integer of at most 38 digits; its description is exact.
            guard let wide = UInt128(significand.description) else {
                throw .invalidValue("Decimal significand \(significand) is not an integer")
            }
            writer.append(self.sign == .minus ? 0b01 : 0)
            writer.appendVarint(ZigZag.encode(Int64(self.exponent)))
            writer.appendVarint(UInt64(truncatingIfNeeded: wide))
            writer.appendVarint(UInt64(truncatingIfNeeded: wide >> 64))
        }
        if let lengthOffset { writer.endLengthDelimited(at: lengthOffset) }
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Decimal {
        let flags = try reader.readByte()
        let exponent = ZigZag.decode(try reader.readVarint())
        let low = try reader.readVarint()
        let high = try reader.readVarint()
        try reader.expectEnd()
        guard flags & ~0b11 == 0 else { throw .invalidValue("unknown Decimal flags \(flags)") }
        if flags & 0b10 != 0 { return .nan }
        // Foundation's Decimal holds exponents of one signed byte.
        guard let exponent = Int8(exactly: exponent) else { throw .valueOutOfRange("Decimal exponent \(exponent)") }
        let significand = Decimal(high) * Self.twoToThe64 + Decimal(low)
        return Decimal(sign: flags & 1 != 0 ? .minus : .plus, exponent: Int(exponent), significand: significand)
    }
}

/// ``Money`` is length-delimited content of the zigzag varint minor units followed by the three ASCII letters of
/// the currency code.
extension Money: BinaryPrimitive {
    static var wireType: WireType { .lengthDelimited }

    func write(to writer: inout WireWriter, prefixed: Bool) {
        let amount = ZigZag.encode(self.minorUnits)
        if prefixed { writer.append(UInt8(WireWriter.varintSize(amount) + 3)) }
        writer.appendVarint(amount)
        let (a, b, c) = self.currency.asciiBytes
        writer.append(a)
        writer.append(b)
        writer.append(c)
    }

    static func read(from reader: inout WireReader) throws(WireError) -> Money {
        let minorUnits = ZigZag.decode(try reader.readVarint())
        guard reader.remaining == 3 else { throw .invalidValue("Money needs a three-letter currency code after the amount") }
        guard let currency = CurrencyCode(asciiBytes: try reader.readByte(), try reader.readByte(), try reader.readByte()) else {
            throw .invalidValue("Money currency is not three letters A-Z")
        }
        return Money(minorUnits: minorUnits, currency: currency)
    }
}
