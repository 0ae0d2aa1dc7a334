import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The notification outbox of the transaction's tenant, as its readers see it: recipients list
/// and acknowledge their own; a delivering integration claims, under a lease, and confirms.
/// (Writers enqueue through ``NotificationOutbox``.)
struct NotificationRepository {
    let transaction: TenantTransaction

    private static let columns = "n.id, n.kind, n.account_id, n.subject_id, n.message, n.created_at, n.delivered_at, n.acknowledged_at"

    /// A roadmap review is due when its next date is at most this many days away.
    static let reviewDueHorizonDays = 7

    /// Queues a `review_due` notification for each member of an account's team whose roadmap
    /// review is due within ``reviewDueHorizonDays`` or overdue (only the account's latest review counts;
    /// `recipient`: for that user only), at most once per review and date (the dedupe key).
    /// Derived from state, so it runs before the outbox is read rather than on a timer.
    func materializeReviewsDue(for recipient: UUID? = nil) async throws {
        try await transaction.query(
            """
            INSERT INTO notifications (tenant_id, id, recipient_id, account_id, kind, subject_id, message, dedupe_key)
            SELECT r.tenant_id, gen_random_uuid(), t.user_id, r.account_id, \(NotificationOutbox.Kind.reviewDue.rawValue), r.id,
                   left('Roadmap review of ' || a.name
                        || CASE WHEN r.next_review_on < current_date THEN ' overdue since ' ELSE ' due on ' END
                        || to_char(r.next_review_on, 'YYYY-MM-DD'), 1000),
                   'review_due:' || r.id::text || ':' || to_char(r.next_review_on, 'YYYY-MM-DD')
            FROM roadmap_reviews r
            JOIN accounts a ON a.tenant_id = r.tenant_id AND a.id = r.account_id
            JOIN account_team t ON t.tenant_id = r.tenant_id AND t.account_id = r.account_id
            WHERE r.next_review_on <= current_date + \(Self.reviewDueHorizonDays)::int4
              AND (\(recipient)::uuid IS NULL OR t.user_id = \(recipient))
              AND NOT EXISTS (
                  SELECT FROM roadmap_reviews later
                  WHERE later.tenant_id = r.tenant_id AND later.account_id = r.account_id
                    AND (later.held_on, later.id) > (r.held_on, r.id))
            ON CONFLICT (tenant_id, recipient_id, dedupe_key) DO NOTHING
            """)
    }

    /// Reminders derived from state — reviews coming due, scoring rounds closing — turned into
    /// notifications (`recipient`: for that user only).
    func materializeReminders(for recipient: UUID? = nil) async throws {
        try await materializeReviewsDue(for: recipient)
        try await materializeRoundsClosing(for: recipient)
    }

    /// A scoring round closes soon when it closes within this many hours.
    static let roundClosingHorizonHours = 48

    /// Queues a `scoring_round_closing` notification for each active customer of an account who
    /// has not answered an open round that closes within ``roundClosingHorizonHours`` (`recipient`:
    /// for that user only), at most once per round and closing time. Derived from state, like
    /// ``materializeReviewsDue(for:)``.
    func materializeRoundsClosing(for recipient: UUID? = nil) async throws {
        try await transaction.query(
            """
            INSERT INTO notifications (tenant_id, id, recipient_id, account_id, kind, subject_id, message, dedupe_key)
            SELECT r.tenant_id, gen_random_uuid(), c.user_id, r.account_id, \(NotificationOutbox.Kind.scoringRoundClosing.rawValue), r.id,
                   left('Your scores, please: “' || t.name || '” for ' || r.period || ' with ' || a.name || ' closes on '
                        || to_char(r.closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC', 1000),
                   'round_closing:' || r.id::text || ':' || to_char(r.closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI')
            FROM scoring_rounds r
            JOIN accounts a ON a.tenant_id = r.tenant_id AND a.id = r.account_id
            JOIN scorecard_templates t ON t.tenant_id = r.tenant_id AND t.id = r.template_id
            JOIN account_customers c ON c.tenant_id = r.tenant_id AND c.account_id = r.account_id
            JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id AND u.disabled_at IS NULL
            WHERE r.closed_at IS NULL AND r.closes_at BETWEEN now() AND now() + make_interval(hours => \(Self.roundClosingHorizonHours)::int4)
              AND (\(recipient)::uuid IS NULL OR c.user_id = \(recipient))
              AND NOT EXISTS (
                  SELECT FROM scorecard_responses s WHERE s.tenant_id = r.tenant_id AND s.round_id = r.id AND s.respondent_id = c.user_id)
            ON CONFLICT (tenant_id, recipient_id, dedupe_key) DO NOTHING
            """)
    }

