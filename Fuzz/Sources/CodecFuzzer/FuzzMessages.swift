import Foundation
import KeyplanWire

// Message types the fuzzer decodes arbitrary bytes into: between them they use every construct the decoder
// supports (numbered and named fields, generated and synthesized coding, nesting, sequences, dictionaries, optionals,
// enums, super decoders and the Foundation types), so that any input reaches every decoding path.

struct FuzzContact: Codable {
    var id: UUID
    var name: String
    var email: String?
    var tags: [String]
    var weight: Float

    enum CodingKeys: Int, CodingKey {
        case id = 1, name, email, tags, weight
    }
}

enum FuzzStatus: String, Codable {
    case planned, active, done
}

enum FuzzEvent: Codable {
    case created(at: Date)
    case moved(from: Int, to: Int)
    case noted(String, by: FuzzContact?)
    case cleared
}

struct FuzzAction: Codable {
    var id: UUID
    var title: String
    var due: Date?
    var status: FuzzStatus
    var cost: Money?
    var history: [FuzzEvent]

    enum CodingKeys: Int, CodingKey {
        case id = 1, title, due, status, cost, history
    }
}

/// Synthesized (named) keys throughout.
struct FuzzScorecard: Codable {
    var scores: [String: Double]
    var byQuarter: [Int: [Int8?]]
    var ratios: [UUID: Decimal]
    var flags: Set<Int16>
    var raw: Data
}

/// Generated coding (`@WireMessage`), holding `Codable`-only messages and itself; ``ThroughCodable`` reaches its
/// synthesized conformance too.
@WireMessage
struct FuzzPlan: Codable {
    var name: String
    var revenue: Money
    var forecast: Decimal?
    var contacts: [FuzzContact]
    var actions: [FuzzAction]
    var scorecard: FuzzScorecard?
    var counters: [UInt64]
    var children: [FuzzPlan]
    var flag: Bool

    enum CodingKeys: Int, CodingKey {
        case name = 1, revenue, forecast, contacts, actions, scorecard, counters, children, flag
    }
}

class FuzzBase: Codable {
    var version: UInt32

    enum CodingKeys: Int, CodingKey {
        case version = 1
    }
}

final class FuzzDerived: FuzzBase {
    var matrix: [[Int?]]

    enum DerivedKeys: Int, CodingKey {
        case matrix = 1
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DerivedKeys.self)
        var rows = try container.nestedUnkeyedContainer(forKey: .matrix)
        var matrix: [[Int?]] = []
        while !rows.isAtEnd {
            var row = try rows.nestedUnkeyedContainer()
            var cells: [Int?] = []
            while !row.isAtEnd {
                cells.append(try row.decodeNil() ? nil : try row.decode(Int.self))
            }
            matrix.append(cells)
        }
        self.matrix = matrix
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DerivedKeys.self)
        var rows = container.nestedUnkeyedContainer(forKey: .matrix)
        for row in self.matrix {
            var cells = rows.nestedUnkeyedContainer()
            for cell in row {
                if let cell { try cells.encode(Optional(cell)) } else { try cells.encodeNil() }
            }
        }
        try super.encode(to: container.superEncoder())
    }
}

/// Decodes and encodes a value through its `Codable` conformance even where it has generated coding (at the top
/// level; nested values use their own types' coding).
struct ThroughCodable<Value: Codable>: Codable {
    var value: Value

    init(from decoder: any Decoder) throws { self.value = try Value(from: decoder) }
    func encode(to encoder: any Encoder) throws { try self.value.encode(to: encoder) }
}
