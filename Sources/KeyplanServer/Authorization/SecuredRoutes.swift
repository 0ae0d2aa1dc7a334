import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Logging

/// A service whose methods are registered through ``SecuredRoutes``, so each one is checked
/// against the ``AuthorizationPolicy`` and its handler receives a typed, authorized context.
protocol SecuredService: Sendable {
    func register(with routes: inout SecuredRoutes)
}

/// Registers typed handlers after looking up each method's rule in the policy; the kind of
/// context a handler asks for must match its rule (an ``AccountCall`` for an account rule, a
/// ``TenantCall`` for a tenant-wide one, an ``AnonymousCall`` for an anonymous one). A method
/// without a rule, or whose rule and context disagree, is noted and ``KeyplanServices`` refuses
/// to start.
///
/// For unary methods the route owns the call's work in the database: it creates the
/// ``TenantTransaction`` (opening with the tenant and, for account rules, the access check; a read
/// as one implicit transaction per round trip, a write as one transaction), hands it to the
/// handler, and when the handler returns commits it together with the day's visit of the workspace
/// and, for a write, the call's audit row — so a write and its audit row commit or vanish together.
struct SecuredRoutes {
    let policy: AuthorizationPolicy
    let database: PostgresClient
    let visits: WorkspaceVisits
    var router: RPCRouter
    private(set) var registered: [MethodDescriptor] = []
    private(set) var problems: [String] = []

    init(policy: AuthorizationPolicy, database: PostgresClient, visits: WorkspaceVisits, router: RPCRouter = RPCRouter()) {
        self.policy = policy
        self.database = database
        self.visits = visits
        self.router = router
    }

    /// Registers a unary method with an account rule.
    /// - Parameter shape: the transaction's shape; by default one implicit transaction per round
    ///   trip for a read (``Idempotency/noSideEffects``), one READ COMMITTED transaction otherwise.
    mutating func account<Request: AccountScoped, Response>(
        _ method: RPCMethod<Request, Response>, shape: TenantTransaction.Shape? = nil,
        _ handler: @escaping @Sendable (Request, AccountCall) async throws -> Response
    ) {
        guard case .account(let access)? = admit(method, expecting: "an account rule", { if case .account = $0 { true } else { false } }) else {
            return
        }
        let (database, visits, purpose) = (self.database, self.visits, policy.purpose(of: method.descriptor))
        let work = Work(method: method, shape: shape)
        router.registerUnary(method) { request, context in
            let principal = try Self.principal(of: context)
            let check = AccountCheck(principal: principal, accountID: request.accountID, access: access, purpose: purpose)
            CallAudit.record { $0.objectID = request.accountID }
            let keyed = try work.keyed(method, request: request, context: context, principal: principal, database: database)
            let transaction = TenantTransaction(
                database: database, tenantID: principal.tenantID, shape: work.shape, durability: work.durability,
                guard: .all([check.guardStatement(locking: work.durability == .durable), keyed?.key.claim]))
            // Every authorized account-scoped call is a visit of the workspace (engagement): the
            // day's first in the call's transaction, the view counted once it committed.
            if visits.needsFirstOfDay(tenantID: principal.tenantID, accountID: request.accountID, userID: principal.userID) {
                transaction.addClosing([
                    WorkspaceVisits.firstOfDay(tenantID: principal.tenantID, accountID: request.accountID, userID: principal.userID)
                ])
            }
            transaction.onCommit { visits.count(tenantID: principal.tenantID, accountID: request.accountID, userID: principal.userID) }
            let call = AccountCall(principal: principal, accountID: request.accountID, transaction: transaction, server: context, check: check)
            return try await work.run(transaction, context: context, refusal: check.refusal, keyed: keyed) { try await handler(request, call) }
        }
    }

