/// A typed method: its name, its call kind and how its messages are encoded.
///
/// A service's definition declares one per method; servers register handlers for it and clients
/// call it, so both sides agree on names and types by construction.
public struct RPCMethod<Request: Sendable, Response: Sendable>: Sendable {
    public var descriptor: MethodDescriptor
    public var kind: CallKind
    public var request: MessageCodec<Request>
    public var response: MessageCodec<Response>

    public init(
        _ descriptor: MethodDescriptor, kind: CallKind,
        request: MessageCodec<Request>, response: MessageCodec<Response>
    ) {
        self.descriptor = descriptor
        self.kind = kind
        self.request = request
        self.response = response
    }

    /// The name of the request type, as reflection lists it.
    public var requestTypeName: String { String(reflecting: Request.self) }
    /// The name of the response type, as reflection lists it.
    public var responseTypeName: String { String(reflecting: Response.self) }
}
