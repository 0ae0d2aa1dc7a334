import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// A handler's view of its call: the caller (already authenticated and authorized as the
/// policy says) and the server context.
public struct CallContext: Sendable {
    public let server: ServerContext
    let principal: Principal?
    /// The caller's standing on the account the request names, for methods with an account rule
    /// (checked before the handler runs); `nil` for other methods.
    let relation: AccountRelation?

    init(server: ServerContext, principal: Principal?, relation: AccountRelation? = nil) {
        self.server = server
        self.principal = principal
        self.relation = relation
    }

    /// The caller; throws UNAUTHENTICATED for an anonymous call (an anonymous method has none).
    public func caller() throws -> Principal {
        guard let principal else {
            throw RPCError(code: .unauthenticated, message: "this method needs a credential")
        }
        return principal
    }

    /// The client's IP address.
    public var clientAddress: String? { clientIPAddress(server.remoteAddress) }
}

/// A service whose methods are registered through ``SecuredRoutes``, so each one is checked
/// against the ``AuthorizationPolicy``.
protocol SecuredService: Sendable {
    func register(with routes: inout SecuredRoutes)
}

/// Registers typed handlers after looking up each method's rule in the policy. A method without
/// a rule, or with an account rule whose request is not ``AccountScoped``, is noted and
/// ``KeyplanServices`` refuses to start. For account rules the check runs here, where the
/// request is decoded: out of scope (or another tenant's) is NOT_FOUND, in scope but not
/// allowed is PERMISSION_DENIED.
struct SecuredRoutes {
    let policy: AuthorizationPolicy
    let database: PostgresClient
    var router: RPCRouter
    private(set) var registered: [MethodDescriptor] = []
    private(set) var problems: [String] = []

    init(policy: AuthorizationPolicy, database: PostgresClient, router: RPCRouter = RPCRouter()) {
        self.policy = policy
        self.database = database
        self.router = router
    }

    mutating func unary<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler: @escaping @Sendable (Request, CallContext) async throws -> Response
    ) {
        guard let check = admit(method) else { return }
        router.registerUnary(method) { request, context in
            try await handler(request, try await check(request, context))
        }
    }

    /// Registers a server-streaming handler: one request (which may name an account), many responses.
    mutating func serverStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler: @escaping @Sendable (Request, MessageWriter<Response>, CallContext) async throws -> Void
    ) {
        guard let check = admit(method) else { return }
        router.registerServerStreaming(method) { request, writer, context in
            try await handler(request, writer, try await check(request, context))
        }
    }

    /// Looks up `method`'s rule and returns the check to run on each decoded request, which
    /// yields the handler's context; `nil` (and a noted problem) when the method cannot be admitted.
    private mutating func admit<Request, Response>(
        _ method: RPCMethod<Request, Response>
    ) -> (@Sendable (Request, ServerContext) async throws -> CallContext)? {
        registered.append(method.descriptor)
        guard let rule = policy.rule(for: method.descriptor) else {
            problems.append("\(method.descriptor) has no rule in the authorization policy")
            return nil
        }
        let database = self.database
        switch rule {
        case .account(let access):
            guard Request.self is any AccountScoped.Type else {
                problems.append("\(method.descriptor) has an account rule but its request is not AccountScoped")
                return nil
            }
            return { request, context in
                let call = CallContext(server: context, principal: context.principal(as: Principal.self))
                guard let scoped = request as? any AccountScoped else {
                    throw RPCError(code: .internal, message: "internal error")
                }
                let relation = try await Self.authorize(call, account: scoped.accountID, access: access, database: database)
                return CallContext(server: context, principal: call.principal, relation: relation)
            }
        case .anonymous, .authenticated, .tenantRoles:
            return { _, context in CallContext(server: context, principal: context.principal(as: Principal.self)) }
        }
    }

    /// Registers a client-streaming handler. Its requests are many, so it cannot name one
    /// account: only tenant-wide rules apply.
    mutating func clientStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler: @escaping @Sendable (MessageStream<Request>, CallContext) async throws -> Response
    ) {
        registered.append(method.descriptor)
        guard let rule = policy.rule(for: method.descriptor) else {
            problems.append("\(method.descriptor) has no rule in the authorization policy")
            return
        }
        if case .account = rule {
            problems.append("\(method.descriptor) is client-streaming and cannot have an account rule")
            return
        }
        router.registerClientStreaming(method) { requests, context in
            try await handler(requests, CallContext(server: context, principal: context.principal(as: Principal.self)))
        }
    }

    private static func authorize(_ call: CallContext, account: UUID, access: AccountAccess, database: PostgresClient) async throws -> AccountRelation {
        let principal = try call.caller()
        CallAudit.record { $0.objectID = account }
        let relation = try await database.withTransaction(tenant: principal.tenantID) { connection in
            let relation = try await AccountRepository(connection: connection).relation(of: principal, to: account)
            // Every authorized account-scoped call is a visit of the workspace (engagement).
            if let relation, relation.allows(access) {
                try await WorkspaceVisits(connection: connection).record(tenantID: principal.tenantID, accountID: account, userID: principal.userID)
            }
            return relation
        }
        guard let relation, relation.isInScope else {
            throw RPCError(code: .notFound, message: "no account \(account)")
        }
        guard relation.allows(access) else {
            throw RPCError(code: .permissionDenied, message: "\(access.rawValue) access to this account is needed")
        }
        return relation
    }
}
