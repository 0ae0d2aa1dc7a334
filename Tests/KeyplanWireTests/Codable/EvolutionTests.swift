import Foundation
import KeyplanWire
import Testing

/// Messages from newer peers decode in older ones and the reverse, as `Protocols/encoding.md` promises.
@Suite("Evolution")
struct EvolutionTests {
    /// The first version of a message.
    struct PlanV1: Codable, Equatable {
        var id: Int
        var name: String
        var owner: Contact?

        enum CodingKeys: Int, CodingKey {
            case id = 1
            case name = 2
            case owner = 3
        }
    }

    /// A later version: new fields of every wire type, all Optional, one of them named.
    struct PlanV2: Codable, Equatable {
        var id: Int
        var name: String
        var owner: Contact?
        var tags: [String]?
        var score: Double?
        var weight: Float?
        var revenue: Money?
        var createdAt: Date?
        var shape: Shape?
        var note: String?

        enum CodingKeys: Int, CodingKey {
            case id = 1
            case name = 2
            case owner = 3
            case tags = 4
            case score = 5
            case weight = 6
            case revenue = 7
            case createdAt = 8
            case shape = 9
            case note = 1000
        }
    }

    /// A version that added a required field, which older messages cannot satisfy.
    struct PlanV3: Codable, Equatable {
        var id: Int
        var name: String
        var region: String

        enum CodingKeys: Int, CodingKey {
            case id = 1
            case name = 2
            case region = 10
        }
    }

    /// Decodes its fields in a different order than they were written.
    struct PlanReversed: Decodable, Equatable {
        var id: Int
        var name: String
        var owner: Contact?

        enum CodingKeys: Int, CodingKey {
            case id = 1
            case name = 2
            case owner = 3
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.owner = try container.decodeIfPresent(Contact.self, forKey: .owner)
            self.name = try container.decode(String.self, forKey: .name)
            self.id = try container.decode(Int.self, forKey: .id)
        }
    }

    static let owner = Contact(name: "Ann", email: "ann@example.com", point: Point(x: 1, y: 2))

    @Test("a newer message decodes in an older peer, skipping the fields it does not know")
    func newerToOlder() throws {
        let newer = PlanV2(
            id: 7, name: "Acme", owner: Self.owner, tags: ["key", "growth"], score: 0.75, weight: 1.5,
            revenue: Money(minorUnits: 100_000, currency: CurrencyCode("EUR")!), createdAt: Date(timeIntervalSince1970: 1_700_000_000),
            shape: .circle(radius: 1), note: "named later"
        )
        let decoded = try BinaryDecoder().decode(PlanV1.self, from: BinaryEncoder().encode(newer))
        #expect(decoded == PlanV1(id: 7, name: "Acme", owner: Self.owner))
    }

    @Test("unknown fields between known ones are skipped too")
    func unknownFieldsInterleaved() throws {
        // Field 5 (fixed64) and 6 (fixed32) and 4 (length-delimited) sit between fields 1 and 2.
        var bytes: [UInt8] = [0x08, 0x0E]  // id = 7
        bytes += [0x29] + [UInt8](repeating: 0, count: 8)  // field 5, fixed64
        bytes += [0x35, 0, 0, 0, 0]  // field 6, fixed32
        bytes += [0x22, 0x02, 0x01, 0x00]  // field 4, length-delimited
        bytes += [0xC0, 0x3E, 0x96, 0x01]  // field 1000, varint
        bytes += [0x12, 0x01, 0x61]  // name = "a"
        #expect(try BinaryDecoder().decode(PlanV1.self, from: bytes) == PlanV1(id: 7, name: "a", owner: nil))
    }

    @Test("an older message decodes in a newer peer, its added Optionals nil")
    func olderToNewer() throws {
        let older = PlanV1(id: 1, name: "Old", owner: nil)
        let decoded = try BinaryDecoder().decode(PlanV2.self, from: BinaryEncoder().encode(older))
        #expect(
            decoded == PlanV2(id: 1, name: "Old", owner: nil, tags: nil, score: nil, weight: nil, revenue: nil, createdAt: nil, shape: nil, note: nil)
        )
    }

    @Test("a required field added later is reported as missing, with its key")
    func addedRequiredField() throws {
        let older = try BinaryEncoder().encode(PlanV1(id: 1, name: "Old", owner: nil))
        #expect {
            try BinaryDecoder().decode(PlanV3.self, from: older)
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.intValue == 10
        }
    }

    @Test("fields decode whatever the order they are read in")
    func outOfOrderReads() throws {
        let plan = PlanV1(id: 3, name: "R", owner: Self.owner)
        let decoded = try BinaryDecoder().decode(PlanReversed.self, from: BinaryEncoder().encode(plan))
        #expect(decoded.id == 3 && decoded.name == "R" && decoded.owner == Self.owner)
    }

    @Test("a message element in a sequence evolves like a top-level message")
    func evolvingElements() throws {
        let newer = [PlanV2(id: 1, name: "a", owner: nil, tags: ["x"], score: 1, weight: nil, revenue: nil, createdAt: nil, shape: .empty, note: nil)]
        let decoded = try BinaryDecoder().decode([PlanV1].self, from: BinaryEncoder().encode(newer))
        #expect(decoded == [PlanV1(id: 1, name: "a", owner: nil)])
    }

    @Test("an enum case the older peer does not know is an error, not a crash")
    func unknownEnumCase() throws {
        enum OldShape: Codable { case circle(radius: Double) }
        #expect(throws: DecodingError.self) {
            try BinaryDecoder().decode(OldShape.self, from: BinaryEncoder().encode(Shape.empty))
        }
        enum OldStatus: String, Codable { case planned }
        #expect(throws: DecodingError.self) {
            try BinaryDecoder().decode(OldStatus.self, from: BinaryEncoder().encode(Status.done))
        }
    }

    @Test("an enum case gains an Optional associated value")
    func enumCaseGainsOptional() throws {
        enum ShapeV1: Codable, Equatable { case labelled(String) }
        enum ShapeV2: Codable, Equatable { case labelled(String, note: String?) }
        let newer = try BinaryEncoder().encode(ShapeV2.labelled("x", note: "n"))
        #expect(try BinaryDecoder().decode(ShapeV1.self, from: newer) == .labelled("x"))
        let older = try BinaryEncoder().encode(ShapeV1.labelled("y"))
        #expect(try BinaryDecoder().decode(ShapeV2.self, from: older) == .labelled("y", note: nil))
    }
}
