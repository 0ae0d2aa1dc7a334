import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Per user, which notifications come by mail and whether as a daily digest
/// (`notification_settings`; no row: every kind, one mail each), and the one-click unsubscribe
/// tokens of the mails sent (`unsubscribe_tokens`, stored hashed).
struct NotificationSettingsRepository {
    let transaction: TenantTransaction

    func settings(of user: UUID) async throws -> NotificationSettings {
        guard
            let row = try await transaction.query(
                "SELECT muted_kinds, digest, next_digest_at FROM notification_settings WHERE user_id = \(user)"
            ).first
        else { return NotificationSettings() }
        return NotificationSettings(
            mutedKinds: try row.decode([String].self, column: "muted_kinds").compactMap(NotificationKind.init(rawValue:)).sorted {
                $0.rawValue < $1.rawValue
            },
            digest: try row.decode(Bool.self, column: "digest"), nextDigestAt: try row.decode(Date?.self, column: "next_digest_at"))
    }

    /// Replaces `user`'s settings. Turning the digest on schedules the next one for `digestHour`
    /// (UTC); one already scheduled keeps its time.
    func update(_ user: UUID, mutedKinds: Set<NotificationKind>, digest: Bool, digestHour: Int) async throws -> NotificationSettings {
        try await transaction.query(
            """
            INSERT INTO notification_settings AS s (tenant_id, user_id, muted_kinds, digest, next_digest_at)
            VALUES (app_current_tenant(), \(user), \(mutedKinds.map(\.rawValue).sorted())::text[], \(digest),
                    CASE WHEN \(digest) THEN \(Self.nextDigest(hour: digestHour)) END)
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET
                muted_kinds = excluded.muted_kinds, digest = excluded.digest,
                next_digest_at = CASE WHEN excluded.digest THEN coalesce(s.next_digest_at, excluded.next_digest_at) END,
                updated_at = now()
            """)
        return try await settings(of: user)
    }

    /// The next time of day `hour` (UTC) after now, in SQL.
    static func nextDigest(hour: Int) -> PostgresQuery {
        """
        (date_trunc('day', now() AT TIME ZONE 'UTC') + make_interval(hours => \(hour)::int4)
         + CASE WHEN date_trunc('day', now() AT TIME ZONE 'UTC') + make_interval(hours => \(hour)::int4) <= (now() AT TIME ZONE 'UTC')
                THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE 'UTC'
        """
    }

    /// A new unsubscribe token for a mail to `user` about `kind` (a digest: `nil`, all notification mail).
    func unsubscribeToken(for user: UUID, kind: NotificationKind?) async throws -> SecretToken {
        let token = SecretToken.generate(.unsubscribe)
        try await transaction.query(
            """
            INSERT INTO unsubscribe_tokens (tenant_id, token_hash, user_id, kind)
            VALUES (app_current_tenant(), \(token.hash), \(user), \(kind?.rawValue))
            """)
        return token
    }

    /// The tenant, user and kind of an unsubscribe token, read before any tenant is set.
    static func resolve(
        unsubscribe token: String, on database: PostgresClient
    ) async throws -> (tenantID: UUID, userID: UUID, kind: NotificationKind?)? {
        guard let row = try await database.query("SELECT * FROM resolve_unsubscribe(\(SecretToken.hash(of: token)))").first else { return nil }
        return (
            try row.decode(UUID.self, column: "tenant_id"), try row.decode(UUID.self, column: "user_id"),
            try row.decode(String?.self, column: "kind").flatMap(NotificationKind.init(rawValue:))
        )
    }
}
