import KeyplanWire
import Synchronization

/// A handle on one gateway call from outside it: the gateway ends a call with it when its client's
/// connection closes (HTTP servers do not cancel a request's task for that) or when the server shuts
/// down, as a connection's calls end with CANCELLED or UNAVAILABLE on the binary protocol.
///
/// Ending before the call started takes effect as soon as it starts.
public final class GatewayCallControl: Sendable {
    private let state = Mutex<(call: GatewayCall?, handler: Task<Void, Never>?, pending: RPCError?)>((nil, nil, nil))

    public init() {}

    /// Ends the call with `error` (its trailers included) and cancels its handler; nothing if it had ended.
    public func end(with error: RPCError) {
        let bound: (GatewayCall, Task<Void, Never>)? = state.withLock { state in
            guard let call = state.call, let handler = state.handler else {
                state.pending = state.pending ?? error
                return nil
            }
            return (call, handler)
        }
        guard let (call, handler) = bound else { return }
        Self.end(call, handler, with: error)
    }

    func bind(_ call: GatewayCall, handler: Task<Void, Never>) {
        let pending: RPCError? = state.withLock { state in
            state.call = call
            state.handler = handler
            return state.pending
        }
        if let pending { Self.end(call, handler, with: pending) }
    }

    private static func end(_ call: GatewayCall, _ handler: Task<Void, Never>, with error: RPCError) {
        var trailers = call.response.trailers
        trailers.add(contentsOf: error.metadata)
        if call.finish(Frame.End(code: error.code, message: error.message, trailers: trailers.fields), because: error) {
            handler.cancel()
        }
    }
}
