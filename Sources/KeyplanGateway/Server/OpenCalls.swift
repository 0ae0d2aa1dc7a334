import KeyplanRPC
import NIOCore
import Synchronization

/// The gateway's calls in progress, by connection, so that they end as a binary connection's calls do:
/// with CANCELLED when their client's connection closes (Hummingbird does not cancel a request's task
/// for that, and a watch might otherwise run on for good), and — streams — with UNAVAILABLE when the
/// server shuts down, so that shutting down never waits on a watch (clients resume with `after`).
final class OpenCalls: Sendable {
    private struct Entry {
        let control: GatewayCallControl
        let streaming: Bool
    }

    private let state = Mutex<(byConnection: [ObjectIdentifier: [ObjectIdentifier: Entry]], shuttingDown: Bool)>(([:], false))

    static let clientGone = RPCError(code: .cancelled, message: "the client's connection closed")
    static let shutdown = RPCError(
        code: .unavailable, message: "the server is shutting down; retry on a new connection (a watch resumes with after)",
        metadata: ["retry-after-ms": "0"])

    /// A control for a new call on `connection`; `nil` once the server is shutting down.
    func open(on connection: ObjectIdentifier, streaming: Bool) -> GatewayCallControl? {
        let control = GatewayCallControl()
        let admitted = state.withLock { state in
            guard !state.shuttingDown || !streaming else { return false }
            state.byConnection[connection, default: [:]][ObjectIdentifier(control)] = Entry(control: control, streaming: streaming)
            return true
        }
        return admitted ? control : nil
    }

    /// The call is over: forget it.
    func close(_ control: GatewayCallControl, on connection: ObjectIdentifier) {
        state.withLock { state in
            state.byConnection[connection]?[ObjectIdentifier(control)] = nil
            if state.byConnection[connection]?.isEmpty == true { state.byConnection[connection] = nil }
        }
    }

    /// The client closed `connection` (or its sending side): its calls end.
    func connectionClosed(_ connection: ObjectIdentifier) {
        let entries = state.withLock { $0.byConnection.removeValue(forKey: connection) } ?? [:]
        for entry in entries.values { entry.control.end(with: Self.clientGone) }
    }

    /// The server shuts down: open streams end now, new ones are refused; single calls finish on their own.
    func shutDown() {
        let streams = state.withLock { state in
            state.shuttingDown = true
            return state.byConnection.values.flatMap { $0.values.filter(\.streaming) }
        }
        for entry in streams { entry.control.end(with: Self.shutdown) }
    }
}

/// Tells ``OpenCalls`` when a connection closes, or its client stops sending (the server allows a
/// half-closed connection, which would otherwise hide a client that left).
final class ConnectionClosedHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny
    private let openCalls: OpenCalls

    init(openCalls: OpenCalls) {
        self.openCalls = openCalls
    }

    func channelInactive(context: ChannelHandlerContext) {
        openCalls.connectionClosed(ObjectIdentifier(context.channel))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(ChannelEvent.inputClosed) = event as? ChannelEvent {
            openCalls.connectionClosed(ObjectIdentifier(context.channel))
        }
        context.fireUserInboundEventTriggered(event)
    }
}
