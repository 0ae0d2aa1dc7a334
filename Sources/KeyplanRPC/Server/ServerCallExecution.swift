import KeyplanWire
import Logging

/// Runs one call's handler, inside the interceptors, on the cooperative pool, and ends the call
/// with the status its outcome stands for.
enum ServerCallExecution {
    static func run(call: any RouteCall, route: RPCRouter.Route, context: ServerContext, interceptors: [any ServerInterceptor]) async {
        do {
            try await interceptors.run(context: context) { context in
                do {
                    try await route.handle(call, context)
                } catch {
                    // The server ended the call first (deadline, shutdown) and cancelled the handler: what
                    // it threw is a consequence. Interceptors (logs, metrics) see the status the client got.
                    throw (call.endedByServer as (any Error)?) ?? error
                }
                if let reason = call.endedByServer { throw reason }
            }
            call.finish(Frame.End(code: .ok, trailers: call.response.trailers.fields), because: nil)
        } catch {
            call.fail(error, logger: context.logger)
        }
    }

    /// The `END` an error stands for. Errors that are not RPC errors become INTERNAL with a
    /// generic message: their text may hold internals, so it goes to the log only.
    static func end(for error: any Error, trailers: Metadata, logger: Logger) -> Frame.End {
        if let convertible = error as? any RPCErrorConvertible {
            let rpcError = convertible.rpcError
            var trailers = trailers
            trailers.add(contentsOf: rpcError.metadata)
            return Frame.End(code: rpcError.code, message: rpcError.message, details: rpcError.details, trailers: trailers.fields)
        }
        if error is CancellationError {
            return Frame.End(code: .cancelled, message: "the call was cancelled", trailers: trailers.fields)
        }
        logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
        return Frame.End(code: .internal, message: "internal error", trailers: trailers.fields)
    }
}
