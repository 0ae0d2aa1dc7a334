import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The webhooks of the transaction's tenant: endpoints, the events queued for them, deliveries
/// and their log. (Journal rows become events in the database, `Schema/0018_webhooks.sql`.)
struct WebhookRepository {
    let transaction: TenantTransaction

    private static let columns = "e.id, e.name, e.url, e.event_kinds, e.customer_facing, e.account_id, e.created_at"

    func insert(_ request: CreateWebhookRequest, url: String, secret: String, tenantID: UUID, createdBy: UUID) async throws -> WebhookEndpoint {
        let kinds = Array(Set(request.eventKinds)).map(\.rawValue).sorted()
        let rows = try await transaction.query(
            """
            INSERT INTO webhook_endpoints AS e (tenant_id, id, name, url, event_kinds, customer_facing, account_id, secret, created_by)
            VALUES (\(tenantID), \(UUID()), \(request.name), \(url), \(kinds)::text[], \(request.customerFacing), \(request.accountID), \(secret), \(createdBy))
            ON CONFLICT (tenant_id, name) DO NOTHING
            RETURNING \(unescaped: Self.columns)
            """)
        guard let row = rows.first else {
            throw RPCError(code: .alreadyExists, message: "there is already a webhook named \(request.name): remove it or choose another name")
        }
        return try Self.endpoint(row)
    }

    /// By name.
    func list() async throws -> [WebhookEndpoint] {
        try await transaction.query("SELECT \(unescaped: Self.columns) FROM webhook_endpoints e ORDER BY e.name").map(Self.endpoint)
    }

    /// The endpoint with its secret, for signing.
    func find(_ id: UUID) async throws -> (endpoint: WebhookEndpoint, secret: String)? {
        try await transaction.query("SELECT \(unescaped: Self.columns), e.secret FROM webhook_endpoints e WHERE e.id = \(id)").first.map {
            (try Self.endpoint($0), try $0.decode(String.self, column: "secret"))
        }
    }

    func remove(_ id: UUID) async throws -> Bool {
        try await transaction.query("DELETE FROM webhook_endpoints WHERE id = \(id) RETURNING id").isEmpty == false
    }

    func rotateSecret(of id: UUID, to secret: String) async throws -> WebhookEndpoint? {
        try await transaction.query(
            "UPDATE webhook_endpoints e SET secret = \(secret) WHERE e.id = \(id) RETURNING \(unescaped: Self.columns)"
        ).first.map(Self.endpoint)
    }

    /// The endpoint's attempts, newest first, each with its delivery's state now.
    func log(of endpointID: UUID, limit: Int) async throws -> [WebhookAttempt] {
        try await transaction.query(
            """
            SELECT a.delivery_id, d.event_id, ev.kind, a.attempt, a.attempted_at, a.status_code, a.latency_ms, a.error, d.state,
                   CASE WHEN d.state = 'pending' THEN d.next_attempt_at END AS next_attempt_at
            FROM webhook_attempts a
            JOIN webhook_deliveries d ON d.tenant_id = a.tenant_id AND d.id = a.delivery_id
            JOIN webhook_events ev ON ev.tenant_id = d.tenant_id AND ev.id = d.event_id
            WHERE a.endpoint_id = \(endpointID)
            ORDER BY a.id DESC LIMIT \(limit)
            """
        ).map(Self.attempt)
    }

    /// Queues an event of a seller-internal `kind` about `accountID` for the endpoints that want
    /// it (never a customer-facing one); nothing when none does.
    func enqueue(_ kind: WebhookEventKind, accountID: UUID, data: String, tenantID: UUID) async throws {
        try await transaction.query(
            """
            WITH targets AS (
                SELECT e.id FROM webhook_endpoints e
                WHERE \(kind.rawValue) = ANY (e.event_kinds) AND NOT e.customer_facing AND (e.account_id IS NULL OR e.account_id = \(accountID))
            ), event AS (
                INSERT INTO webhook_events (tenant_id, id, kind, account_id, data)
                SELECT \(tenantID), gen_random_uuid(), \(kind.rawValue), \(accountID), \(data)::jsonb WHERE EXISTS (SELECT FROM targets)
                RETURNING id
            )
            INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id)
            SELECT \(tenantID), gen_random_uuid(), t.id, event.id FROM targets t, event
            """)
    }

    /// A delivery that a worker claimed, with what it needs to send it; `nil` when the claim is
    /// no longer its own (another worker took it after the lease ran out) or the delivery is gone.
    func claimed(_ deliveryID: UUID, claim: UUID) async throws -> PendingDelivery? {
        try await transaction.query(
            """
            SELECT d.id, d.endpoint_id, d.attempts, e.url, e.secret, ev.id AS event_id, ev.kind, ev.account_id, ev.occurred_at, ev.data::text AS data
            FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
            JOIN webhook_events ev ON ev.tenant_id = d.tenant_id AND ev.id = d.event_id
            WHERE d.id = \(deliveryID) AND d.claim = \(claim) AND d.state = 'pending'
            """
        ).first.map { row in
            PendingDelivery(
                id: try row.decode(UUID.self, column: "id"), endpointID: try row.decode(UUID.self, column: "endpoint_id"),
                attempts: try row.decode(Int.self, column: "attempts"), url: try row.decode(String.self, column: "url"),
                secret: try row.decode(String.self, column: "secret"),
                event: WebhookEventBody(
                    id: try row.decode(UUID.self, column: "event_id"), kind: try row.decode(String.self, column: "kind"),
                    accountID: try row.decode(UUID?.self, column: "account_id"), occurredAt: try row.decode(Date.self, column: "occurred_at"),
                    data: try row.decode(String.self, column: "data")))
        }
    }

