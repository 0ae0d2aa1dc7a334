import KeyplanWire
import NIOCore
import Testing

@Suite("Frame parser")
struct FrameParserTests {
    /// Every valid vector back to back: one stream of a whole conversation's worth of frames.
    private var stream: (bytes: [UInt8], frames: [Frame]) {
        let vectors = FrameVectors.all.valid
        return (vectors.flatMap { Array(frameHex: $0.hex) }, vectors.map(\.frame.frame))
    }

    @Test("fed one byte at a time, yields every frame exactly once")
    func oneByteAtATime() throws {
        let (bytes, expected) = stream
        var parser = FrameParser()
        var frames: [Frame] = []
        for byte in bytes {
            parser.append(ByteBuffer(bytes: [byte]))
            while let frame = try parser.next() { frames.append(frame) }
        }
        #expect(frames == expected)
        #expect(parser.bufferedBytes == 0)
        try parser.finish()
    }

    @Test("fed in chunks of every size from 2 to 37 bytes, yields the same frames", arguments: 2...37)
    func chunked(size: Int) throws {
        let (bytes, expected) = stream
        var parser = FrameParser()
        var frames: [Frame] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + size, bytes.count)
            parser.append(ByteBuffer(bytes: bytes[offset..<end]))
            frames += try parser.frames()
            offset = end
        }
        #expect(frames == expected)
    }

    @Test("fed everything at once, yields the same frames")
    func allAtOnce() throws {
        let (bytes, expected) = stream
        var parser = FrameParser()
        parser.append(bytes)
        #expect(try parser.frames() == expected)
    }

    @Test("rejects an oversize length from the header alone, before the payload arrives")
    func oversizeFromHeader() {
        var parser = FrameParser(maxFrameSize: 1024)
        var header = ByteBuffer()
        header.writeInteger(UInt32(1025))
        header.writeInteger(FrameType.message.rawValue)
        header.writeInteger(UInt8(0))
        header.writeInteger(UInt32(1))
        parser.append(header)
        #expect(throws: FrameError.frameTooLarge(length: 1025, limit: 1024)) { try parser.next() }
        #expect(parser.bufferedBytes == FrameHeader.size)
    }

    @Test("accepts a payload exactly at the limit")
    func payloadAtLimit() throws {
        let message = Frame.message(callID: 1, ByteBuffer(repeating: 7, count: 1024))
        var parser = FrameParser(maxFrameSize: 1024)
        parser.append(message.encoded())
        #expect(try parser.next() == message)
    }

    @Test("stays failed after an error")
    func staysFailed() {
        var parser = FrameParser()
        parser.append([0, 0, 0, 0, 0xEE, 0, 0, 0, 0, 0])
        #expect(throws: FrameError.unknownFrameType(0xEE)) { try parser.next() }
        parser.append(Frame.ping(1).encoded())
        #expect(throws: FrameError.unknownFrameType(0xEE)) { try parser.next() }
    }

    @Test("a message payload is handed out without the bytes around it")
    func messageSlice() throws {
        var parser = FrameParser()
        parser.append(Frame.message(callID: 9, ByteBuffer(bytes: [1, 2, 3])).encoded())
        parser.append(Frame.halfClose(callID: 9).encoded())
        guard case .message(9, let payload) = try parser.next() else {
            Issue.record("expected a message")
            return
        }
        #expect(Array(buffer: payload) == [1, 2, 3])
        #expect(try parser.next() == .halfClose(callID: 9))
    }

    @Test("round-trips every status code and large varints")
    func roundTrips() throws {
        for code in StatusCode.allDefined + [StatusCode(rawValue: 200)] {
            let frame = Frame.end(callID: 1, .init(code: code, message: "\(code)"))
            #expect(try Frame(decoding: Array(buffer: frame.encoded())) == frame)
        }
        for timeout in [0, 127, 128, 16_383, 16_384, UInt64(UInt32.max), UInt64.max - 1, UInt64.max] {
            let frame = Frame.open(callID: 1, .init(method: "a/b", timeoutMicroseconds: timeout))
            #expect(try Frame(decoding: Array(buffer: frame.encoded())) == frame)
        }
    }
}
