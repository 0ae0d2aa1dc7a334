import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Turns the transaction's tenant's notifications into mail, as each recipient chose: one mail
/// per notification, one digest a day, or none for a muted kind. Each notification is taken once
/// (`mailed_at`), under `FOR UPDATE SKIP LOCKED`, so processes running this at once never mail
/// one twice; the mail is queued in the same transaction, so none is lost either.
struct NotificationMailer {
    let transaction: TenantTransaction
    let configuration: MailConfiguration

    /// Mails at most this many notifications per call (the rest wait for the next).
    static let batchSize = 200

    /// Mails the notifications that are not for a digest; returns how many mails were queued.
    func mailNotifications() async throws -> Int {
        let horizon = configuration.delivery.notificationHorizon.seconds
        let rows = try await transaction.query(
            """
            SELECT n.id, n.recipient_id, n.kind, n.account_id, a.name AS account_name, n.message, n.created_at,
                   n.created_at < now() - make_interval(secs => \(horizon)) AS stale,
                   u.email, u.display_name, u.disabled_at IS NOT NULL AS disabled,
                   n.kind = ANY(coalesce(s.muted_kinds, '{}')) AS muted
            FROM notifications n
            JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.recipient_id
            LEFT JOIN accounts a ON a.tenant_id = n.tenant_id AND a.id = n.account_id
            LEFT JOIN notification_settings s ON s.tenant_id = n.tenant_id AND s.user_id = n.recipient_id
            WHERE n.mailed_at IS NULL AND NOT coalesce(s.digest, false)
            ORDER BY n.created_at, n.id LIMIT \(Self.batchSize)
            FOR UPDATE OF n SKIP LOCKED
            """)
        guard !rows.isEmpty else { return 0 }
        let composer = try await composer()
        let settings = NotificationSettingsRepository(transaction: transaction)
        let outbox = MailOutbox(transaction: transaction)
        var taken: [UUID] = []
        var queued = 0
        for row in rows {
            taken.append(try row.decode(UUID.self, column: "id"))
            guard try !row.decode(Bool.self, column: "stale"), try !row.decode(Bool.self, column: "disabled"),
                try !row.decode(Bool.self, column: "muted"), let notification = try Self.notification(row)
            else { continue }
            let recipient = try row.decode(UUID.self, column: "recipient_id")
            let name = try row.decode(String.self, column: "display_name")
            let unsubscribe = try await unsubscribeLink(for: recipient, kind: notification.kind, on: settings)
            try await outbox.queue(
                .notification, to: try row.decode(String.self, column: "email"), name: name, recipientID: recipient,
                mail: composer.notification(notification, to: name, unsubscribe: unsubscribe), listUnsubscribe: unsubscribe,
                messageIDDomain: configuration.messageIDDomain)
            queued += 1
        }
        try await transaction.query("UPDATE notifications SET mailed_at = now() WHERE id = ANY(\(taken)::uuid[])")
        return queued
    }

    /// Sends each digest that is due: one mail per user listing their notifications since the last,
    /// by account (none when there are none), then schedules the next. Returns how many were queued.
    func mailDigests() async throws -> Int {
        let due = try await transaction.query(
            """
            SELECT s.user_id, s.muted_kinds, u.email, u.display_name, u.disabled_at IS NOT NULL AS disabled
            FROM notification_settings s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
            WHERE s.digest AND s.next_digest_at <= now()
            ORDER BY s.next_digest_at LIMIT \(Self.batchSize)
            FOR UPDATE OF s SKIP LOCKED
            """)
        guard !due.isEmpty else { return 0 }
        let composer = try await composer()
        let settings = NotificationSettingsRepository(transaction: transaction)
        let horizon = configuration.delivery.notificationHorizon.seconds
        var queued = 0
        for user in due {
            let recipient = try user.decode(UUID.self, column: "user_id")
            let muted = Set(try user.decode([String].self, column: "muted_kinds"))
            let rows = try await transaction.query(
                """
                UPDATE notifications n SET mailed_at = now()
                FROM (SELECT id FROM notifications WHERE recipient_id = \(recipient) AND mailed_at IS NULL FOR UPDATE) pending
                WHERE n.id = pending.id
                RETURNING n.kind, n.account_id, (SELECT a.name FROM accounts a WHERE a.id = n.account_id) AS account_name, n.message,
                          n.created_at, n.created_at < now() - make_interval(secs => \(horizon)) AS stale
                """)
            let notifications = try rows.filter { row in
                try !row.decode(Bool.self, column: "stale") && !muted.contains(try row.decode(String.self, column: "kind"))
            }.compactMap(Self.notification)
            if !notifications.isEmpty, try !user.decode(Bool.self, column: "disabled") {
                let name = try user.decode(String.self, column: "display_name")
                let unsubscribe = try await unsubscribeLink(for: recipient, kind: nil, on: settings)
                try await MailOutbox(transaction: transaction).queue(
                    .digest, to: try user.decode(String.self, column: "email"), name: name, recipientID: recipient,
                    mail: composer.digest(notifications, to: name, unsubscribe: unsubscribe), listUnsubscribe: unsubscribe,
                    messageIDDomain: configuration.messageIDDomain)
                queued += 1
            }
            try await transaction.query(
                """
                UPDATE notification_settings SET next_digest_at = \(NotificationSettingsRepository.nextDigest(hour: configuration.delivery.digestHour))
                WHERE user_id = \(recipient)
                """)
        }
        return queued
    }

    /// The one-click unsubscribe link of a mail, when the portal has an https address (RFC 8058
    /// wants https; without a portal there is nothing to click).
    private func unsubscribeLink(for user: UUID, kind: NotificationKind?, on settings: NotificationSettingsRepository) async throws -> String? {
        guard configuration.portalURL?.scheme?.lowercased() == "https" else { return nil }
        let token = try await settings.unsubscribeToken(for: user, kind: kind)
        return configuration.link("/unsubscribe/\(token.text)")
    }

    private func composer() async throws -> MailComposer {
        let name = try await transaction.query("SELECT name FROM tenants WHERE id = app_current_tenant()").first?.decode(String.self, column: "name")
        return MailComposer(configuration: configuration, tenantName: name ?? "your supplier")
    }

    private static func notification(_ row: PostgresRow) throws -> MailComposer.Notification? {
        guard let kind = NotificationKind(rawValue: try row.decode(String.self, column: "kind")) else { return nil }
        return MailComposer.Notification(
            kind: kind, accountID: try row.decode(UUID?.self, column: "account_id"),
            accountName: try row.decode(String?.self, column: "account_name"),
            message: try row.decode(String.self, column: "message"), createdAt: try row.decode(Date.self, column: "created_at"))
    }
}