    /// Registers a unary method with a tenant-wide rule (any credential, or tenant roles).
    mutating func tenant<Request, Response>(
        _ method: RPCMethod<Request, Response>, shape: TenantTransaction.Shape? = nil,
        _ handler: @escaping @Sendable (Request, TenantCall) async throws -> Response
    ) {
        guard admit(method, expecting: "a tenant-wide rule", Self.isTenantWide) != nil else { return }
        let database = self.database
        let work = Work(method: method, shape: shape)
        router.registerUnary(method) { request, context in
            let principal = try Self.principal(of: context)
            let keyed = try work.keyed(method, request: request, context: context, principal: principal, database: database)
            let transaction = TenantTransaction(
                database: database, tenantID: principal.tenantID, shape: work.shape, durability: work.durability, guard: keyed?.key.claim)
            let call = TenantCall(principal: principal, transaction: transaction, server: context)
            return try await work.run(transaction, context: context, refusal: nil, keyed: keyed) { try await handler(request, call) }
        }
    }

    /// Registers a unary method anyone may call.
    mutating func anonymous<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler: @escaping @Sendable (Request, AnonymousCall) async throws -> Response
    ) {
        guard admit(method, expecting: "the anonymous rule", { $0 == .anonymous }) != nil else { return }
        router.registerUnary(method) { request, context in
            do {
                return try await handler(request, AnonymousCall(server: context))
            } catch {
                throw DatabaseFailure.status(for: error)
            }
        }
    }

    /// Registers a server-streaming method with an account rule. The caller's access is checked
    /// (and the visit recorded) when the stream opens; the stream then runs its own transactions.
    mutating func accountStream<Request: AccountScoped, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler: @escaping @Sendable (Request, MessageWriter<Response>, StreamCall) async throws -> Void
    ) {
        guard case .account(let access)? = admit(method, expecting: "an account rule", { if case .account = $0 { true } else { false } }) else {
            return
        }
        let (database, visits, purpose) = (self.database, self.visits, policy.purpose(of: method.descriptor))
        router.registerServerStreaming(method) { request, writer, context in
            let principal = try Self.principal(of: context)
            let check = AccountCheck(principal: principal, accountID: request.accountID, access: access, purpose: purpose)
            CallAudit.record { $0.objectID = request.accountID }
            let transaction = TenantTransaction(
                database: database, tenantID: principal.tenantID, shape: .eachRoundTrip, durability: .deferred,
                guard: check.guardStatement(locking: false))
            transaction.addClosing([WorkspaceVisits.firstOfDay(tenantID: principal.tenantID, accountID: request.accountID, userID: principal.userID)])
            transaction.onCommit { visits.count(tenantID: principal.tenantID, accountID: request.accountID, userID: principal.userID) }
            do {
                try await transaction.commit()
            } catch let error as PostgresError {
                throw AccountCheckFailure(error).map(check.refusal) ?? DatabaseFailure.status(for: error)
            }
            do {
                try await handler(request, writer, StreamCall(principal: principal, accountID: request.accountID, server: context))
            } catch {
                throw DatabaseFailure.status(for: error)
            }
        }
    }

    /// Registers a client-streaming method. Its requests are many, so it cannot name one account:
    /// only tenant-wide rules apply.
    mutating func tenantUpload<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler: @escaping @Sendable (MessageStream<Request>, StreamCall) async throws -> Response
    ) {
        guard admit(method, expecting: "a tenant-wide rule (a client stream names no one account)", Self.isTenantWide) != nil else { return }
        router.registerClientStreaming(method) { requests, context in
            let principal = try Self.principal(of: context)
            do {
                return try await handler(requests, StreamCall(principal: principal, accountID: nil, server: context))
            } catch {
                throw DatabaseFailure.status(for: error)
            }
        }
    }

    // MARK: Admission

    /// Looks up `method`'s rule and returns it when it is of the kind the registration expects;
    /// otherwise notes the problem and returns `nil`.
    private mutating func admit<Request, Response>(
        _ method: RPCMethod<Request, Response>, expecting: String, _ fits: (AccessRule) -> Bool
    ) -> AccessRule? {
        registered.append(method.descriptor)
        guard let rule = policy.rule(for: method.descriptor) else {
            problems.append("\(method.descriptor) has no rule in the authorization policy")
            return nil
        }
        guard fits(rule) else {
            problems.append("\(method.descriptor) is registered for \(expecting) but the policy gives it \(rule)")
            return nil
        }
        return rule
    }

    private static func isTenantWide(_ rule: AccessRule) -> Bool {
        switch rule {
        case .authenticated, .tenantRoles: true
        case .anonymous, .account: false
        }
    }

    /// The caller the authentication interceptor established.
    private static func principal(of context: ServerContext) throws -> Principal {
        guard let principal = context.principal(as: Principal.self) else {
            throw RPCError(code: .unauthenticated, message: "this method needs a credential: sign in or pass an API key")
        }
        return principal
    }
}

