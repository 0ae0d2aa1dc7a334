/// What a client interceptor sees of a call before it starts.
public struct ClientContext: Sendable {
    public let method: MethodDescriptor
    /// The metadata to send; an interceptor may add to it (e.g. credentials).
    public var metadata: Metadata
    public var deadline: Deadline?

    public init(method: MethodDescriptor, metadata: Metadata, deadline: Deadline?) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
    }
}

/// Code that runs around every call on the client: credentials, logging, metrics, retries.
///
/// Interceptors run in the order given to the client, the first outermost. `next` performs the
/// rest of the call, through its end, and returns its result or throws its ``RPCError``.
public protocol ClientInterceptor: Sendable {
    func intercept<Result: Sendable>(
        context: ClientContext,
        next: (ClientContext) async throws -> Result
    ) async throws -> Result
}

extension Array where Element == any ClientInterceptor {
    /// Runs `call` inside the interceptors from `index` on, the first outermost.
    func run<Result: Sendable>(
        context: ClientContext, from index: Int = 0, call: (ClientContext) async throws -> Result
    ) async throws -> Result {
        guard index < count else { return try await call(context) }
        return try await self[index].intercept(context: context) { context in
            try await run(context: context, from: index + 1, call: call)
        }
    }
}
