import Foundation
import KeyplanWire
import NIOCore
import Testing

@Suite("Round trips")
struct RoundTripTests {
    @Test("integers keep their extremes and every varint length")
    func integers() throws {
        func check<I: FixedWidthInteger & Codable>(_ type: I.Type) throws {
            var values: [I] = [.min, .max, 0, 1]
            if I.isSigned { values.append(-1) }
            for shift in stride(from: 0, to: I.bitWidth, by: 7) { values.append(I(truncatingIfNeeded: 1 << shift)) }
            for value in values {
                #expect(try roundTrip(value) == value)
                #expect(try roundTrip([value]) == [value])
                #expect(try roundTrip(["k": value]) == ["k": value])
            }
        }
        try check(Int.self)
        try check(Int8.self)
        try check(Int16.self)
        try check(Int32.self)
        try check(Int64.self)
        try check(UInt.self)
        try check(UInt8.self)
        try check(UInt16.self)
        try check(UInt32.self)
        try check(UInt64.self)
    }

    @Test("floating point keeps bit patterns, NaN payloads and signed zero included")
    func floatingPoint() throws {
        let doubles: [Double] = [0, -0.0, .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF4_0000_0000_0001), .leastNonzeroMagnitude, .pi]
        for value in doubles {
            #expect(try roundTrip(value).bitPattern == value.bitPattern)
        }
        let floats: [Float] = [0, -0.0, .infinity, .nan, Float(bitPattern: 0x7FA0_0001), .greatestFiniteMagnitude]
        for value in floats {
            #expect(try roundTrip(value).bitPattern == value.bitPattern)
        }
    }

    @Test("strings and data across length-prefix boundaries", arguments: [0, 1, 127, 128, 16_383, 16_384, 70_000])
    func lengthBoundaries(length: Int) throws {
        let string = String(repeating: "é", count: length / 2) + String(repeating: "a", count: length % 2)
        let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0) })
        #expect(try roundTrip(string) == string)
        #expect(try roundTrip(data) == data)
        #expect(try roundTrip([string, string]) == [string, string])
        let contact = Contact(name: string, email: string, point: Point(x: length, y: -length))
        #expect(try roundTrip(contact) == contact)
        #expect(try roundTrip([contact]) == [contact])
    }

    @Test("dates keep microseconds, before 1970 and far ahead")
    func dates() throws {
        let dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.000_001), Date(timeIntervalSince1970: 1_732_000_000.123_456),
            Date.distantPast, Date.distantFuture,
        ]
        for date in dates {
            #expect(try roundTrip(date) == date)
        }
    }

    @Test("dates are limited to ±2^62 µs from 1970 (decoders: a second less), so that every accepted date re-encodes")
    func dateRange() throws {
        func wire(_ microseconds: Int64) -> [UInt8] { withUnsafeBytes(of: microseconds.littleEndian) { Array($0) } }
        let limit: Int64 = (1 << 62) - 1_048_576
        for outside: Int64 in [.min, .max, limit + 1, -limit - 1, 1 << 62] {
            #expect(throws: DecodingError.self) { try BinaryDecoder().decode(Date.self, from: wire(outside)) }
        }
        for inside: Int64 in [limit, -limit, limit - 255, -limit + 255, 0] {
            let date = try BinaryDecoder().decode(Date.self, from: wire(inside))
            let again = try BinaryEncoder().encode(date)
            #expect(try BinaryDecoder().decode(Date.self, from: again) == date)
        }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(Date(timeIntervalSince1970: 5e12)) }
    }

    @Test("dates round to the nearest microsecond")
    func datePrecision() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123_456_7)
        let decoded = try roundTrip(date)
        #expect(abs(decoded.timeIntervalSince(date)) < 0.000_001)
        #expect(try roundTrip(decoded) == decoded)
    }

    @Test("Decimal round-trips exactly, including 38-digit significands and NaN")
    func decimals() throws {
        let values = [
            Decimal(string: "0")!, Decimal(string: "-0.000001")!, Decimal(string: "123456789012345678901234567890.12345678")!,
            Decimal(string: "99999999999999999999999999999999999999")!, Decimal(sign: .plus, exponent: 127, significand: 1),
            Decimal(sign: .minus, exponent: -128, significand: 7),
        ]
        for value in values {
            #expect(try roundTrip(value) == value)
        }
        #expect(try roundTrip(Decimal.nan).isNaN)
    }

    @Test("Money and currency codes")
    func money() throws {
        for minorUnits in [Int64.min, -1, 0, 1, 1234, Int64.max] {
            let money = Money(minorUnits: minorUnits, currency: CurrencyCode("JPY")!)
            #expect(try roundTrip(money) == money)
            #expect(try roundTrip([money]) == [money])
        }
        #expect(CurrencyCode("eur") == nil)
        #expect(CurrencyCode("EURO") == nil)
        #expect(CurrencyCode("EUR")?.code == "EUR")
    }

    @Test("optionals at the top, in fields, in sequences and nested")
    func optionals() throws {
        #expect(try roundTrip(Int?.none) == nil)
        #expect(try roundTrip(Int?.some(0)) == 0)
        #expect(try roundTrip([String?]([nil, "", "x", nil])) == [nil, "", "x", nil])
        #expect(try roundTrip([Point?]([nil, Point(x: 1, y: 1)])) == [nil, Point(x: 1, y: 1)])
        let contact = Contact(name: "n", email: nil, point: Point(x: 0, y: 0))
        #expect(try roundTrip(contact) == contact)
        let sparse: [Int: Int?] = [1: nil, 2: 3]
        #expect(try roundTrip(sparse) == sparse)
    }

    @Test("enums: raw-valued and with associated values")
    func enums() throws {
        for status in Status.allCases { #expect(try roundTrip(status) == status) }
        for priority in Priority.allCases { #expect(try roundTrip(priority) == priority) }
        let shapes: [Shape] = [.circle(radius: 1), .rectangle(-1, 2), .labelled("", point: nil), .labelled("p", point: Point(x: 1, y: 2)), .empty]
        for shape in shapes { #expect(try roundTrip(shape) == shape) }
        #expect(try roundTrip(shapes) == shapes)
    }

    @Test("dictionaries with String, Int, UUID and enum keys")
    func dictionaries() throws {
        let byString = ["a": 1, "": 2, "ü": 3]
        #expect(try roundTrip(byString) == byString)
        let byInt = [Int.min: "min", 0: "zero", Int.max: "max"]
        #expect(try roundTrip(byInt) == byInt)
        let byUUID = [UUID(): [Point(x: 1, y: 2)], UUID(): []]
        #expect(try roundTrip(byUUID) == byUUID)
        let byStatus: [Status: Int] = [.planned: 1, .done: 2]
        #expect(try roundTrip(byStatus) == byStatus)
        #expect(try roundTrip([String: Int]()) == [:])
    }

    @Test("nested containers, explicit nils in unkeyed containers, superEncoder, empty types")
    func handWrittenContainers() throws {
        let matrix = Matrix(title: "t", rows: [[], [nil], [1, nil, -3]])
        #expect(try roundTrip(matrix) == matrix)
        let derived = Derived(id: 42, extra: "more")
        #expect(try roundTrip(derived) == derived)
        #expect(try roundTrip(Empty()) == Empty())
        #expect(try roundTrip([Empty(), Empty()]) == [Empty(), Empty()])
        #expect(try roundTrip(Set([1, 2, 3])) == Set([1, 2, 3]))
    }

    @Test("encode(into:) appends to and reuses a buffer")
    func encodeIntoBuffer() throws {
        var buffer: [UInt8] = [0xFF]
        let point = Point(x: 1, y: -2)
        try BinaryEncoder().encode(point, into: &buffer)
        #expect(buffer == [0xFF] + (try BinaryEncoder().encode(point)))
        #expect(try BinaryDecoder().decode(Point.self, from: Array(buffer.dropFirst())) == point)
        let slice = buffer[1...]
        #expect(try BinaryDecoder().decode(Point.self, from: Data(slice)) == point)
    }

    @Test("a ByteBuffer is encoded into and decoded from in place")
    func byteBuffer() throws {
        let contact = Contact(name: "Ann", email: "a@x", point: Point(x: 1, y: -1))
        var buffer = ByteBuffer(bytes: [0xAA])
        try BinaryEncoder().encode(contact, into: &buffer)
        #expect(Array(buffer.readableBytesView.dropFirst()) == (try BinaryEncoder().encode(contact)))
        buffer.moveReaderIndex(forwardBy: 1)
        #expect(try BinaryDecoder().decode(Contact.self, from: buffer) == contact)
        // Decoding reads in place and leaves the reader index alone.
        #expect(buffer.readerIndex == 1)
        // A failed encode leaves the buffer as it was.
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(Date(timeIntervalSinceReferenceDate: .nan), into: &buffer) }
        #expect(buffer.readableBytes == (try BinaryEncoder().encode(contact)).count)
    }

    @Test("random nested values round-trip (property test)", arguments: [1 as UInt64, 2, 3, 4])
    func randomValues(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for iteration in 0..<150 {
            let sample = Sample.random(using: &rng)
            let bytes = try BinaryEncoder().encode(sample)
            let decoded = try BinaryDecoder().decode(Sample.self, from: bytes)
            let differences = decoded.differences(from: sample)
            #expect(differences.isEmpty, "seed \(seed), iteration \(iteration): \(differences)")
            // The encoding is deterministic for values without dictionaries of several entries.
            #expect(try BinaryEncoder().encode(decoded).count == bytes.count, "seed \(seed), iteration \(iteration)")
        }
    }

    @Test("random values round-trip at the top level as sequences, dictionaries and optionals")
    func randomTopLevelShapes() throws {
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<40 {
            let samples = rng.array(maxCount: 3) { Sample.random(using: &$0, depth: 1) }
            #expect(try roundTrip(samples) == samples)
            let keyed = Dictionary(uniqueKeysWithValues: samples.enumerated().map { ("\($0.offset)", $0.element) })
            #expect(try roundTrip(keyed) == keyed)
            let optional = samples.first
            #expect(try roundTrip(optional) == optional)
        }
    }

    /// Two sibling nested messages read interleaved, as a hand-written `init(from:)` may.
    struct Segment: Codable, Equatable {
        var from: Point
        var to: Point

        enum CodingKeys: Int, CodingKey {
            case from = 1
            case to = 2
        }

        init(from: Point, to: Point) {
            self.from = from
            self.to = to
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let from = try container.nestedContainer(keyedBy: Point.CodingKeys.self, forKey: .from)
            let to = try container.nestedContainer(keyedBy: Point.CodingKeys.self, forKey: .to)
            let fromX = try from.decode(Int.self, forKey: .x)
            let toX = try to.decode(Int.self, forKey: .x)
            let fromY = try from.decode(Int.self, forKey: .y)
            let toY = try to.decode(Int.self, forKey: .y)
            self.init(from: Point(x: fromX, y: fromY), to: Point(x: toX, y: toY))
        }
    }

    @Test("sibling nested containers alive at once each read their own fields")
    func interleavedSiblingContainers() throws {
        let segment = Segment(from: Point(x: 1, y: 2), to: Point(x: 3, y: 4))
        #expect(try BinaryDecoder().decode(Segment.self, from: try BinaryEncoder().encode(segment)) == segment)
    }
}
