import Foundation
import KeyplanWire

/// Random values for property tests, drawn from a seeded generator so that a failure can be replayed.
extension SeededGenerator {
    /// An integer of a random bit width, so that every varint length occurs, both signs included.
    mutating func integer<I: FixedWidthInteger>(_ type: I.Type = I.self) -> I {
        let bits = Int.random(in: 0...I.bitWidth, using: &self)
        let mask: UInt64 = bits >= 64 ? .max : (1 << UInt64(bits)) - 1
        let magnitude = I(truncatingIfNeeded: self.next() & mask)
        return I.isSigned && Bool.random(using: &self) ? magnitude | I.min : magnitude
    }

    mutating func double() -> Double {
        switch Int.random(in: 0..<8, using: &self) {
        case 0: return [0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude].randomElement(using: &self)!
        case 1: return Double(self.integer(Int32.self))
        default:
            let value = Double(bitPattern: self.next())
            return value.isNaN ? 1.25 : value
        }
    }

    mutating func float() -> Float {
        let value = Float(bitPattern: UInt32(truncatingIfNeeded: self.next()))
        return value.isNaN ? -0.5 : value
    }

    /// A string mixing ASCII, accented letters, CJK and emoji; sometimes longer than 127 bytes.
    mutating func string() -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "é", "ß", "計", "画", "🚀", "👩‍💼", "\u{0}", "\n", "\""]
        let length = Bool.random(using: &self) ? Int.random(in: 0..<8, using: &self) : Int.random(in: 0..<120, using: &self)
        return String((0..<length).map { _ in alphabet.randomElement(using: &self)! })
    }

    mutating func data() -> Data {
        Data((0..<Int.random(in: 0..<200, using: &self)).map { _ in UInt8.random(in: 0...255, using: &self) })
    }

    /// A date at microsecond precision between the years 1800 and 2200 (where a Date, a Double of seconds since
    /// 2001, still holds whole microseconds exactly).
    mutating func date() -> Date {
        let microseconds = Int64.random(in: -5_364_662_400_000_000...7_258_118_400_000_000, using: &self)
        return Date(timeIntervalSinceReferenceDate: Double(microseconds - 978_307_200_000_000) / 1_000_000)
    }

    mutating func uuid() -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &self) }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11], bytes[12],
                bytes[13], bytes[14], bytes[15]
            ))
    }

    mutating func decimal() -> Decimal {
        if Int.random(in: 0..<20, using: &self) == 0 { return .nan }
        let low = Decimal(UInt64.random(in: 0...UInt64.max, using: &self))
        let high = Decimal(UInt64.random(in: 0..<(1 << 40), using: &self))
        let significand = Bool.random(using: &self) ? low : high * (Decimal(UInt64.max) + 1) + low
        return Decimal(sign: Bool.random(using: &self) ? .minus : .plus, exponent: Int.random(in: -30...30, using: &self), significand: significand)
    }

    mutating func money() -> Money {
        let codes = ["EUR", "USD", "JPY", "CHF", "GBP"]
        return Money(minorUnits: self.integer(Int64.self), currency: CurrencyCode(codes.randomElement(using: &self)!)!)
    }

    mutating func optional<T>(_ make: (inout SeededGenerator) -> T) -> T? {
        Bool.random(using: &self) ? make(&self) : nil
    }

    mutating func array<T>(maxCount: Int = 6, _ make: (inout SeededGenerator) -> T) -> [T] {
        (0..<Int.random(in: 0...maxCount, using: &self)).map { _ in make(&self) }
    }

    mutating func point() -> Point {
        Point(x: self.integer(), y: self.integer())
    }

    mutating func contact() -> Contact {
        Contact(name: self.string(), email: self.optional { $0.string() }, point: self.point())
    }

    mutating func shape() -> Shape {
        switch Int.random(in: 0..<4, using: &self) {
        case 0: return .circle(radius: self.double())
        case 1: return .rectangle(self.double(), self.double())
        case 2: return .labelled(self.string(), point: self.optional { $0.point() })
        default: return .empty
        }
    }

    mutating func matrix() -> Matrix {
        Matrix(title: self.string(), rows: self.array { $0.array { $0.optional { $0.integer(Int.self) } } })
    }
}

/// A message with a field of every supported kind, nesting itself to a bounded depth.
struct Sample: Codable, Equatable {
    var bool: Bool
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var float: Float
    var double: Double
    var string: String
    var data: Data
    var date: Date
    var uuid: UUID
    var decimal: Decimal
    var money: Money
    var optionalString: String?
    var optionalPoint: Point?
    var optionalMoney: Money?
    var ints: [Int]
    var strings: [String]
    var optionalInts: [Int?]
    var uuids: [UUID]
    var points: [Point]
    var nestedStrings: [[String]]
    var byName: [String: Int]
    var byID: [UUID: Contact]
    var shapesByNumber: [Int: [Shape]]
    var status: Status
    var priority: Priority?
    var shapes: [Shape]
    var named: NamedPoint
    var matrix: Matrix
    var empty: Empty
    var children: [Sample]

