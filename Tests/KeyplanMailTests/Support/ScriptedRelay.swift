import NIOCore
import NIOPosix

/// A misbehaving relay that no real server library would play: it writes `script[0]` when a client connects,
/// `script[n]` after the client's n-th line, and is silent once the script runs out.
struct ScriptedRelay {
    let port: Int
    private let channel: any Channel

    static func run<Result>(_ script: [String], _ body: (ScriptedRelay) async throws -> Result) async throws -> Result {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(ScriptHandler(script: script)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let relay = ScriptedRelay(port: channel.localAddress!.port!, channel: channel)
        do {
            let result = try await body(relay)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}

private final class ScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var script: ArraySlice<String>

    init(script: [String]) {
        self.script = script[...]
    }

    func channelActive(context: ChannelHandlerContext) {
        next(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let lines = unwrapInboundIn(data).readableBytesView.filter { $0 == UInt8(ascii: "\n") }.count
        for _ in 0..<lines { next(context) }
    }

    private func next(_ context: ChannelHandlerContext) {
        guard let text = script.popFirst() else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }
}
