public import Logging
import NIOConcurrencyHelpers

/// Who made a call, as an authentication interceptor established it.
///
/// The identity layer defines its own principal type; handlers read it back with
/// ``ServerContext/principal(as:)``.
public protocol RPCPrincipal: Sendable {
    /// A stable identifier, fit for logs.
    var id: String { get }
}

/// What a handler knows about its call besides the request: metadata, deadline, principal.
///
/// Cancellation is Swift task cancellation: the handler's task is cancelled when the client
/// cancels, the deadline passes or the connection is lost; check `Task.isCancelled` or let
/// cancellable awaits throw.
public struct ServerContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// The request's metadata.
    public let metadata: Metadata
    /// When the call must be finished, if the client set a timeout.
    public let deadline: Deadline?
    /// The authenticated caller; `nil` until an authentication interceptor sets it.
    public var principal: (any RPCPrincipal)?
    /// The client's address, e.g. `[IPv4]127.0.0.1/127.0.0.1:53211`.
    public let remoteAddress: String?
    /// A logger carrying the call's method and call id.
    public var logger: Logger
    /// The metadata the handler answers with.
    public let response: ResponseMetadata

    public init(
        method: MethodDescriptor, metadata: Metadata = [:], deadline: Deadline? = nil,
        principal: (any RPCPrincipal)? = nil, remoteAddress: String? = nil,
        logger: Logger = Logger(label: "keyplan.rpc"), response: ResponseMetadata = ResponseMetadata()
    ) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
        self.principal = principal
        self.remoteAddress = remoteAddress
        self.logger = logger
        self.response = response
    }

    /// The principal, if there is one of type `P`.
    public func principal<P: RPCPrincipal>(as type: P.Type) -> P? {
        principal as? P
    }
}

/// The initial metadata and trailers a handler answers with.
///
/// Initial metadata goes out with the first response message (or with the end, if there is
/// none), so set it before writing; trailers go out with the end, whatever the status.
public final class ResponseMetadata: Sendable {
    private let state = NIOLockedValueBox((headers: Metadata(), trailers: Metadata()))

    public init() {}

    /// Initial metadata; changes after the first message is sent have no effect.
    public var headers: Metadata {
        get { state.withLockedValue { $0.headers } }
        set { state.withLockedValue { $0.headers = newValue } }
    }

    /// Trailing metadata, sent with the call's end.
    public var trailers: Metadata {
        get { state.withLockedValue { $0.trailers } }
        set { state.withLockedValue { $0.trailers = newValue } }
    }
}