    enum CodingKeys: Int, CodingKey {
        case bool = 1, int = 2, int8 = 3, int16 = 4, int32 = 5, int64 = 6, uint = 7, uint8 = 8, uint16 = 9, uint32 = 10
        case uint64 = 11, float = 12, double = 13, string = 14, data = 15, date = 16, uuid = 17, decimal = 18
        case money = 19, optionalString = 20, optionalPoint = 21, optionalMoney = 22, ints = 23, strings = 24
        case optionalInts = 25, uuids = 26, points = 27, nestedStrings = 28, byName = 29, byID = 30, shapesByNumber = 31
        case status = 32, priority = 33, shapes = 34, named = 35, matrix = 36, empty = 37, children = 38
    }

    static func random(using rng: inout SeededGenerator, depth: Int = 2) -> Sample {
        Sample(
            bool: Bool.random(using: &rng),
            int: rng.integer(),
            int8: rng.integer(),
            int16: rng.integer(),
            int32: rng.integer(),
            int64: rng.integer(),
            uint: rng.integer(),
            uint8: rng.integer(),
            uint16: rng.integer(),
            uint32: rng.integer(),
            uint64: rng.integer(),
            float: rng.float(),
            double: rng.double(),
            string: rng.string(),
            data: rng.data(),
            date: rng.date(),
            uuid: rng.uuid(),
            decimal: rng.decimal(),
            money: rng.money(),
            optionalString: rng.optional { $0.string() },
            optionalPoint: rng.optional { $0.point() },
            optionalMoney: rng.optional { $0.money() },
            ints: rng.array(maxCount: 40) { $0.integer() },
            strings: rng.array { $0.string() },
            optionalInts: rng.array { $0.optional { $0.integer() } },
            uuids: rng.array { $0.uuid() },
            points: rng.array { $0.point() },
            nestedStrings: rng.array { $0.array { $0.string() } },
            byName: Dictionary(rng.array { ($0.string(), $0.integer(Int.self)) }, uniquingKeysWith: { first, _ in first }),
            byID: Dictionary(rng.array { ($0.uuid(), $0.contact()) }, uniquingKeysWith: { first, _ in first }),
            shapesByNumber: Dictionary(rng.array { ($0.integer(Int.self), $0.array { $0.shape() }) }, uniquingKeysWith: { first, _ in first }),
            status: Status.allCases.randomElement(using: &rng)!,
            priority: rng.optional { Priority.allCases.randomElement(using: &$0)! },
            shapes: rng.array { $0.shape() },
            named: NamedPoint(id: rng.integer()),
            matrix: rng.matrix(),
            empty: Empty(),
            children: depth == 0 ? [] : rng.array(maxCount: 2) { Sample.random(using: &$0, depth: depth - 1) }
        )
    }

    static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.differences(from: rhs).isEmpty
    }

    /// The names of the fields that differ, so that a failing property test says where.
    func differences(from other: Sample) -> [String] {
        // Floating point compares by bit pattern; Decimal's NaN is unequal to itself, so it compares by kind.
        let decimalsMatch = self.decimal.isNaN ? other.decimal.isNaN : self.decimal == other.decimal
        let checks: [(String, Bool)] = [
            ("bool", self.bool == other.bool), ("int", self.int == other.int), ("int8", self.int8 == other.int8),
            ("int16", self.int16 == other.int16), ("int32", self.int32 == other.int32), ("int64", self.int64 == other.int64),
            ("uint", self.uint == other.uint), ("uint8", self.uint8 == other.uint8), ("uint16", self.uint16 == other.uint16),
            ("uint32", self.uint32 == other.uint32), ("uint64", self.uint64 == other.uint64),
            ("float", self.float.bitPattern == other.float.bitPattern), ("double", self.double.bitPattern == other.double.bitPattern),
            ("string", self.string == other.string), ("data", self.data == other.data), ("date", self.date == other.date),
            ("uuid", self.uuid == other.uuid), ("decimal", decimalsMatch), ("money", self.money == other.money),
            ("optionalString", self.optionalString == other.optionalString), ("optionalPoint", self.optionalPoint == other.optionalPoint),
            ("optionalMoney", self.optionalMoney == other.optionalMoney), ("ints", self.ints == other.ints),
            ("strings", self.strings == other.strings), ("optionalInts", self.optionalInts == other.optionalInts),
            ("uuids", self.uuids == other.uuids), ("points", self.points == other.points),
            ("nestedStrings", self.nestedStrings == other.nestedStrings), ("byName", self.byName == other.byName),
            ("byID", self.byID == other.byID), ("shapesByNumber", self.shapesByNumber == other.shapesByNumber),
            ("status", self.status == other.status), ("priority", self.priority == other.priority),
            ("shapes", self.shapes == other.shapes), ("named", self.named == other.named), ("matrix", self.matrix == other.matrix),
            ("empty", self.empty == other.empty), ("children", self.children == other.children),
        ]
        return checks.filter { !$0.1 }.map(\.0)
    }
}
