public import Foundation

/// A Swift type that can be read from a column of a result (results arrive in binary format).
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value of the given column type; throws ``PostgresDecodingFailure``
    /// when the type does not fit or the bytes are malformed.
    static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Self
    /// The value for SQL NULL; by default NULL is an error (decode an `Optional` to accept it).
    static func decodeNull() throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws -> Self {
        throw PostgresDecodingFailure("is NULL; decode \(Self.self)? to accept NULL")
    }
}

/// Why a value could not be decoded. ``PostgresRow`` turns it into a ``PostgresError`` that names the column.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }

    static func typeMismatch<T>(_ swiftType: T.Type, _ type: PostgresDataType) -> PostgresDecodingFailure {
        PostgresDecodingFailure("has type \(type), which cannot be decoded as \(swiftType)")
    }
}

/// Reads PostgreSQL's binary representations.
public struct PostgresByteReader: Sendable {
    private let bytes: [UInt8]
    private var index: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - index }

    public mutating func readInteger<I: FixedWidthInteger>(_: I.Type = I.self) throws -> I {
        let size = MemoryLayout<I>.size
        guard remaining >= size else { throw PostgresDecodingFailure("is truncated") }
        var value: I = 0
        for byte in bytes[index..<index + size] { value = value << 8 | I(truncatingIfNeeded: byte) }
        index += size
        return value
    }

    public mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw PostgresDecodingFailure("is truncated") }
        defer { index += count }
        return bytes[index..<index + count]
    }

    public mutating func readRest() -> ArraySlice<UInt8> {
        defer { index = bytes.count }
        return bytes[index...]
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Self {
        try Wrapped.decode(from: &reader, type: type)
    }
    public static func decodeNull() throws -> Self { nil }
}

extension Bool: PostgresDecodable {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Bool {
        guard type == .bool else { throw PostgresDecodingFailure.typeMismatch(Self.self, type) }
        return try reader.readInteger(UInt8.self) != 0
    }
}

/// Integers accept every PostgreSQL integer type whose values always fit.
extension PostgresDecodable where Self: FixedWidthInteger {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Self {
        let value: Int64
        switch type {
        case .int2: value = Int64(try reader.readInteger(Int16.self))
        case .int4 where bitWidth >= 32: value = Int64(try reader.readInteger(Int32.self))
        case .int8 where bitWidth >= 64: value = try reader.readInteger(Int64.self)
        default: throw PostgresDecodingFailure.typeMismatch(Self.self, type)
        }
        return Self(value)
    }
}

extension Int16: PostgresDecodable {}
extension Int32: PostgresDecodable {}
extension Int64: PostgresDecodable {}
extension Int: PostgresDecodable {}

extension Double: PostgresDecodable {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Double {
        switch type {
        case .float8: return Double(bitPattern: try reader.readInteger(UInt64.self))
        case .float4: return Double(Float(bitPattern: try reader.readInteger(UInt32.self)))
        default: throw PostgresDecodingFailure.typeMismatch(Self.self, type)
        }
    }
}

extension String: PostgresDecodable {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> String {
        switch type {
        case .text, .varchar, .bpchar, .name, .unknown:
            guard let string = String(validating: reader.readRest(), as: UTF8.self) else {
                throw PostgresDecodingFailure("is not valid UTF-8")
            }
            return string
        default: throw PostgresDecodingFailure.typeMismatch(Self.self, type)
        }
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> UUID {
        guard type == .uuid else { throw PostgresDecodingFailure.typeMismatch(Self.self, type) }
        let b = Array(try reader.readBytes(16))
        return UUID(
            uuid: (
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
            ))
    }
}

extension Data: PostgresDecodable {
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Data {
        guard type == .bytea else { throw PostgresDecodingFailure.typeMismatch(Self.self, type) }
        return Data(reader.readRest())
    }
}

extension Date: PostgresDecodable {
    /// From `timestamptz` (and `timestamp`, read as UTC), microsecond precision.
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> Date {
        guard type == .timestamptz || type == .timestamp else {
            throw PostgresDecodingFailure.typeMismatch(Self.self, type)
        }
        let microseconds = try reader.readInteger(Int64.self)
        guard microseconds != .max, microseconds != .min else {
            throw PostgresDecodingFailure("is infinity, which has no Date")
        }
        return PostgresEpoch.date.addingTimeInterval(Double(microseconds) / 1_000_000)
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    /// From a one-dimensional array of the element's array type; NULL elements are refused.
    public static func decode(from reader: inout PostgresByteReader, type: PostgresDataType) throws -> [Element] {
        guard type == Element.postgresArrayType else { throw PostgresDecodingFailure.typeMismatch(Self.self, type) }
        let dimensions = try reader.readInteger(Int32.self)
        _ = try reader.readInteger(Int32.self)  // has-nulls flag; each element says it again
        let elementType = PostgresDataType(oid: try reader.readInteger(UInt32.self))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else { throw PostgresDecodingFailure("is a \(dimensions)-dimensional array") }
        let count = try reader.readInteger(Int32.self)
        _ = try reader.readInteger(Int32.self)  // lower bound
        guard count >= 0, Int(count) <= reader.remaining / 4 else { throw PostgresDecodingFailure("is truncated") }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            let length = try reader.readInteger(Int32.self)
            guard length >= 0 else { throw PostgresDecodingFailure("contains NULL elements") }
            var elementReader = PostgresByteReader([UInt8](try reader.readBytes(Int(length))))
            elements.append(try Element.decode(from: &elementReader, type: elementType))
        }
        return elements
    }
}
