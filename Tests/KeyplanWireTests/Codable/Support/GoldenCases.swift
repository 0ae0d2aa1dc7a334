import Foundation
import KeyplanWire

/// One golden vector's Swift side: the value, how to encode it, and how to check a decoding of it.
struct GoldenCase: Sendable {
    let name: String
    let encode: @Sendable () throws -> [UInt8]
    let decodesToValue: @Sendable ([UInt8]) throws -> Bool

    static func of<T: Codable & Equatable>(_ name: String, _ makeValue: @escaping @Sendable () -> T) -> GoldenCase {
        GoldenCase(
            name: name,
            encode: { try BinaryEncoder().encode(makeValue()) },
            decodesToValue: { bytes in try BinaryDecoder().decode(T.self, from: bytes) == makeValue() }
        )
    }

    /// A message with generated coding: its `Codable` conformance must give and take the same bytes.
    static func of<T: Codable & Equatable & WireMessage>(_ name: String, _ makeValue: @escaping @Sendable () -> T) -> GoldenCase {
        GoldenCase(
            name: name,
            encode: {
                let generated = try BinaryEncoder().encode(makeValue())
                let viaCodable = try BinaryEncoder().encode(ViaCodable(makeValue()))
                guard generated == viaCodable else { throw CodingsDisagree(generated: generated, viaCodable: viaCodable) }
                return generated
            },
            decodesToValue: { bytes in
                try BinaryDecoder().decode(T.self, from: bytes) == makeValue()
                    && BinaryDecoder().decode(ViaCodable<T>.self, from: bytes).value == makeValue()
            }
        )
    }

    struct CodingsDisagree: Error {
        let generated: [UInt8]
        let viaCodable: [UInt8]
    }
}

/// The values of `Protocols/vectors/encoding.json`, by vector name.
enum GoldenCases {
    static let uuid = UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!
    static let eur = CurrencyCode("EUR")!

    static let all: [GoldenCase] = [
        .of("bool_true") { true },
        .of("bool_false") { false },
        .of("int_zero") { 0 },
        .of("int_minus_one") { -1 },
        .of("int_150") { 150 },
        .of("int64_min") { Int64.min },
        .of("int8_minus_128") { Int8.min },
        .of("uint8_200") { UInt8(200) },
        .of("uint64_max") { UInt64.max },
        .of("double_1_5") { 1.5 },
        .of("float_minus_2") { Float(-2) },
        .of("string_hello_accented") { "héllo" },
        .of("string_empty") { "" },
        .of("data_dead") { Data([0xDE, 0xAD]) },
        .of("date_2024_plus_1us") { Date(timeIntervalSince1970: 1_704_067_200) + 0.000_001 },
        .of("date_before_1970") { Date(timeIntervalSince1970: -1) },
        .of("uuid") { uuid },
        .of("decimal_minus_123_45") { Decimal(sign: .minus, exponent: -2, significand: 12345) },
        .of("decimal_zero") { Decimal(0) },
        .of("money_12_34_eur") { Money(minorUnits: 1234, currency: eur) },
        .of("optional_int_nil") { Int?.none },
        .of("optional_int_5") { Int?.some(5) },
        .of("optional_string_present") { String?.some("hi") },
        .of("optional_string_empty") { String?.some("") },
        .of("optional_message_present") { Point?.some(Point(x: 1, y: -2)) },
        .of("optional_message_nil") { Point?.none },
        .of("optional_optional_some_nil") { Int??.some(nil) },
        .of("optional_optional_some_some") { Int??.some(5) },
        .of("array_optional_string") { ["a", nil, ""] as [String?] },
        .of("array_optional_message") { [Point(x: 1, y: -2), nil] as [Point?] },
        .of("dictionary_string_optional_int") { ["k": nil] as [String: Int?] },
        .of("message_present_optional") { Contact(name: "Ann", email: "a@b", point: Point(x: 1, y: 2)) },
        .of("array_int") { [1, 2, 3] },
        .of("array_string") { ["a", "bc"] },
        .of("array_optional_int") { [nil, 1] as [Int?] },
        .of("array_empty") { [Int]() },
        .of("dictionary_string_int") { ["k": 7] },
        .of("dictionary_int_string") { [-1: "x"] },
        .of("message_point") { Point(x: 1, y: -2) },
        .of("message_named_field") { NamedPoint(id: 5) },
        .of("message_nested_absent_optional") { Contact(name: "Ann", email: nil, point: Point(x: 1, y: 2)) },
        .of("message_money_date") { Revenue(amount: Money(minorUnits: -500, currency: eur), bookedAt: Date(timeIntervalSince1970: 0)) },
        .of("enum_raw_string") { Status.active },
        .of("enum_raw_int") { Priority.high },
        .of("enum_associated_labelled") { Shape.circle(radius: 2) },
        .of("enum_associated_unlabelled") { Shape.rectangle(1, 2) },
        .of("enum_no_associated") { Shape.empty },
        .of("empty_struct") { Empty() },
        .of("array_empty_struct") { [Empty()] },
        .of("class_super_encoder") { Derived(id: 1, extra: "x") },
        .of("nested_unkeyed_with_nil") { Matrix(title: "m", rows: [[1, nil]]) },
    ]
}
