import Foundation
import KeyplanWire
import Testing

/// The coders hand a keyed container's box to the next message of the same type once the previous one is done with
/// it: every message must still read and write its own fields, and errors must name the message they occur in.
@Suite("Keyed container reuse")
struct ContainerReuseTests {
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

    @Test("a decoding error in a later message names that message")
    func decodingErrorPath() throws {
        // Three points; the third one's y is length-delimited instead of a varint.
        let bytes: [UInt8] = [0x03, 0x04, 0x08, 0x02, 0x10, 0x04, 0x04, 0x08, 0x06, 0x10, 0x08, 0x04, 0x08, 0x0A, 0x12, 0x00]
        let error = try #require(throws: DecodingError.self) { try BinaryDecoder().decode([Point].self, from: bytes) }
        #expect(codingPath(of: error) == ["Index 2", "y"])
    }

    @Test("an encoding error in a later message names that message")
    func encodingErrorPath() throws {
        let stamps = [Stamp(at: Date(timeIntervalSince1970: 0)), Stamp(at: Date(timeIntervalSince1970: 1)), Stamp(at: Date(timeIntervalSinceReferenceDate: .infinity))]
        let error = try #require(throws: EncodingError.self) { try BinaryEncoder().encode(stamps) }
        guard case .invalidValue(_, let context) = error else {
            Issue.record("expected invalidValue, got \(error)")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["Index 2", "at"])
        #expect(context.codingPath.first?.intValue == 2)
    }
}
