import NIOCore
import NIOExtras
import NIOPosix

/// The floor: length-prefixed byte echo straight over NIO TCP, no RPC protocol at all.
///
/// Same event loops, same async client path as the RPC systems, so its figures are what any
/// NIO-based runtime pays before its own framing, dispatch and call bookkeeping.
enum TCPEcho: EchoSystem {
    static func serve(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(Self.framingHandlers() + [EchoHandler()])
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            throw EchoBenchmarkError.notListening("TCP echo server has no local port")
        }
        onListening(port)
        try await channel.closeFuture.get()
    }

    static func withConnections<Output>(
        count: Int,
        port: Int,
        _ body: ([Connection]) async throws -> Output
    ) async throws -> Output {
        var connections: [Connection] = []
        defer { connections.forEach { $0.channel.close(promise: nil) } }
        for _ in 0..<count {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(Self.framingHandlers() + [CallHandler()])
                    }
                }
                .connect(host: "127.0.0.1", port: port)
                .get()
            connections.append(Connection(channel: channel))
        }
        return try await body(connections)
    }

    /// A 4-byte big-endian length before each message, both ways.
    private static func framingHandlers() -> [any ChannelHandler] {
        [
            ByteToMessageHandler(LengthFieldBasedFrameDecoder(lengthFieldBitLength: .fourBytes)),
            LengthFieldPrepender(lengthFieldBitLength: .fourBytes),
        ]
    }

    struct Connection: EchoConnection {
        let channel: any Channel

        func echo(_ payload: [UInt8]) async throws -> [UInt8] {
            let response = self.channel.eventLoop.makePromise(of: ByteBuffer.self)
            let request = self.channel.allocator.buffer(bytes: payload)
            self.channel.writeAndFlush(CallHandler.Call(request: request, response: response), promise: nil)
            return Array(buffer: try await response.futureResult.get())
        }
    }

    /// Server side: writes each message back, flushing once per read burst.
    private final class EchoHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.write(data, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }

    /// Client side: the server answers in order, so responses complete the oldest waiting call.
    private final class CallHandler: ChannelDuplexHandler {
        struct Call {
            var request: ByteBuffer
            var response: EventLoopPromise<ByteBuffer>
        }

        typealias InboundIn = ByteBuffer
        typealias OutboundIn = Call
        typealias OutboundOut = ByteBuffer

        private var waiting = CircularBuffer<EventLoopPromise<ByteBuffer>>()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let call = self.unwrapOutboundIn(data)
            self.waiting.append(call.response)
            context.write(self.wrapOutboundOut(call.request), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let response = self.waiting.popFirst() else {
                context.fireErrorCaught(EchoBenchmarkError.unsolicitedResponse(system: "TCP echo"))
                return
            }
            response.succeed(self.unwrapInboundIn(data))
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.failWaiting(ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.failWaiting(error)
            context.close(promise: nil)
        }

        private func failWaiting(_ error: any Error) {
            while let response = self.waiting.popFirst() {
                response.fail(error)
            }
        }
    }
}
