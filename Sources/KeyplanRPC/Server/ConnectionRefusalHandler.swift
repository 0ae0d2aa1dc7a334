import KeyplanWire
import NIOCore

/// Answers a connection the server will not serve (it has ``ServerConfiguration/Limits/maxConnections``
/// open already): `GOAWAY(0, RESOURCE_EXHAUSTED, why)` in place of a preface, then close.
///
/// The client learns why at once instead of seeing a bare close, and nothing it sends is read.
final class ConnectionRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let goAway: Frame.GoAway
    /// How long the refusal may take to write (e.g. behind a TLS handshake) before the connection is dropped.
    private let timeout: TimeAmount
    private var answered = false
    /// Closes the connection if the client never does.
    private var deadline: Scheduled<Void>?

    init(message: String, timeout: TimeAmount) {
        self.goAway = Frame.GoAway(lastCallID: 0, code: .resourceExhausted, message: message)
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { answer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        answer(context: context)
        context.fireChannelActive()
    }

    private func answer(context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        // Half-close after the GOAWAY and keep draining what the client sends until it closes too: closing
        // with its bytes unread would reset the connection, and the reset can overtake the GOAWAY.
        context.writeAndFlush(NIOAny(Frame.goAway(goAway).encoded(allocator: channel.allocator))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever the client sent is dropped: it is refused.
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
