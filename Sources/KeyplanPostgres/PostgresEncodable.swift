public import Foundation

/// A Swift value that can be sent as a statement parameter.
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the value is sent as.
    static var postgresType: PostgresDataType { get }
    /// The representation ``encode(into:)`` writes. Default: binary.
    static var postgresFormat: PostgresFormat { get }
    /// Appends the value's representation (no length prefix).
    func encode(into bytes: inout [UInt8])
}

extension PostgresEncodable {
    public static var postgresFormat: PostgresFormat { .binary }
}

extension FixedWidthInteger {
    /// Appends the integer in network byte order, as PostgreSQL's binary format wants it.
    @inlinable
    func appendBigEndian(to bytes: inout [UInt8]) {
        withUnsafeBytes(of: bigEndian) { bytes.append(contentsOf: $0) }
    }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bool }
    public func encode(into bytes: inout [UInt8]) { bytes.append(self ? 1 : 0) }
}

extension Int16: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int2 }
    public func encode(into bytes: inout [UInt8]) { appendBigEndian(to: &bytes) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int4 }
    public func encode(into bytes: inout [UInt8]) { appendBigEndian(to: &bytes) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func encode(into bytes: inout [UInt8]) { appendBigEndian(to: &bytes) }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func encode(into bytes: inout [UInt8]) { Int64(self).appendBigEndian(to: &bytes) }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresDataType { .float8 }
    public func encode(into bytes: inout [UInt8]) { bitPattern.appendBigEndian(to: &bytes) }
}

extension String: PostgresEncodable {
    public static var postgresType: PostgresDataType { .text }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresDataType { .uuid }
    public func encode(into bytes: inout [UInt8]) { withUnsafeBytes(of: uuid) { bytes.append(contentsOf: $0) } }
}

extension Data: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bytea }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: self) }
}

extension Date: PostgresEncodable {
    public static var postgresType: PostgresDataType { .timestamptz }
    public func encode(into bytes: inout [UInt8]) {
        Int64((timeIntervalSince(PostgresEpoch.date) * 1_000_000).rounded()).appendBigEndian(to: &bytes)
    }
}

/// PostgreSQL's binary timestamps count microseconds since 2000-01-01 00:00:00 UTC.
enum PostgresEpoch {
    static let date = Date(timeIntervalSince1970: 946_684_800)
}

extension Decimal: PostgresEncodable {
    public static var postgresType: PostgresDataType { .numeric }
    /// Sent as text: PostgreSQL parses it exactly, and the text form of `Decimal` is exact.
    public static var postgresFormat: PostgresFormat { .text }
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: description.utf8)
    }
}

/// An element type of a one-dimensional PostgreSQL array (`text[]`, `uuid[]`, `int8[]`...).
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The array type whose elements are of this type.
    static var postgresArrayType: PostgresDataType { get }
}

extension String: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .textArray } }
extension UUID: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .uuidArray } }
extension Int: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .int8Array } }
extension Int64: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .int8Array } }
extension Int32: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .int4Array } }
extension Bool: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .boolArray } }
extension Double: PostgresArrayElement { public static var postgresArrayType: PostgresDataType { .float8Array } }

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }

    /// The binary array layout: dimensions, has-nulls flag, element type, then per dimension
    /// its length and lower bound, then each element with its length.
    public func encode(into bytes: inout [UInt8]) {
        Int32(1).appendBigEndian(to: &bytes)
        Int32(0).appendBigEndian(to: &bytes)
        Element.postgresType.oid.appendBigEndian(to: &bytes)
        Int32(count).appendBigEndian(to: &bytes)
        Int32(1).appendBigEndian(to: &bytes)
        var element: [UInt8] = []
        for value in self {
            element.removeAll(keepingCapacity: true)
            value.encode(into: &element)
            Int32(element.count).appendBigEndian(to: &bytes)
            bytes.append(contentsOf: element)
        }
    }
}
