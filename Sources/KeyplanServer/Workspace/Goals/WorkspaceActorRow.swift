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
    static func columns(of alias: String, as prefix: String) -> PostgresQuery {
        "\(unescaped: alias).id AS \(unescaped: prefix)_id, \(unescaped: alias).kind AS \(unescaped: prefix)_kind, \(unescaped: alias).display_name AS \(unescaped: prefix)_name, \(unescaped: alias).email AS \(unescaped: prefix)_email"
    }
}
