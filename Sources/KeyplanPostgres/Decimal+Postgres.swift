import Foundation

extension Decimal: PostgresDecodable {
    /// From `numeric`, exactly; a value with more than 38 significant digits (Decimal's
    /// precision) is an error rather than silently rounded.
    ///
    /// The binary form is: digit count, weight (power of 10,000 of the first digit), sign,
    /// display scale, then base-10,000 digits. It is rebuilt here as decimal text, which
    /// `Decimal(string:)` reads without rounding through binary floating point.
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
        var digits: [Int16] = []
        for _ in 0..<max(0, digitCount) { digits.append(try reader.readInteger(Int16.self)) }
        guard !digits.isEmpty else { return .zero }

        // Integer part: groups at weights weight...0; fraction: groups at weights -1, -2, ...
        var integerPart = ""
        var fractionPart = ""
        if weight >= 0 {
            for position in 0...weight {
                let group = position < digits.count ? digits[position] : 0
                integerPart += position == 0 ? String(group) : String(format: "%04d", group)
            }
        } else {
            integerPart = "0"
            fractionPart = String(repeating: "0000", count: -weight - 1)
        }
        if digits.count > weight + 1 {
            for group in digits[max(0, weight + 1)...] { fractionPart += String(format: "%04d", group) }
        }
        // Decimal holds 38 significant digits; more would be rounded silently, which money must not be.
        let significant = (integerPart + fractionPart).drop { $0 == "0" }.reversed().drop { $0 == "0" }
        guard significant.count <= 38 else {
            throw PostgresDecodingFailure("has \(significant.count) significant digits; Decimal holds at most 38")
        }
        let text = (sign == 0x4000 ? "-" : "") + integerPart + (fractionPart.isEmpty ? "" : "." + fractionPart)
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresDecodingFailure("is a numeric that Decimal cannot hold")
        }
        return value
    }
}