    /// The recipient's notifications newest first, after the `cursor` notification.
    func list(for recipient: UUID, unacknowledgedOnly: Bool, after cursor: UUID?, limit: Int) async throws -> [NotificationView] {
        try await transaction.query(
            """
            SELECT \(unescaped: Self.columns) FROM notifications n
            WHERE n.recipient_id = \(recipient) AND (NOT \(unacknowledgedOnly) OR n.acknowledged_at IS NULL)
              AND (\(cursor)::uuid IS NULL OR (n.created_at, n.id) < (
                  SELECT p.created_at, p.id FROM notifications p WHERE p.recipient_id = \(recipient) AND p.id = \(cursor)))
            ORDER BY n.created_at DESC, n.id DESC LIMIT \(limit)
            """
        ).map(Self.view)
    }

    /// Whether `id` is one of the recipient's notifications (a cursor must be).
    func exists(_ id: UUID, for recipient: UUID) async throws -> Bool {
        try await transaction.query("SELECT 1 FROM notifications WHERE recipient_id = \(recipient) AND id = \(id)").isEmpty == false
    }

    /// Acknowledges the recipient's notifications `ids`: all of them, or none when one is not theirs.
    func acknowledge(_ ids: [UUID], for recipient: UUID) async throws -> Int {
        try await update(ids, owned: "recipient_id = \(recipient)", set: "acknowledged_at")
    }

    /// Marks notifications `ids` of the tenant delivered: all of them, or none when one does not exist.
    func confirmDelivery(_ ids: [UUID]) async throws -> Int {
        try await update(ids, owned: "true", set: "delivered_at")
    }

    /// Sets the timestamp `column` (`acknowledged_at` or `delivered_at`) of rows `ids` that match
    /// `owned` and have none yet; NOT_FOUND (nothing changed: the caller rolls back) when one of
    /// `ids` does not match. Returns how many changed.
    private func update(_ ids: [UUID], owned: PostgresQuery, set column: String) async throws -> Int {
        let unique = Array(Set(ids))
        let rows = try await transaction.query(
            """
            WITH mine AS (
                SELECT id, \(unescaped: column) IS NULL AS pending FROM notifications WHERE \(owned) AND id = ANY(\(unique)::uuid[]) FOR UPDATE
            ), changed AS (
                UPDATE notifications n SET \(unescaped: column) = now() FROM mine WHERE n.id = mine.id AND mine.pending RETURNING n.id
            )
            SELECT (SELECT count(*) FROM mine) AS found, (SELECT count(*) FROM changed) AS changed
            """)
        guard try rows[0].decode(Int.self, column: "found") == unique.count else {
            throw RPCError(code: .notFound, message: "not every id names a notification of yours: nothing was changed")
        }
        return try rows[0].decode(Int.self, column: "changed")
    }

    /// Claims up to `limit` undelivered notifications (never claimed, or whose lease ran out),
    /// oldest first, for `lease`; rows another integration is claiming right now are skipped,
    /// not waited for. Disabled recipients are left out.
    func claim(limit: Int, lease: Duration) async throws -> [ClaimedNotification] {
        let seconds = Double(lease.components.seconds)
        return try await transaction.query(
            """
            WITH claimable AS (
                SELECT n.tenant_id, n.id FROM notifications n
                JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.recipient_id AND u.disabled_at IS NULL
                WHERE n.delivered_at IS NULL AND (n.claimed_until IS NULL OR n.claimed_until < now())
                ORDER BY n.created_at, n.id LIMIT \(limit)
                FOR UPDATE OF n SKIP LOCKED
            )
            UPDATE notifications n SET claimed_until = now() + make_interval(secs => \(seconds))
            FROM claimable c, users u
            WHERE n.tenant_id = c.tenant_id AND n.id = c.id AND u.tenant_id = n.tenant_id AND u.id = n.recipient_id
            RETURNING \(unescaped: Self.columns), n.claimed_until, u.id AS recipient_id, u.email, u.display_name
            """
        ).map { row in
            ClaimedNotification(
                notification: try Self.view(row), recipientID: try row.decode(UUID.self, column: "recipient_id"),
                recipientEmail: try row.decode(String.self, column: "email"), recipientName: try row.decode(String.self, column: "display_name"),
                claimedUntil: try row.decode(Date.self, column: "claimed_until"))
        }.sorted { ($0.notification.createdAt, $0.notification.id.uuidString) < ($1.notification.createdAt, $1.notification.id.uuidString) }
    }

    private static func view(_ row: PostgresRow) throws -> NotificationView {
        let kind = try row.decode(String.self, column: "kind")
        guard let parsed = NotificationKind(rawValue: kind) else { throw PostgresError(kind: .decoding, message: "unexpected kind \(kind)") }
        return NotificationView(
            id: try row.decode(UUID.self, column: "id"), kind: parsed, accountID: try row.decode(UUID?.self, column: "account_id"),
            subjectID: try row.decode(UUID?.self, column: "subject_id"), message: try row.decode(String.self, column: "message"),
            createdAt: try row.decode(Date.self, column: "created_at"), deliveredAt: try row.decode(Date?.self, column: "delivered_at"),
            acknowledgedAt: try row.decode(Date?.self, column: "acknowledged_at"))
    }
}
