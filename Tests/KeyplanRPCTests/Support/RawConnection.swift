import KeyplanWire
import NIOCore
import NIOPosix

/// A raw TCP connection to the server, for sending bytes no client would: garbage, oversize or
/// truncated frames, or nothing at all.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(port: Int) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawConnection(channel: channel)
    }

    /// Sends `bytes`, then reads until the server closes the connection (or `timeout` passes: long,
    /// so that only a server that never closes, not a loaded machine, fails a test),
    /// and returns the frames received and whether the server closed.
    /// With `until`, returns as soon as a frame satisfies it (`closed` is then false).
    func exchange(
        _ bytes: [UInt8], timeout: Duration = .seconds(30), until: (@Sendable (Frame) -> Bool)? = nil
    ) async throws -> (frames: [Frame], closed: Bool) {
        try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
            return try await withThrowingTaskGroup(of: (frames: [Frame], closed: Bool)?.self) { group in
                group.addTask {
                    var parser = FrameParser()
                    var frames: [Frame] = []
                    for try await chunk in inbound {
                        parser.append(chunk)
                        frames += try parser.frames()
                        if let until, frames.contains(where: until) { return (frames, false) }
                    }
                    return (frames, true)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first ?? ([], false)
            }
        }
    }

    /// A client preface and settings, as the first bytes of a conversation.
    static var preface: [UInt8] {
        Array(buffer: Frame.preface(.init()).encoded()) + Array(buffer: Frame.settings(.init(values: [])).encoded())
    }
}
