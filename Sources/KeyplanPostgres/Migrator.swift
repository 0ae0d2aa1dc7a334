public import Foundation
import NIOPosix

/// Applies the schema directory's migrations to a database.
///
/// - Files `NNNN_name.sql` apply in ascending order, each in its own transaction together with
///   its row in `keyplan_migrations(version, name, checksum, applied_at)`.
/// - The checksum is the SHA-256 of the file, computed by PostgreSQL (`sha256(bytea)`), so no
///   crypto library is needed here. An applied file whose checksum changed, or that disappeared,
///   is refused before anything runs: applied migrations are history; change the schema with a
///   new file.
/// - A session-level advisory lock serializes concurrent migrators (two servers starting at once):
///   the second waits, then finds everything applied.
/// - Re-running applies nothing.
///
/// Run it as the schema's owner role, with a client whose `statementTimeout` allows the longest
/// migration (`nil` for none).
public struct Migrator: Sendable {
    /// The directory holding the `NNNN_name.sql` files.
    public var schemaDirectory: URL

    /// The advisory lock key the migrators share (an arbitrary constant: "keyplan" in ASCII).
    static let advisoryLockKey: Int64 = 0x6B65_7970_6C61_6E

    public init(schemaDirectory: URL) {
        self.schemaDirectory = schemaDirectory
    }

    /// Reads the migrations, sorted by version. File I/O runs on NIO's blocking-I/O thread pool.
    public func loadMigrations() async throws -> [Migration] {
        let directory = schemaDirectory
        return try await NIOThreadPool.singleton.runIfActive {
            let fileNames: [String]
            do {
                fileNames = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            } catch {
                throw MigrationError("cannot read the schema directory \(directory.path)")
            }
            var migrations: [Migration] = []
            for fileName in fileNames.sorted() {
                guard let (version, name) = try Migration.parseFileName(fileName) else { continue }
                if let other = migrations.first(where: { $0.version == version }) {
                    throw MigrationError("schema files \(other.fileName) and \(fileName) have the same version \(version)")
                }
                let url = directory.appendingPathComponent(fileName)
                guard let data = FileManager.default.contents(atPath: url.path),
                    let sql = String(data: data, encoding: .utf8)
                else {
                    throw MigrationError("cannot read schema file \(url.path) as UTF-8")
                }
                migrations.append(Migration(version: version, name: name, sql: sql))
            }
            return migrations.sorted { $0.version < $1.version }
        }
    }

    /// Applies the pending migrations and returns them (empty when the database is up to date).
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [Migration] {
        let migrations = try await loadMigrations()
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
            do {
                let applied = try await apply(migrations, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PostgresConnection) async throws -> [Migration] {
        try await connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS keyplan_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let appliedRows = try await connection.query("SELECT version, name, checksum FROM keyplan_migrations ORDER BY version")
        let checksums = try await self.checksums(of: migrations, on: connection)

        var appliedVersions: Set<Int> = []
        for row in appliedRows {
            let version = try row.decode(Int.self, column: "version")
            let name = try row.decode(String.self, column: "name")
            let checksum = try row.decode(String.self, column: "checksum")
            appliedVersions.insert(version)
            guard let index = migrations.firstIndex(where: { $0.version == version }) else {
                throw MigrationError(
                    "migration \(String(format: "%04d", version))_\(name).sql was applied but is missing from \(schemaDirectory.path)")
            }
            guard checksums[index] == checksum else {
                throw MigrationError(
                    """
                    migration \(migrations[index].fileName) was changed after it was applied \
                    (checksum \(checksum.prefix(12))… now \(checksums[index].prefix(12))…): \
                    restore it and put the change in a new migration
                    """)
            }
        }

        var applied: [Migration] = []
        for (migration, checksum) in zip(migrations, checksums) where !appliedVersions.contains(migration.version) {
            do {
                try await connection.withTransaction { connection in
                    try await connection.executeScript(migration.sql)
                    try await connection.query(
                        """
                        INSERT INTO keyplan_migrations (version, name, checksum) \
                        VALUES (\(migration.version), \(migration.name), \(checksum))
                        """)
                }
            } catch let error as PostgresError {
                throw MigrationError("migration \(migration.fileName) failed: \(error)")
            }
            applied.append(migration)
        }
        return applied
    }

    /// The SHA-256 of each file, hex-encoded, computed by the server in one round trip.
    private func checksums(of migrations: [Migration], on connection: PostgresConnection) async throws -> [String] {
        let results = try await connection.pipeline { pipeline in
            for migration in migrations {
                pipeline.append("SELECT encode(sha256(\(Data(migration.sql.utf8))), 'hex') AS checksum")
            }
        }
        return try results.map { try $0.single(String.self, column: "checksum") }
    }
}
