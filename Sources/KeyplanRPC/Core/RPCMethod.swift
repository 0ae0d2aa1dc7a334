/// A typed method: its name, its call kind and how its messages are encoded.
///
/// A service's definition declares one per method; servers register handlers for it and clients
/// call it, so both sides agree on names and types by construction.
public struct RPCMethod<Request: Sendable, Response: Sendable>: Sendable {
    public var descriptor: MethodDescriptor
    public var kind: CallKind
    /// What calling it twice does; reads say ``Idempotency/noSideEffects``.
    public var idempotency: Idempotency
    public var request: MessageCodec<Request>
    public var response: MessageCodec<Response>

    public init(
        _ descriptor: MethodDescriptor, kind: CallKind, idempotency: Idempotency = .unknown,
        request: MessageCodec<Request>, response: MessageCodec<Response>
    ) {
        self.descriptor = descriptor
        self.kind = kind
        self.idempotency = idempotency
        self.request = request
        self.response = response
    }

    /// The name of the request type, as reflection lists it.
    public var requestTypeName: String { String(reflecting: Request.self) }
    /// The name of the response type, as reflection lists it.
    public var responseTypeName: String { String(reflecting: Response.self) }
}

/// What a method does to the state behind it, as protobuf's `idempotency_level` and Connect say:
/// a client may retry a call without side effects or an idempotent one freely, and a server may
/// treat a read differently from a write (Keyplan's reads never wait for a disk flush of their own).
public enum Idempotency: String, Sendable, Hashable, CaseIterable {
    /// A read: calling it changes nothing a caller could observe (statistics such as "last seen" aside).
    case noSideEffects
    /// Calling it twice has the effect of calling it once.
    case idempotent
    /// A write that may have a new effect each time (the default).
    case unknown
}
