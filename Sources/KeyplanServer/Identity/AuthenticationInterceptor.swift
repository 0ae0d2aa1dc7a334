import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Logging

/// Establishes the caller from the `authorization: Bearer <token>` metadata and applies the
/// method's rule from the ``AuthorizationPolicy``: anonymous methods pass, others need a live
/// credential (UNAUTHENTICATED otherwise), tenant-role rules are checked here
/// (PERMISSION_DENIED), account rules in the call's own transaction (``SecuredRoutes``).
/// A method the policy does not list is refused. Tokens are resolved through the
/// ``CredentialCache``, so a busy caller's token costs a database round trip about once a second.
struct AuthenticationInterceptor: ServerInterceptor {
    let policy: AuthorizationPolicy
    let credentials: CredentialCache

    func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        guard let rule = policy.rule(for: context.method) else {
            throw RPCError(code: .permissionDenied, message: "\(context.method) is not in the authorization policy")
        }
        if rule == .anonymous {
            return try await next(context)
        }
        guard let token = Self.bearerToken(in: context.metadata) else {
            throw RPCError(code: .unauthenticated, message: "this method needs a credential: sign in or pass an API key")
        }
        let resolved: ResolvedCredential?
        do {
            resolved = try await credentials.resolve(tokenHash: SecretToken.hash(of: token))
        } catch {
            throw DatabaseFailure.status(for: error)
        }
        guard let principal = resolved?.principal else {
            throw RPCError(code: .unauthenticated, message: "the credential is invalid, expired or revoked: sign in again")
        }
        CallAudit.record { $0.principal = principal }
        if case .tenantRoles(let roles) = rule {
            guard let role = principal.tenantRole, roles.contains(role) else {
                throw Refusal.tenantRoles(roles, purpose: policy.purpose(of: context.method), principal: principal)
            }
        }
        var context = context
        context.principal = principal
        // Both at once: a log handler may render its metadata on every change.
        var handler = context.logger.handler
        var metadata = handler.metadata
        metadata["user"] = "\(principal.userID)"
        metadata["tenant"] = "\(principal.tenantID)"
        handler.metadata = metadata
        context.logger.handler = handler
        try await next(context)
    }

    /// The token of `authorization: Bearer <token>`, if present.
    static func bearerToken(in metadata: Metadata) -> String? {
        guard let value = metadata[KeyplanClient.authorizationHeader] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }
}
