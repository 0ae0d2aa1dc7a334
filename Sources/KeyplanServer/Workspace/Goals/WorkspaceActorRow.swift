import Foundation
import KeyplanAPI
import KeyplanPostgres

extension WorkspaceChange.Actor {
    /// A person read from the columns `<prefix>_id`, `<prefix>_kind`, `<prefix>_name` and
    /// `<prefix>_email` (see ``columns(of:as:)``).
    init(_ row: PostgresRow, prefix: String) throws {
        guard let person = try Self.optional(row, prefix: prefix) else {
            throw PostgresError(kind: .decoding, message: "no person in \(prefix)_id", column: "\(prefix)_id")
        }
        self = person
    }

    /// The person of those columns; `nil` when `<prefix>_id` is NULL (a LEFT JOIN found nobody).
    static func optional(_ row: PostgresRow, prefix: String) throws -> Self? {
        guard let id = try row.decode(UUID?.self, column: "\(prefix)_id") else { return nil }
        let kind = try row.decode(String.self, column: "\(prefix)_kind")
        guard let userKind = UserKind(rawValue: kind) else {
            throw PostgresError(kind: .decoding, message: "unexpected user kind \(kind)", column: "\(prefix)_kind")
        }
        return Self(
            userID: id, kind: userKind, displayName: try row.decode(String.self, column: "\(prefix)_name"),
            email: try row.decode(String.self, column: "\(prefix)_email"))
    }

    /// The select-list columns that ``init(_:prefix:)`` reads, of the `users` row aliased `alias`.
    ///
    /// A customer reading an account (whose check set `app.customer_account`) gets a seller's email address
    /// only if the seller is on the account's team — a participant; an admin or leader who edited a shared record
    /// shows by name alone. Sellers read every address. Built here, once, for every person a workspace read returns.
    /// (SQL does not promise to stop at the first false condition: the setting is cast only where it cannot be empty.)
    static func columns(of alias: String, as prefix: String) -> PostgresQuery {
        """
        \(unescaped: alias).id AS \(unescaped: prefix)_id, \(unescaped: alias).kind AS \(unescaped: prefix)_kind, \
        \(unescaped: alias).display_name AS \(unescaped: prefix)_name, \
        CASE WHEN \(unescaped: alias).kind = 'seller' AND coalesce(current_setting('app.customer_account', true), '') <> ''
                  AND NOT EXISTS (SELECT 1 FROM account_team AS participant
                                  WHERE participant.account_id = nullif(current_setting('app.customer_account', true), '')::uuid
                                    AND participant.user_id = \(unescaped: alias).id)
             THEN '' ELSE \(unescaped: alias).email END AS \(unescaped: prefix)_email
        """
    }
}
