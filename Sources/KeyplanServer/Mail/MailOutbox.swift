import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The transaction's tenant's outgoing mail (`mail_outbox`): queued with its cause, claimed by
/// one delivery worker at a time under a lease, then marked sent, due again, or failed.
struct MailOutbox {
    let transaction: TenantTransaction

    /// A mail as a delivery worker sends it.
    struct Claimed: Sendable {
        var id: UUID
        var toAddress: String
        var toName: String?
        var subject: String
        var text: String
        var html: String?
        var listUnsubscribe: String?
        var messageID: String
        var createdAt: Date
        /// Including this one.
        var attempts: Int
        /// This worker's claim, which marking the mail must present.
        var claim: UUID
    }

    /// Queues `mail` to `address`; returns its id. The Message-ID is made here, once: every attempt sends the same.
    @discardableResult
    func queue(
        _ kind: MailKind, to address: String, name: String?, recipientID: UUID?, invitationID: UUID? = nil, mail: ComposedMail,
        listUnsubscribe: String? = nil, messageIDDomain: String
    ) async throws -> UUID {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO mail_outbox (tenant_id, id, kind, recipient_id, invitation_id, to_address, to_name, subject, body_text, body_html,
                                     list_unsubscribe, message_id)
            VALUES (app_current_tenant(), \(id), \(kind.rawValue), \(recipientID), \(invitationID), \(address), \(name.map { $0.clipped(to: 200) }),
                    \(mail.subject.clipped(to: 300)), \(mail.text), \(mail.html), \(listUnsubscribe),
                    \("\(id.uuidString.lowercased())@\(messageIDDomain)"))
            """)
        return id
    }

    /// Claims up to `limit` mails that are due and unclaimed (or whose claim ran out), oldest due
    /// first, for `lease`, counting the attempt; mails another worker is claiming right now are skipped.
    func claim(limit: Int, lease: Duration) async throws -> [Claimed] {
        let claim = UUID()
        return try await transaction.query(
            """
            WITH due AS (
                SELECT id FROM mail_outbox
                WHERE state = 'queued' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE mail_outbox m SET claim = \(claim), claimed_until = now() + make_interval(secs => \(lease.seconds)), attempts = m.attempts + 1
            FROM due WHERE m.id = due.id
            RETURNING m.id, m.to_address, m.to_name, m.subject, m.body_text, m.body_html, m.list_unsubscribe, m.message_id, m.created_at, m.attempts
            """
        ).map { row in
            Claimed(
                id: try row.decode(UUID.self, column: "id"), toAddress: try row.decode(String.self, column: "to_address"),
                toName: try row.decode(String?.self, column: "to_name"), subject: try row.decode(String.self, column: "subject"),
                text: try row.decode(String.self, column: "body_text"), html: try row.decode(String?.self, column: "body_html"),
                listUnsubscribe: try row.decode(String?.self, column: "list_unsubscribe"),
                messageID: try row.decode(String.self, column: "message_id"), createdAt: try row.decode(Date.self, column: "created_at"),
                attempts: try row.decode(Int.self, column: "attempts"), claim: claim)
        }
    }

    /// The relay accepted `mail`: its body (and an invitation's token, and the unsubscribe link, with
    /// it) is erased. Nothing changes unless the claim is still this worker's.
    func markSent(_ mail: Claimed) async throws {
        try await transaction.query(
            """
            UPDATE mail_outbox SET state = 'sent', sent_at = now(), body_text = NULL, body_html = NULL, list_unsubscribe = NULL,
                                   claim = NULL, claimed_until = NULL, last_error = NULL
            WHERE id = \(mail.id) AND state = 'queued' AND claim = \(mail.claim)
            """)
    }

    /// `mail` failed with `error`: due again after `retryAfter`, or given up when that is `nil`.
    func markFailed(_ mail: Claimed, error: String, retryAfter: Duration?) async throws {
        try await transaction.query(
            """
            UPDATE mail_outbox SET state = CASE WHEN \(retryAfter == nil) THEN 'failed' ELSE 'queued' END,
                                   next_attempt_at = now() + make_interval(secs => \(retryAfter?.seconds ?? 0)),
                                   claim = NULL, claimed_until = NULL, last_error = \(error.clipped(to: 1000))
            WHERE id = \(mail.id) AND state = 'queued' AND claim = \(mail.claim)
            """)
    }

    /// Cancels the unsent mail of an invitation that was revoked: its token is erased with it.
    func cancel(invitation: UUID) async throws {
        try await transaction.query(
            """
            UPDATE mail_outbox SET state = 'cancelled', body_text = NULL, body_html = NULL, list_unsubscribe = NULL,
                                   claim = NULL, claimed_until = NULL
            WHERE invitation_id = \(invitation) AND state IN ('queued', 'failed')
            """)
    }

    /// How long the mail log and unsubscribe links are kept.
    static let retentionDays = 90

    /// Forgets mail that left (or was given up) more than ``retentionDays`` ago, and older unsubscribe links.
    func prune() async throws {
        try await transaction.pipeline([
            """
            DELETE FROM mail_outbox
            WHERE state <> 'queued' AND created_at < now() - make_interval(days => \(Self.retentionDays)::int4)
            """,
            "DELETE FROM unsubscribe_tokens WHERE created_at < now() - make_interval(days => \(Self.retentionDays)::int4)",
        ])
    }

    /// Queues failed mail `id` again, due now, with a fresh count of attempts.
    func retry(_ id: UUID) async throws -> MailDelivery {
        guard let current = try await delivery(id, locking: true) else {
            throw RPCError(code: .notFound, message: "no mail \(id)")
        }
        guard current.kind != .passwordReset else {
            throw RPCError(
                code: .failedPrecondition,
                message: "a password link works within the hour only: reset the password again for a new mail (keyplan users reset-password)")
        }
        guard current.state == .failed else {
            throw RPCError(
                code: .failedPrecondition,
                message: current.state == .cancelled
                    ? "the mail was cancelled (its invitation was revoked): invite again instead"
                    : "only a failed mail can be sent again; this one is \(current.state.rawValue)")
        }
        try await transaction.query(
            "UPDATE mail_outbox SET state = 'queued', attempts = 0, next_attempt_at = now(), claim = NULL, claimed_until = NULL WHERE id = \(id)")
        guard let retried = try await delivery(id, locking: false) else { throw RPCError(code: .notFound, message: "no mail \(id)") }
        return retried
    }

    private static let columns =
        "id, kind, state, to_address, to_name, subject, message_id, attempts, next_attempt_at, last_error, created_at, sent_at"

    func delivery(_ id: UUID, locking: Bool) async throws -> MailDelivery? {
        try await transaction.query(
            "SELECT \(unescaped: Self.columns) FROM mail_outbox WHERE id = \(id) \(unescaped: locking ? "FOR UPDATE" : "")"
        ).first.map(Self.delivery)
    }

    /// The tenant's mail newest first, after the mail `cursor`, in `state` if given.
    func list(state: MailState?, after cursor: UUID?, limit: Int) async throws -> [MailDelivery] {
        try await transaction.query(
            """
            SELECT \(unescaped: Self.columns) FROM mail_outbox m
            WHERE (\(state?.rawValue)::text IS NULL OR m.state = \(state?.rawValue))
              AND (\(cursor)::uuid IS NULL OR (m.created_at, m.id) < (SELECT p.created_at, p.id FROM mail_outbox p WHERE p.id = \(cursor)))
            ORDER BY m.created_at DESC, m.id DESC LIMIT \(limit)
            """
        ).map(Self.delivery)
    }

    private static func delivery(_ row: PostgresRow) throws -> MailDelivery {
        func parsed<T: RawRepresentable<String>>(_ column: String) throws -> T {
            let text = try row.decode(String.self, column: column)
            guard let value = T(rawValue: text) else { throw PostgresError(kind: .decoding, message: "unexpected \(column) \(text)") }
            return value
        }
        let state: MailState = try parsed("state")
        return MailDelivery(
            id: try row.decode(UUID.self, column: "id"), kind: try parsed("kind"), state: state,
            toAddress: try row.decode(String.self, column: "to_address"), toName: try row.decode(String?.self, column: "to_name"),
            subject: try row.decode(String.self, column: "subject"), messageID: try row.decode(String.self, column: "message_id"),
            attempts: try row.decode(Int.self, column: "attempts"),
            nextAttemptAt: state == .queued ? try row.decode(Date.self, column: "next_attempt_at") : nil,
            lastError: try row.decode(String?.self, column: "last_error"), createdAt: try row.decode(Date.self, column: "created_at"),
            sentAt: try row.decode(Date?.self, column: "sent_at"))
    }
}