/// How a unary method's work runs: its transaction's shape and durability, from what the
/// method does (``Idempotency``) unless the route says otherwise.
private struct Work: Sendable {
    let method: MethodDescriptor
    let shape: TenantTransaction.Shape
    let durability: TenantTransaction.Durability

    init<Request, Response>(method: RPCMethod<Request, Response>, shape: TenantTransaction.Shape?) {
        let reads = method.idempotency == .noSideEffects
        self.method = method.descriptor
        self.shape = shape ?? (reads ? .eachRoundTrip : .single(.readCommitted))
        self.durability = reads ? .deferred : .durable
    }

    /// A write's idempotency key, with what it takes to store and replay its answer; `nil` for a
    /// read (a retried read is harmless), a call that names none, or a write whose work is not one
    /// transaction (a webhook's test send: the key could not commit with it).
    func keyed<Request, Response>(
        _ method: RPCMethod<Request, Response>, request: Request, context: ServerContext, principal: Principal, database: PostgresClient
    ) throws -> KeyedWrite<Response>? {
        guard durability == .durable, case .single = shape,
            let key = try IdempotencyKey(of: method, request: request, context: context, principal: principal)
        else {
            return nil
        }
        return KeyedWrite(key: key, codec: method.response, database: database)
    }

    /// Runs the handler, then commits the transaction — with the call's audit row, for a write,
    /// and its answer under its idempotency key — or rolls it back; failures become statuses. A
    /// key claimed before answers what its first call answered, and nothing is written.
    func run<Response>(
        _ transaction: TenantTransaction, context: ServerContext, refusal: ((AccountCheckFailure) -> RPCError)?,
        keyed: KeyedWrite<Response>? = nil, _ handler: () async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await handler()
            if let keyed { transaction.addClosing(try keyed.key.store(response, as: keyed.codec)) }
            let audit = durability == .durable ? CallAudit.current : nil
            if let audit, let record = audit.snapshot.record(method: method, remoteAddress: context.remoteAddress, status: .ok) {
                transaction.addClosing([AuditRepository.insert([record], tenantID: record.tenantID)])
            }
            try await transaction.commit()
            audit?.update { $0.isWritten = true }
            context.logger.debug("database work", metadata: ["db.round_trips": "\(transaction.roundTrips)"])
            return response
        } catch {
            await transaction.rollBack()
            if let refusal, let postgres = error as? PostgresError, let failure = AccountCheckFailure(postgres) {
                throw refusal(failure)
            }
            if let keyed, IdempotencyKey.isAlreadyClaimed(error) {
                context.logger.debug("answered from an idempotency key")
                do {
                    return try await keyed.key.storedAnswer(as: keyed.codec, from: keyed.database)
                } catch {
                    throw DatabaseFailure.status(for: error)
                }
            }
            throw DatabaseFailure.status(for: error)
        }
    }
}

/// A write named by an idempotency key, with what replaying its answer takes.
struct KeyedWrite<Response: Sendable>: Sendable {
    let key: IdempotencyKey
    let codec: MessageCodec<Response>
    let database: PostgresClient
}
