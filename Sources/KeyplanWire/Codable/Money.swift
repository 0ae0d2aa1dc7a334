/// An ISO 4217 currency code: three upper-case ASCII letters such as `EUR` or `USD`.
public struct CurrencyCode: Hashable, Sendable, CustomStringConvertible {
    /// The three letters, packed one byte each so that a ``Money`` value needs no heap storage.
    @usableFromInline
    let packed: UInt32

    /// Creates a currency code, or returns nil unless `code` is exactly three letters `A`–`Z`.
    public init?(_ code: String) {
        var packed: UInt32 = 0
        var count = 0
        for byte in code.utf8 {
            guard count < 3, Self.isLetter(byte) else { return nil }
            packed = packed << 8 | UInt32(byte)
            count += 1
        }
        guard count == 3 else { return nil }
        self.packed = packed
    }

    /// Creates a currency code from its three ASCII bytes, or returns nil unless they are letters `A`–`Z`.
    init?(asciiBytes first: UInt8, _ second: UInt8, _ third: UInt8) {
        guard Self.isLetter(first), Self.isLetter(second), Self.isLetter(third) else { return nil }
        self.packed = UInt32(first) << 16 | UInt32(second) << 8 | UInt32(third)
    }

    /// The code's three ASCII bytes, first letter first.
    var asciiBytes: (UInt8, UInt8, UInt8) {
        (UInt8(truncatingIfNeeded: self.packed >> 16), UInt8(truncatingIfNeeded: self.packed >> 8), UInt8(truncatingIfNeeded: self.packed))
    }

    /// The code as a string, for example `"EUR"`.
    public var code: String {
        let (a, b, c) = self.asciiBytes
        return String(decoding: [a, b, c], as: UTF8.self)
    }

    public var description: String { self.code }

    private static func isLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }
}

extension CurrencyCode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let code = CurrencyCode(string) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(string)\" is not an ISO 4217 currency code (three letters A-Z)"
            )
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.code)
    }
}

/// An exact amount of money: an integer count of the currency's minor units (cents for EUR, yen for JPY) and the
/// currency. Plans add and compare revenues, so amounts are never binary floating point.
public struct Money: Hashable, Sendable {
    /// The amount in minor units of ``currency``; `1234` EUR minor units is €12.34.
    public var minorUnits: Int64
    /// The currency of the amount.
    public var currency: CurrencyCode

    /// Creates an amount of `minorUnits` of `currency`.
    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.minorUnits = minorUnits
        self.currency = currency
    }
}

extension Money: Codable {
    private enum CodingKeys: Int, CodingKey {
        case minorUnits = 1
        case currency = 2
    }
}
