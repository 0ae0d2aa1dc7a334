public import Foundation

extension Decimal: PostgresDecodable {
    /// From `numeric`, exactly; a value with more than 38 significant digits (Decimal's
    /// precision) is an error rather than silently rounded.
    ///
    /// The binary form is: digit count, weight (power of 10,000 of the first digit), sign,
    /// display scale, then base-10,000 digits. They are gathered into one integer significand and a
    /// power of ten, from which the Decimal is built exactly (no text, no binary floating point).
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Decimal {
        guard type == .numeric else { throw PostgresDecodingFailure.typeMismatch(Self.self, type) }
        let digitCount = Int(try reader.readInteger(Int16.self))
        let weight = Int(try reader.readInteger(Int16.self))
        let sign = try reader.readInteger(UInt16.self)
        _ = try reader.readInteger(Int16.self)  // display scale: trailing zeros only
        switch sign {
        case 0x0000, 0x4000: break
        case 0xC000: return .nan
        default: throw PostgresDecodingFailure("is ±infinity, which has no Decimal")
        }
        guard digitCount > 0 else { return .zero }
        // significand × 10^exponent, the last group's lowest digit at 10^(4 × (weight − count + 1)).
        // PostgreSQL stores no zero group last, so only the last group's own trailing zeros are
        // dropped (before it joins the significand, which therefore never holds more digits than
        // the value has significant ones).
        var significand: UInt128 = 0
        var exponent = 4 * (weight - digitCount + 1)
        for index in 0..<digitCount {
            var group = UInt128(try reader.readInteger(UInt16.self))
            var scale: UInt128 = 10_000
            if index == digitCount - 1 {
                while group != 0, group % 10 == 0 {
                    group /= 10
                    scale /= 10
                    exponent += 1
                }
            }
            let (shifted, overflow) = significand.multipliedReportingOverflow(by: scale)
            guard !overflow, shifted <= Self.largestSignificand - group else { throw Self.tooPrecise }
            significand = shifted + group
        }
        let high = UInt64(significand >> 64)
        let low = UInt64(truncatingIfNeeded: significand)
        // Decimal holds 38 digits exactly, so this arithmetic on whole numbers below 10^38 is exact.
        let whole = high == 0 ? Decimal(low) : Decimal(high) * Self.twoToThe64 + Decimal(low)
        return Decimal(sign: sign == 0x4000 ? .minus : .plus, exponent: exponent, significand: whole)
    }

    /// The largest significand of 38 digits: Decimal's precision.
    private static let largestSignificand: UInt128 = 99_999_999_999_999_999_999_999_999_999_999_999_999
    private static let twoToThe64 = Decimal(UInt64.max) + 1
    private static let tooPrecise = PostgresDecodingFailure("has more than 38 significant digits; Decimal holds at most 38")
}
