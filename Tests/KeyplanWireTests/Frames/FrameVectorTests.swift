import KeyplanWire
import NIOCore
import Testing

@Suite("Frame golden vectors")
struct FrameVectorTests {
    @Test("bytes decode to the frame", arguments: FrameVectors.all.valid)
    func decodes(vector: FrameVectors.Valid) throws {
        #expect(try Frame(decoding: Array(frameHex: vector.hex)) == vector.frame.frame)
    }

    @Test("the frame encodes to the bytes", arguments: FrameVectors.all.valid)
    func encodes(vector: FrameVectors.Valid) {
        #expect(Array(buffer: vector.frame.frame.encoded()).frameHex == vector.hex)
    }

    @Test("malformed bytes are rejected with their precise error", arguments: FrameVectors.all.malformed)
    func rejects(vector: FrameVectors.Malformed) {
        let bytes = Array(frameHex: vector.hex)
        let limit = vector.maxFrameSize ?? FrameParser.defaultMaxFrameSize
        #expect(throws: vector.error.error) { try Frame(decoding: bytes, maxFrameSize: limit) }
    }

    @Test("malformed bytes fed one at a time fail the same way", arguments: FrameVectors.all.malformed)
    func rejectsByteByByte(vector: FrameVectors.Malformed) {
        var parser = FrameParser(maxFrameSize: vector.maxFrameSize ?? FrameParser.defaultMaxFrameSize)
        let expected = vector.error.error
        var thrown: FrameError?
        var decoded: [Frame] = []
        for byte in Array(frameHex: vector.hex) {
            parser.append(CollectionOfOne(byte))
            do {
                while let frame = try parser.next() { decoded.append(frame) }
            } catch {
                thrown = error
                break
            }
        }
        switch expected {
        case .truncatedFrame:
            #expect(thrown == nil)
            #expect(throws: expected) { try parser.finish() }
        case .bytesAfterFrame:
            // As a stream, the stray byte is just the start of the next frame.
            #expect(thrown == nil)
            #expect(decoded.count == 1)
            #expect(throws: FrameError.truncatedFrame(bufferedBytes: 1)) { try parser.finish() }
        default:
            #expect(thrown == expected)
        }
    }
}
