import Foundation

/// One schema migration: a file `NNNN_name.sql` of the schema directory.
public struct Migration: Sendable, Hashable {
    /// The number `NNNN`; migrations apply in ascending order.
    public var version: Int
    /// The `name` part of the file name.
    public var name: String
    /// The file's SQL. It runs inside the migrator's transaction: no BEGIN/COMMIT of its own,
    /// nothing that cannot run in a transaction (such as `CREATE INDEX CONCURRENTLY`).
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// `0002_accounts.sql`
    public var fileName: String { String(format: "%04d_%@.sql", version, name) }

    /// Parses a file name; `nil` for files that are not migrations (no leading digit or not `.sql`).
    /// Throws for a name that looks like a migration but is malformed.
    static func parseFileName(_ fileName: String) throws -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql"), fileName.first?.isNumber == true else { return nil }
        let stem = fileName.dropLast(4)
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]),
            parts[1].allSatisfy({ ($0.isLetter && $0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "_" })
        else {
            throw MigrationError(
                "schema file \(fileName) is not named NNNN_name.sql (four digits, then lower-case letters, digits and _)"
            )
        }
        return (version, String(parts[1]))
    }
}

/// A migration that cannot be applied; the message is one line naming the file.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
