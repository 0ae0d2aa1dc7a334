import Foundation
import KeyplanWire
import Testing

/// Each thread keeps its last coder state (buffers, level slots, strategies) for the next call. Whatever the
/// previous call on the thread did — failed half-way, read other bytes, coded many other types, or is still running
/// around a nested call — the next call must read its own input and write exactly its own bytes.
@Suite("Coder state reused between calls")
struct SpareCoderStateTests {
    @Test("a call reads its own input, not the previous call's")
    func readsItsOwnInput() throws {
        let first = try BinaryEncoder().encode([Point(x: 1, y: 2), Point(x: 3, y: 4)])
        let second = try BinaryEncoder().encode([Point(x: -5, y: 6)])
        #expect(try BinaryDecoder().decode([Point].self, from: first) == [Point(x: 1, y: 2), Point(x: 3, y: 4)])
        #expect(try BinaryDecoder().decode([Point].self, from: second) == [Point(x: -5, y: 6)])
        #expect(try BinaryDecoder().decode(Point.self, from: [0x08, 0x02, 0x10, 0x04]) == Point(x: 1, y: 2))
        #expect(try BinaryDecoder().decode(Point.self, from: [0x08, 0x06, 0x10, 0x08]) == Point(x: 3, y: 4))
    }

    @Test("a call after a failed one starts clean")
    func afterAFailure() throws {
        // Encoding fails inside the third message, with frames open and the coding path three levels deep.
        let stamps = [
            KeyedContainerTests.Stamp(at: Date(timeIntervalSince1970: 0)),
            KeyedContainerTests.Stamp(at: Date(timeIntervalSinceReferenceDate: .infinity)),
        ]
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode([stamps]) }
        #expect(hex(try BinaryEncoder().encode(Point(x: 1, y: 2))) == "08021004")
        // Decoding fails in the middle of a sequence, at a depth limit, and on a truncated message.
        #expect(throws: DecodingError.self) { try BinaryDecoder().decode([Point].self, from: [0x03, 0x04, 0x08, 0x02, 0x10]) }
        let deep = TreeNode.chain(depth: 10)
        let limited = BinaryDecoder(configuration: .init(maximumDepth: 4))
        #expect(throws: DecodingError.self) { try limited.decode(TreeNode.self, from: try BinaryEncoder().encode(deep)) }
        #expect(try BinaryDecoder().decode(Point.self, from: [0x08, 0x02, 0x10, 0x04]) == Point(x: 1, y: 2))
        #expect(try roundTrip(deep) == deep)
    }

    @Test("a coder used inside a value's own coding gets a state of its own")
    func nestedCalls() throws {
        let envelope = Envelope(before: "before", inner: Point(x: 7, y: -8), after: "after")
        let bytes = try BinaryEncoder().encode([envelope, envelope])
        #expect(try BinaryDecoder().decode([Envelope].self, from: bytes) == [envelope, envelope])
        // The inner value travels as the bytes of its own top-level encoding.
        #expect(try BinaryDecoder().decode(RawEnvelope.self, from: try BinaryEncoder().encode(envelope)).inner == [0x08, 0x0E, 0x10, 0x0F])
    }

    @Test("a thread that coded many message types still codes them all")
    func manyMessageTypes() throws {
        // 36 message types (more than a state once kept container boxes for between calls), twice over.
        for _ in 0..<2 {
            try Self.roundTripPairs(A.self)
            try Self.roundTripPairs(B.self)
            try Self.roundTripPairs(C.self)
            try Self.roundTripPairs(D.self)
            try Self.roundTripPairs(E.self)
            try Self.roundTripPairs(F.self)
        }
        #expect(try roundTrip(Point(x: 1, y: 1)) == Point(x: 1, y: 1))
    }

    @Test("a message larger than the buffer a state keeps is followed by exact small ones")
    func largeThenSmall() throws {
        let large = [String](repeating: String(repeating: "x", count: 1000), count: 400)
        #expect(try roundTrip(large) == large)
        #expect(hex(try BinaryEncoder().encode(Point(x: 1, y: 2))) == "08021004")
        var buffer: [UInt8] = [0xFF]
        try BinaryEncoder().encode(Point(x: 1, y: 2), into: &buffer)
        #expect(buffer == [0xFF, 0x08, 0x02, 0x10, 0x04])
    }

    @Test("lengths stay minimal whatever the messages coded before at the same depth")
    func lengthsAfterLongerMessages() throws {
        // Elements of 200 bytes take a two-byte length; the points after them, at the same depth, one byte.
        let long = [Contact(name: String(repeating: "n", count: 200), email: nil, point: Point(x: 0, y: 0))]
        #expect(try roundTrip(long) == long)
        #expect(hex(try BinaryEncoder().encode([Point(x: 1, y: 2)])) == "010408021004")
        #expect(try roundTrip(long) == long)
        #expect(hex(try BinaryEncoder().encode([[Point(x: 1, y: 2)], long.map(\.point)])) == "020601040802100406010408001000")
    }

    @Test("a spare state does not keep the caller's userInfo alive")
    func userInfoLetGo() throws {
        var token = Token()
        let key = try #require(CodingUserInfoKey(rawValue: "token"))
        do {
            let bytes = try BinaryEncoder(userInfo: [key: token]).encode(Point(x: 1, y: 2))
            #expect(try BinaryDecoder(userInfo: [key: token]).decode(Point.self, from: bytes) == Point(x: 1, y: 2))
        }
        #expect(isKnownUniquelyReferenced(&token))
    }

    final class Token: Sendable {}

    /// A value whose coding runs a whole other encode or decode in the middle of its own.
    struct Envelope: Codable, Equatable {
        var before: String
        var inner: Point
        var after: String

        enum CodingKeys: Int, CodingKey {
            case before = 1
            case inner = 2
            case after = 3
        }

        init(before: String, inner: Point, after: String) {
            self.before = before
            self.inner = inner
            self.after = after
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.before = try container.decode(String.self, forKey: .before)
            self.inner = try BinaryDecoder().decode(Point.self, from: try container.decode([UInt8].self, forKey: .inner))
            self.after = try container.decode(String.self, forKey: .after)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.before, forKey: .before)
            try container.encode(try BinaryEncoder().encode(self.inner), forKey: .inner)
            try container.encode(self.after, forKey: .after)
        }
    }

    /// An ``Envelope`` read without unwrapping its inner value.
    struct RawEnvelope: Codable {
        var inner: [UInt8]

        enum CodingKeys: Int, CodingKey {
            case inner = 2
        }
    }

    /// A message type of its own for every pair of tags.
    struct Tagged<First, Second>: Codable, Equatable {
        var value: Int

        enum CodingKeys: Int, CodingKey {
            case value = 1
        }
    }

    enum A {}
    enum B {}
    enum C {}
    enum D {}
    enum E {}
    enum F {}

    private static func roundTripPairs<First>(_ first: First.Type) throws {
        let values = [
            try roundTrip(Tagged<First, A>(value: 1)).value, try roundTrip(Tagged<First, B>(value: 2)).value,
            try roundTrip(Tagged<First, C>(value: 3)).value, try roundTrip(Tagged<First, D>(value: 4)).value,
            try roundTrip(Tagged<First, E>(value: 5)).value, try roundTrip(Tagged<First, F>(value: 6)).value,
        ]
        #expect(values == [1, 2, 3, 4, 5, 6])
    }
}
