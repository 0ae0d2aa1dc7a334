public import NIOCore

/// Reassembles frames from bytes that arrive in chunks of any size, one byte at a time included.
///
/// A pure value: feed it with ``append(_:)`` and take frames with ``next()`` until it returns
/// `nil`. The payload length is checked against ``maxFrameSize`` as soon as the 10 header bytes
/// are in, before any room is made for the payload, so a forged length costs nothing. After an
/// error the parser stays failed: a stream with one bad frame has no trustworthy boundary left.
public struct FrameParser: Sendable {
    /// The default limit on a frame's payload: 4 MiB.
    public static let defaultMaxFrameSize: UInt32 = 4 * 1024 * 1024

    /// The largest payload accepted.
    public var maxFrameSize: UInt32

    private var buffer: ByteBuffer
    private var failure: FrameError?

    public init(maxFrameSize: UInt32 = FrameParser.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
        self.buffer = ByteBuffer()
        self.failure = nil
    }

    /// Bytes received but not yet part of a returned frame.
    public var bufferedBytes: Int { buffer.readableBytes }

    /// Adds received bytes.
    public mutating func append(_ chunk: ByteBuffer) {
        if buffer.readableBytes == 0 {
            // The common case: take the chunk as is, no copy.
            buffer = chunk
        } else {
            buffer.writeImmutableBuffer(chunk)
        }
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// The next whole frame, or `nil` if more bytes are needed.
    public mutating func next() throws(FrameError) -> Frame? {
        if let failure { throw failure }
        guard let header = FrameHeader.peek(in: buffer) else { return nil }
        do throws(FrameError) {
            guard header.payloadLength <= maxFrameSize else {
                throw FrameError.frameTooLarge(length: header.payloadLength, limit: maxFrameSize)
            }
            guard FrameType(rawValue: header.typeByte) != nil else {
                // Known before the payload arrives: fail now rather than wait for garbage.
                throw FrameError.unknownFrameType(header.typeByte)
            }
            guard buffer.readableBytes >= FrameHeader.size + Int(header.payloadLength) else { return nil }
            buffer.moveReaderIndex(forwardBy: FrameHeader.size)
            let payload = buffer.readSlice(length: Int(header.payloadLength)) ?? ByteBuffer()
            let frame = try Frame.decode(header: header, payload: payload)
            compactIfNeeded()
            return frame
        } catch {
            self.failure = error
            throw error
        }
    }

    /// Call when the stream has ended: fails if it ended inside a frame.
    public func finish() throws(FrameError) {
        if let failure { throw failure }
        guard buffer.readableBytes == 0 else { throw FrameError.truncatedFrame(bufferedBytes: buffer.readableBytes) }
    }

    /// Every whole frame buffered so far.
    public mutating func frames() throws(FrameError) -> [Frame] {
        var frames: [Frame] = []
        while let frame = try next() { frames.append(frame) }
        return frames
    }

    /// Reclaims consumed bytes once they dominate the buffer, so a long-lived connection's
    /// buffer does not grow with everything it ever received.
    private mutating func compactIfNeeded() {
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > 64 * 1024 && buffer.readerIndex > buffer.readableBytes {
            buffer.discardReadBytes()
        }
    }
}

extension Frame {
    /// Decodes exactly one frame from `bytes`, which must hold nothing else.
    public init(decoding bytes: some Sequence<UInt8>, maxFrameSize: UInt32 = FrameParser.defaultMaxFrameSize) throws(FrameError) {
        var parser = FrameParser(maxFrameSize: maxFrameSize)
        parser.append(bytes)
        guard let frame = try parser.next() else {
            throw FrameError.truncatedFrame(bufferedBytes: parser.bufferedBytes)
        }
        guard parser.bufferedBytes == 0 else {
            throw FrameError.bytesAfterFrame(parser.bufferedBytes)
        }
        self = frame
    }
}
