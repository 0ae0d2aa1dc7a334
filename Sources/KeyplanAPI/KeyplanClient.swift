public import KeyplanRPC

/// Typed calls to a Keyplan server over an ``RPCClient``, authenticated with a bearer token.
///
/// Each service's file adds its methods (`signIn`, `listAccounts`, ...). The token goes in the
/// `authorization` metadata of every call as `Bearer <token>`.
public struct KeyplanClient: Sendable {
    /// The metadata name that carries the credential.
    public static let authorizationHeader = "authorization"

    public let rpc: RPCClient
    /// The session token or API key to present; `nil` for public methods only.
    public var token: String?
    /// How long each call may take before it fails with DEADLINE_EXCEEDED (the server stops
    /// working on it too); `nil` for no limit.
    public var timeout: Duration?

    public init(rpc: RPCClient, token: String? = nil, timeout: Duration? = nil) {
        self.rpc = rpc
        self.token = token
        self.timeout = timeout
    }

    /// The same client presenting `token`.
    public func authenticated(with token: String?) -> KeyplanClient {
        KeyplanClient(rpc: rpc, token: token, timeout: timeout)
    }

    /// Calls a unary method with this client's credential.
    public func call<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request) async throws -> Response {
        try await rpc.unary(method, request: request, options: callOptions)
    }

    /// Call options carrying this client's credential.
    public var callOptions: CallOptions {
        var options = CallOptions(timeout: timeout)
        if let token {
            options.metadata[Self.authorizationHeader] = "Bearer \(token)"
        }
        return options
    }
}
