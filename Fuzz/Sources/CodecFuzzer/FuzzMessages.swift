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
        case id = 1, name = 2, email = 3, tags = 4, weight = 5
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
        case id = 1, title = 2, due = 3, status = 4, cost = 5, history = 6
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

/// With a `WireMessage` conformance (below), holding `Codable`-only messages and itself; ``ThroughCodable`` reaches
/// its synthesized conformance too.
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
        case name = 1, revenue = 2, forecast = 3, contacts = 4, actions = 5, scorecard = 6, counters = 7, children = 8
        case flag = 9
    }
}

/// Written as `@WireMessage` expands it: the fuzz build cannot use the macro (its plugin does not link under the
/// sanitizer flags), and what the fuzzer is after is the decoder's field reader, which takes the untrusted bytes.
extension FuzzPlan: WireMessage {
    static var wireKeys: any CodingKey.Type { CodingKeys.self }

    init(wireFields fields: inout WireFieldReader) throws {
        var name: String?
        var revenue: Money?
        var forecast: Decimal?
        var contacts: [FuzzContact]?
        var actions: [FuzzAction]?
        var scorecard: FuzzScorecard?
        var counters: [UInt64]?
        var children: [FuzzPlan]?
        var flag: Bool?
        while let field = try fields.nextField() {
            switch field {
            case 1: name = try fields.decode(String.self)
            case 2: revenue = try fields.decode(Money.self)
            case 3: forecast = try fields.decode(Decimal.self)
            case 4: contacts = try fields.decode([FuzzContact].self)
            case 5: actions = try fields.decode([FuzzAction].self)
            case 6: scorecard = try fields.decode(FuzzScorecard.self)
            case 7: counters = try fields.decode([UInt64].self)
            case 8: children = try fields.decode([FuzzPlan].self)
            case 9: flag = try fields.decode(Bool.self)
            default: break
            }
        }
        self.name = try name ?? fields.absentField(String.self, 1)
        self.revenue = try revenue ?? fields.absentField(Money.self, 2)
        self.forecast = forecast
        self.contacts = try contacts ?? fields.absentField([FuzzContact].self, 4)
        self.actions = try actions ?? fields.absentField([FuzzAction].self, 5)
        self.scorecard = scorecard
        self.counters = try counters ?? fields.absentField([UInt64].self, 7)
        self.children = try children ?? fields.absentField([FuzzPlan].self, 8)
        self.flag = try flag ?? fields.absentField(Bool.self, 9)
    }

    func encode(wireFields fields: inout WireFieldWriter) throws {
        try fields.encode(self.name, field: 1)
        try fields.encode(self.revenue, field: 2)
        if let forecast = self.forecast { try fields.encode(forecast, field: 3) }
        try fields.encode(self.contacts, field: 4)
        try fields.encode(self.actions, field: 5)
        if let scorecard = self.scorecard { try fields.encode(scorecard, field: 6) }
        try fields.encode(self.counters, field: 7)
        try fields.encode(self.children, field: 8)
        try fields.encode(self.flag, field: 9)
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
