/// Code that runs around every handler on the server: authentication, logging, metrics.
///
/// Interceptors run in the order given to the server, the first outermost. One may change the
/// context it passes on (e.g. set ``ServerContext/principal``), refuse the call by throwing an
/// ``RPCError`` instead of calling `next`, or observe how `next` ends.
public protocol ServerInterceptor: Sendable {
    func intercept(
        context: ServerContext,
        next: @Sendable (ServerContext) async throws -> Void
    ) async throws
}

extension Array where Element == any ServerInterceptor {
    /// Runs `handler` inside every interceptor, the first outermost.
    func run(context: ServerContext, handler: @escaping @Sendable (ServerContext) async throws -> Void) async throws {
        var next = handler
        for interceptor in reversed() {
            let inner = next
            next = { context in try await interceptor.intercept(context: context, next: inner) }
        }
        try await next(context)
    }
}
