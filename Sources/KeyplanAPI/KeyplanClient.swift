import Foundation
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

    /// How a call that failed with UNAVAILABLE is tried again (``RetryPolicy``); each attempt has
    /// ``timeout`` of its own.
    public var retry: RetryPolicy

    public init(rpc: RPCClient, token: String? = nil, timeout: Duration? = nil, retry: RetryPolicy = .standard) {
        self.rpc = rpc
        self.token = token
        self.timeout = timeout
        self.retry = retry
    }

    /// The same client presenting `token`.
    public func authenticated(with token: String?) -> KeyplanClient {
        KeyplanClient(rpc: rpc, token: token, timeout: timeout, retry: retry)
    }

    /// Calls a unary method with this client's credential. A write that may be retried carries a
    /// fresh idempotency key, the same on every attempt (``RetryPolicy``).
    public func call<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request) async throws -> Response {
        var options = callOptions
        if retry.maximumAttempts > 1, method.idempotency != .noSideEffects, options.metadata[IdempotencyKeys.metadataName] == nil {
            options.metadata[IdempotencyKeys.metadataName] = UUID().uuidString.lowercased()
        }
        var attempt = 1
        while true {
            do {
                return try await rpc.unary(method, request: request, options: options)
            } catch let error as RPCError where RetryPolicy.retries(error) && attempt < retry.maximumAttempts {
                try await Task.sleep(for: retry.backoff(after: attempt))
                attempt += 1
            }
        }
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