    /// Logs an attempt of a claimed delivery (counted when it was claimed) and settles it: delivered,
    /// dead, or pending again after `retryAfter`; the claim is released. Nothing when the claim is no
    /// longer the worker's.
    func record(
        _ outcome: WebhookSender.Outcome, of delivery: PendingDelivery, claim: UUID, attemptedAt: Date, state: WebhookDeliveryState,
        retryAfter: Duration?
    ) async throws {
        try await transaction.query(
            """
            WITH settled AS (
                UPDATE webhook_deliveries SET state = \(state.rawValue), claim = NULL, claimed_until = NULL,
                    next_attempt_at = coalesce(now() + make_interval(secs => \(retryAfter?.seconds)), next_attempt_at), finished_at = CASE WHEN \(state.rawValue) = 'pending' THEN NULL ELSE now() END
                WHERE id = \(delivery.id) AND claim = \(claim) AND state = 'pending'
                RETURNING tenant_id, id, endpoint_id, attempts
            )
            INSERT INTO webhook_attempts (tenant_id, delivery_id, endpoint_id, attempt, attempted_at, status_code, latency_ms, error)
            SELECT tenant_id, id, endpoint_id, attempts, \(attemptedAt), \(outcome.statusCode), \(outcome.latencyMilliseconds), \(outcome.error)
            FROM settled
            """)
    }

    /// A test-send's event, delivery and its one attempt, written after it was made.
    func recordTest(
        _ event: WebhookEventBody, endpointID: UUID, outcome: WebhookSender.Outcome, attemptedAt: Date, tenantID: UUID
    ) async throws -> WebhookAttempt {
        let deliveryID = UUID()
        let state: WebhookDeliveryState = outcome.succeeded ? .delivered : .dead
        try await transaction.query(
            """
            WITH event AS (
                INSERT INTO webhook_events (tenant_id, id, kind, data, occurred_at)
                VALUES (\(tenantID), \(event.id), \(event.kind), \(event.data)::jsonb, \(event.occurredAt))
            ), delivery AS (
                INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, state, attempts, finished_at)
                VALUES (\(tenantID), \(deliveryID), \(endpointID), \(event.id), \(state.rawValue), 1, now())
            )
            INSERT INTO webhook_attempts (tenant_id, delivery_id, endpoint_id, attempt, attempted_at, status_code, latency_ms, error)
            VALUES (\(tenantID), \(deliveryID), \(endpointID), 1, \(attemptedAt), \(outcome.statusCode), \(outcome.latencyMilliseconds), \(outcome.error))
            """)
        return WebhookAttempt(
            deliveryID: deliveryID, eventID: event.id, eventKind: .ping, attempt: 1, attemptedAt: attemptedAt, statusCode: outcome.statusCode,
            latencyMilliseconds: outcome.latencyMilliseconds, error: outcome.error, state: state, nextAttemptAt: nil)
    }

    private static func endpoint(_ row: PostgresRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.decode(UUID.self, column: "id"), name: try row.decode(String.self, column: "name"),
            url: try row.decode(String.self, column: "url"),
            eventKinds: try row.decode([String].self, column: "event_kinds").compactMap(WebhookEventKind.init(rawValue:)),
            customerFacing: try row.decode(Bool.self, column: "customer_facing"), accountID: try row.decode(UUID?.self, column: "account_id"),
            createdAt: try row.decode(Date.self, column: "created_at"))
    }

    private static func attempt(_ row: PostgresRow) throws -> WebhookAttempt {
        let kind = try row.decode(String.self, column: "kind"), state = try row.decode(String.self, column: "state")
        guard let parsedKind = WebhookEventKind(rawValue: kind), let parsedState = WebhookDeliveryState(rawValue: state) else {
            throw PostgresError(kind: .decoding, message: "unexpected webhook kind \(kind) or state \(state)")
        }
        return WebhookAttempt(
            deliveryID: try row.decode(UUID.self, column: "delivery_id"), eventID: try row.decode(UUID.self, column: "event_id"),
            eventKind: parsedKind, attempt: try row.decode(Int.self, column: "attempt"),
            attemptedAt: try row.decode(Date.self, column: "attempted_at"),
            statusCode: try row.decode(Int?.self, column: "status_code"), latencyMilliseconds: try row.decode(Int.self, column: "latency_ms"),
            error: try row.decode(String?.self, column: "error"), state: parsedState,
            nextAttemptAt: try row.decode(Date?.self, column: "next_attempt_at"))
    }
}

/// A claimed delivery, as the worker sends it.
struct PendingDelivery: Sendable {
    var id: UUID
    var endpointID: UUID
    /// Attempts made before this one.
    var attempts: Int
    var url: String
    var secret: String
    var event: WebhookEventBody
}

/// An event as it is POSTed: `{"id", "type", "createdAt", "accountId", "data"}` (`Protocols/webhooks.md`).
struct WebhookEventBody: Sendable {
    var id: UUID
    var kind: String
    var accountID: UUID?
    var occurredAt: Date
    /// The `data` object, as JSON text.
    var data: String

    /// The body's bytes. `data` is JSON the database wrote (jsonb) or the server encoded; the
    /// other members are ids, a kind and a time, which need no escaping.
    var json: [UInt8] {
        let account = accountID.map { "\"\($0.uuidString.lowercased())\"" } ?? "null"
        let time = occurredAt.formatted(.iso8601)
        return Array(
            "{\"id\":\"\(id.uuidString.lowercased())\",\"type\":\"\(kind)\",\"createdAt\":\"\(time)\",\"accountId\":\(account),\"data\":\(data)}".utf8
        )
    }
}
