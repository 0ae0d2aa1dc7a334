import Foundation
import KeyplanWire
import Testing

/// Keyed decoding containers keep their cursor (the field they expect next) in a slot per nesting level, which the
/// messages at that level share: every message must still read and write its own fields, whatever the other messages
/// at its level or the previous call did with the slot, and errors must name the message they occur in.
@Suite("Keyed containers")
struct KeyedContainerTests {
    struct Stamp: Codable, Equatable {
        var at: Date

        enum CodingKeys: Int, CodingKey {
            case at = 1
        }
    }

    @Test("messages of one type round-trip in arrays, nested in themselves and alive side by side")
    func messagesOfOneType() throws {
        let chains = (1...6).map { TreeNode.chain(depth: $0) }
        #expect(try roundTrip(chains) == chains)
        let segments = (0..<20).map { RoundTripTests.Segment(from: Point(x: $0, y: -$0), to: Point(x: 2 * $0, y: 3)) }
        #expect(try roundTrip(segments) == segments)
        // Two decodes in a row, and one inside another's value, each with its own containers.
        let points = (0..<5).map { Point(x: $0, y: $0 * $0) }
        #expect(try roundTrip([points, points, []]) == [points, points, []])
    }

    /// Two messages at the same level, both decoded through their own keyed container, in turn: each container must
    /// find its own fields though the other moved the level's cursor in between.
    struct Siblings: Codable, Equatable {
        var first: Point
        var second: Point

        enum PointKeys: Int, CodingKey {
            case x = 1
            case y = 2
        }

        init(first: Point, second: Point) {
            self.first = first
            self.second = second
        }

        init(from decoder: any Decoder) throws {
            var elements = try decoder.unkeyedContainer()
            let first = try elements.nestedContainer(keyedBy: PointKeys.self)
            let second = try elements.nestedContainer(keyedBy: PointKeys.self)
            // Interleaved, and each message's second field first, so that no read finds its field at the cursor.
            let firstY = try first.decode(Int.self, forKey: .y)
            let secondY = try second.decode(Int.self, forKey: .y)
            let firstX = try first.decode(Int.self, forKey: .x)
            let secondX = try second.decode(Int.self, forKey: .x)
            self.init(first: Point(x: firstX, y: firstY), second: Point(x: secondX, y: secondY))
        }

        func encode(to encoder: any Encoder) throws {
            var elements = encoder.unkeyedContainer()
            try elements.encode(self.first)
            try elements.encode(self.second)
        }
    }

    @Test("sibling messages decoded in turn each read their own fields")
    func siblingsInTurn() throws {
        let siblings = Siblings(first: Point(x: 1, y: 200), second: Point(x: -3, y: 4))
        #expect(try roundTrip(siblings) == siblings)
        #expect(try roundTrip([siblings, siblings]) == [siblings, siblings])
    }

    /// A message with only the first of the two string fields it is sent.
    struct OnlyFirst: Codable, Equatable {
        var first: String

        enum CodingKeys: Int, CodingKey {
            case first = 1
        }
    }

    @Test("a call does not start from the cursor the previous call left at the same offsets")
    func cursorOfThePreviousCall() throws {
        // Field 1 "xxxx", then field 2 "y": reading field 1 leaves the cursor at offset 6, on field 2's tag.
        #expect(try BinaryDecoder().decode(OnlyFirst.self, from: [0x0A, 0x04, 0x78, 0x78, 0x78, 0x78, 0x12, 0x01, 0x79]) == OnlyFirst(first: "xxxx"))
        // As long, but one field whose offset 6 is inside its string, at a byte that is no valid tag (wire type 7).
        let bytes: [UInt8] = [0x0A, 0x07, 0x41, 0x41, 0x41, 0x41, 0x07, 0x41, 0x41]
        #expect(try BinaryDecoder().decode(OnlyFirst.self, from: bytes) == OnlyFirst(first: "AAAA\u{7}AA"))
    }

    @Test("a decoding error in a later message names that message")
    func decodingErrorPath() throws {
        // Three points; the third one's y is length-delimited instead of a varint.
        let bytes: [UInt8] = [0x03, 0x04, 0x08, 0x02, 0x10, 0x04, 0x04, 0x08, 0x06, 0x10, 0x08, 0x04, 0x08, 0x0A, 0x12, 0x00]
        let error = try #require(throws: DecodingError.self) { try BinaryDecoder().decode([Point].self, from: bytes) }
        #expect(codingPath(of: error) == ["Index 2", "y"])
    }

    @Test("an encoding error in a later message names that message")
    func encodingErrorPath() throws {
        let stamps = [
            Stamp(at: Date(timeIntervalSince1970: 0)), Stamp(at: Date(timeIntervalSince1970: 1)),
            Stamp(at: Date(timeIntervalSinceReferenceDate: .infinity)),
        ]
        let error = try #require(throws: EncodingError.self) { try BinaryEncoder().encode(stamps) }
        guard case .invalidValue(_, let context) = error else {
            Issue.record("expected invalidValue, got \(error)")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["Index 2", "at"])
        #expect(context.codingPath.first?.intValue == 2)
    }
}
