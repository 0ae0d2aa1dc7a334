/// A set of methods a server answers.
///
/// Implement `registerMethods(with:)` to add each method's handler to the router.
public protocol RPCService: Sendable {
    func registerMethods(with router: inout RPCRouter)
}

/// The methods a server answers, by `service/method` name, each with its typed handler.
public struct RPCRouter: Sendable {
    /// One registered method, its handler erased to the call it runs on.
    struct Route: Sendable {
        let descriptor: MethodDescriptor
        let kind: CallKind
        let requestTypeName: String
        let responseTypeName: String
        /// For the API catalogue.
        let requestType: any Any.Type
        let responseType: any Any.Type
        let idempotency: Idempotency
        /// Whether both its messages have a JSON form, so that an HTTP gateway can carry it.
        let hasJSON: Bool
        let handle: @Sendable (any RouteCall, ServerContext) async throws -> Void
    }

    private(set) var routes: [String: Route] = [:]
    private(set) var serviceNames: Set<String> = []

    public init() {}

    /// Registers a handler for a unary method: one request, one response.
    public mutating func registerUnary<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        add(method, kind: .unary) { call, context in
            let request = try await call.requests(method.request).single(code: .invalidArgument, what: "request")
            try await call.holdResponse(handler(request, context), method.response)
        }
    }

    /// Registers a handler for a server-streaming method: one request, many responses.
    public mutating func registerServerStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, MessageWriter<Response>, ServerContext) async throws -> Void
    ) {
        add(method, kind: .serverStreaming) { call, context in
            let request = try await call.requests(method.request).single(code: .invalidArgument, what: "request")
            try await handler(request, call.responses(method.response), context)
        }
    }

    /// Registers a handler for a client-streaming method: many requests, one response.
    public mutating func registerClientStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (MessageStream<Request>, ServerContext) async throws -> Response
    ) {
        add(method, kind: .clientStreaming) { call, context in
            try await call.holdResponse(handler(call.requests(method.request), context), method.response)
        }
    }

    /// Registers a handler for a bidirectional-streaming method: many requests, many responses.
    public mutating func registerBidirectionalStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (MessageStream<Request>, MessageWriter<Response>, ServerContext) async throws -> Void
    ) {
        add(method, kind: .bidirectionalStreaming) { call, context in
            try await handler(call.requests(method.request), call.responses(method.response), context)
        }
    }

    private mutating func add<Request, Response>(
        _ method: RPCMethod<Request, Response>, kind: CallKind,
        handle: @escaping @Sendable (any RouteCall, ServerContext) async throws -> Void
    ) {
        routes[method.descriptor.fullName] = Route(
            descriptor: method.descriptor, kind: kind,
            requestTypeName: method.requestTypeName, responseTypeName: method.responseTypeName,
            requestType: Request.self, responseType: Response.self, idempotency: method.idempotency,
            hasJSON: method.request.json != nil && method.response.json != nil, handle: handle)
        serviceNames.insert(method.descriptor.service)
    }

    /// Adds every method of `service`.
    public mutating func register(_ service: some RPCService) {
        service.registerMethods(with: &self)
    }

    /// The route for a wire method name, or the `UNIMPLEMENTED` status that says why there is none.
    func route(for fullName: String) -> Result<Route, RPCError> {
        if let route = routes[fullName] { return .success(route) }
        guard let descriptor = MethodDescriptor(fullName: fullName), serviceNames.contains(descriptor.service) else {
            let service = MethodDescriptor(fullName: fullName)?.service ?? fullName
            return .failure(RPCError(code: .unimplemented, message: "unknown service \(Self.excerpt(service))"))
        }
        return .failure(
            RPCError(
                code: .unimplemented,
                message: "unknown method \(Self.excerpt(descriptor.method)) of service \(descriptor.service)"))
    }

    /// The longest name from the peer repeated in full in a status message, in UTF-8 bytes.
    static let maxEchoedNameLength = 128

    /// A name the peer sent, cut short for a status message: a method name may be as long as a frame
    /// (4 MiB), and the answer need not carry it back. Longer than `maxBytes` UTF-8 bytes, it becomes its
    /// longest prefix of whole Unicode scalars within `maxBytes` bytes, then `… (N bytes)` with its full
    /// length (`Protocols/frames.md`, section 5, Admission).
    static func excerpt(_ name: String, maxBytes: Int = maxEchoedNameLength) -> String {
        let length = name.utf8.count
        guard length > maxBytes else { return name }
        // Whole scalars, so the cut never splits one into invalid UTF-8.
        var kept = String.UnicodeScalarView()
        var keptBytes = 0
        for scalar in name.unicodeScalars {
            let width = UTF8.width(scalar)
            guard keptBytes + width <= maxBytes else { break }
            kept.append(scalar)
            keptBytes += width
        }
        return "\(String(kept))… (\(length) bytes)"
    }
}
