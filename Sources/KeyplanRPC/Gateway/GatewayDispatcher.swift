import KeyplanWire
public import Logging
public import NIOCore

/// The way into a server's handlers for another protocol — the HTTP/JSON gateway: the same router,
/// the same interceptors (authentication, authorization, audit, metrics, logs) and the same limits
/// as calls over the binary protocol, with messages in their JSON form.
///
/// A gateway parses its own requests, then calls ``call(_:stream:)`` with the request messages'
/// JSON; it gets back how the call ended. Obtain one from ``RPCServer/gateway``.
public struct GatewayDispatcher: Sendable {
    let router: RPCRouter
    let interceptors: [any ServerInterceptor]
    let maxCallDuration: Duration?
    let logger: Logger

    /// A method a gateway can carry.
    public struct Method: Sendable, Hashable {
        public let fullName: String
        public let kind: CallKind
        public let idempotency: Idempotency
    }

    /// The method named `fullName` (`service/Method`), or the `UNIMPLEMENTED` error that says why there is
    /// none, including for a method whose messages have no JSON form.
    public func method(named fullName: String) -> Result<Method, RPCError> {
        router.route(for: fullName).flatMap { route in
            guard route.hasJSON else {
                return .failure(RPCError(code: .unimplemented, message: "\(route.descriptor.fullName) is served on the binary protocol only"))
            }
            return .success(Method(fullName: route.descriptor.fullName, kind: route.kind, idempotency: route.idempotency))
        }
    }

    /// Every method a gateway can carry, by name.
    public var methods: [Method] {
        router.routes.keys.sorted().compactMap { try? method(named: $0).get() }
    }

    /// One call as a gateway received it.
    public struct Request: Sendable {
        public var method: Method
        public var metadata: Metadata
        /// The client's timeout, if it set one.
        public var timeout: Duration?
        /// The client's address, for logs and audit.
        public var remoteAddress: String?
        /// The request messages' JSON: one for unary and server-streaming calls.
        public var messages: [ByteBuffer]
        /// The largest response message the client accepts.
        public var maxResponseBytes: Int

        public init(
            method: Method, metadata: Metadata, timeout: Duration?, remoteAddress: String?, messages: [ByteBuffer],
            maxResponseBytes: Int = 4 << 20
        ) {
            self.method = method
            self.metadata = metadata
            self.timeout = timeout
            self.remoteAddress = remoteAddress
            self.messages = messages
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// How a call ended.
    public struct Outcome: Sendable {
        /// `nil` when the call succeeded; else its status, details and detail values.
        public var error: RPCError?
        /// The single response's JSON, when the call succeeded and has one.
        public var response: ByteBuffer?
        /// The initial metadata the handler set.
        public var headers: Metadata
        /// The trailers (for a failed call, also in `error.metadata`).
        public var trailers: Metadata

        public init(error: RPCError?, response: ByteBuffer?, headers: Metadata, trailers: Metadata) {
            self.error = error
            self.response = response
            self.headers = headers
            self.trailers = trailers
        }
    }

    /// Runs `request` through the interceptors and its handler. A streaming call's responses go to `stream`,
    /// one message's JSON at a time, as the handler writes them (it waits while `stream` does). Ends with
    /// DEADLINE_EXCEEDED at the client's timeout or the server's maximum call duration, whichever comes first,
    /// and with CANCELLED when the task calling this is cancelled (the client went away); the handler is then
    /// cancelled, as a cancelled call's is on a connection.
    ///
    /// `control`, if given, lets the gateway end the call from outside (its client went away, the server shuts down).
    public func call(
        _ request: Request, control: GatewayCallControl? = nil, stream: (@Sendable (ByteBuffer) async throws -> Void)? = nil
    ) async -> Outcome {
        guard let route = try? router.route(for: request.method.fullName).get() else {
            let error = RPCError(code: .unimplemented, message: "unknown method \(request.method.fullName)")
            return Outcome(error: error, response: nil, headers: [:], trailers: [:])
        }
        if request.timeout == .zero {
            // As on the binary protocol (frames.md, section 5, Deadline): a timeout of 0 has expired on arrival.
            let error = RPCError(code: .deadlineExceeded, message: "deadline of 0 µs exceeded: a timeout of 0 has expired on arrival")
            return Outcome(error: error, response: nil, headers: [:], trailers: [:])
        }
        let call = GatewayCall(requests: request.messages, maxResponseBytes: request.maxResponseBytes, stream: stream)
        var callLogger = logger
        callLogger[metadataKey: "rpc.method"] = "\(route.descriptor.fullName)"
        callLogger[metadataKey: "transport"] = "http"
        let deadline = CallDeadline(clientTimeoutMicroseconds: request.timeout?.clampedMicroseconds, serverLimit: maxCallDuration)
        let context = ServerContext(
            method: route.descriptor, metadata: request.metadata,
            deadline: deadline.map { Deadline(timeoutMicroseconds: $0.microseconds) },
            remoteAddress: request.remoteAddress, logger: callLogger, response: call.response)
        let interceptors = self.interceptors
        let handler = Task {
            await ServerCallExecution.run(call: call, route: route, context: context, interceptors: interceptors)
        }
        control?.bind(call, handler: handler)
        let timer = deadline.map { deadline in
            Task {
                try await Task.sleep(for: .microseconds(deadline.microseconds))
                let reason = RPCError(code: .deadlineExceeded, message: deadline.exceededMessage)
                if call.finish(Frame.End(code: reason.code, message: reason.message, trailers: call.response.trailers.fields), because: reason) {
                    handler.cancel()
                }
            }
        }
        let outcome = await withTaskCancellationHandler {
            await call.outcome()
        } onCancel: {
            if call.finish(
                Frame.End(code: .cancelled, message: "the client went away"), because: RPCError(code: .cancelled, message: "the client went away"))
            {
                handler.cancel()
            }
        }
        timer?.cancel()
        return Outcome(
            error: outcome.error, response: outcome.response, headers: call.response.headers, trailers: Metadata(fields: outcome.end.trailers))
    }
}

extension RPCServer {
    /// The way into this server's handlers for an HTTP gateway: the same routes, interceptors and limits.
    public var gateway: GatewayDispatcher {
        GatewayDispatcher(router: router, interceptors: interceptors, maxCallDuration: configuration.timeouts.maxCallDuration, logger: logger)
    }
}
