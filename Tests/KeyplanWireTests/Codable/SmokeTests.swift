import Foundation
import Testing
@testable import KeyplanWire

struct Inner: Codable, Equatable { var a: Int; var b: String? }
struct Outer: Codable, Equatable {
    enum CodingKeys: Int, CodingKey { case id = 1, name = 2, inners = 3, tags = 4, map = 5, when = 6, money = 7 }
    var id: UUID; var name: String; var inners: [Inner]; var tags: [String: Int]; var map: [UUID: [Int?]]; var when: Date; var money: Money
}
enum Shape: Codable, Equatable { case circle(radius: Double), rect(Double, Double), none }
struct Empty: Codable, Equatable {}

@Test func smoke() throws {
    let v = Outer(id: UUID(), name: "x", inners: [Inner(a: -3, b: nil), Inner(a: 5, b: "é")], tags: ["a": 1, "b": 2], map: [UUID(): [1, nil, 3]], when: Date(timeIntervalSince1970: 1_700_000_000.123456), money: Money(minorUnits: -1234, currency: CurrencyCode("EUR")!))
    let bytes = try BinaryEncoder().encode(v)
    print(bytes.map { String(format: "%02x", $0) }.joined())
    let back = try BinaryDecoder().decode(Outer.self, from: bytes)
    #expect(back == v)
    for s in [Shape.circle(radius: 2), .rect(1, 2), .none] {
        let b = try BinaryEncoder().encode(s)
        print(b.map { String(format: "%02x", $0) }.joined())
        #expect(try BinaryDecoder().decode(Shape.self, from: b) == s)
    }
    let e = try BinaryEncoder().encode([Empty(), Empty()])
    print("empty", e)
    #expect(try BinaryDecoder().decode([Empty].self, from: e) == [Empty(), Empty()])
    let d = Decimal(string: "-123.4500")!
    #expect(try BinaryDecoder().decode(Decimal.self, from: BinaryEncoder().encode(d)) == d)
    let opt: [Int?] = [nil, 1]
    #expect(try BinaryDecoder().decode([Int?].self, from: BinaryEncoder().encode(opt)) == opt)
}
