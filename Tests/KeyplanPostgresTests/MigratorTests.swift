import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres
import Testing

@Suite("Migrator")
struct MigratorTests {
    let schema = packageDirectory.appendingPathComponent("Schema")

    /// A copy of Schema/ in a temporary folder, changed by `edit`, removed afterwards.
    func withSchemaCopy<Result>(_ edit: (URL) throws -> Void, _ body: (URL) async throws -> Result) async throws -> Result {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-schema-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: schema, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        try edit(copy)
        return try await body(copy)
    }

    func write(_ sql: String, to file: String, in directory: URL) throws {
        try sql.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
    }

    func migrationError(_ body: () async throws -> Void) async -> MigrationError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? MigrationError
        }
    }

    @Test func rerunningChangesNothing() async throws {
        try await withTestClient(asOwner: true) { client, _ in
            func history() async throws -> [String] {
                try await client.query("SELECT version, checksum, applied_at FROM keyplan_migrations ORDER BY version").map { row in
                    "\(try row.decode(Int.self, column: "version")) \(try row.decode(String.self, column: "checksum")) "
                        + "\(try row.decode(Date.self, column: "applied_at").timeIntervalSince1970)"
                }
            }
            let before = try await history()
            #expect(before.count >= 2)
            #expect(try await Migrator(schemaDirectory: schema).migrate(client).isEmpty)
            #expect(try await history() == before)
        }
    }

    @Test func newFileIsAppliedOnceWithItsChecksum() async throws {
        let sql = "CREATE TABLE notes (tenant_id uuid NOT NULL, id uuid NOT NULL, body text, PRIMARY KEY (tenant_id, id));\n"
        try await withSchemaCopy({ try write(sql, to: "9001_notes.sql", in: $0) }) { directory in
            try await withTestClient(asOwner: true) { client, _ in
                let applied = try await Migrator(schemaDirectory: directory).migrate(client)
                #expect(applied.map(\.fileName) == ["9001_notes.sql"])
                #expect(try await Migrator(schemaDirectory: directory).migrate(client).isEmpty)
                let row = try #require(try await client.query("SELECT name, checksum FROM keyplan_migrations WHERE version = 9001").first)
                #expect(try row.decode(String.self, column: "name") == "notes")
                // The SHA-256 of the file, as `sha256sum` prints it.
                let checksum = try row.decode(String.self, column: "checksum")
                #expect(checksum == "cf6025a1e4e16cfa6c753bc91d80969fcd7f1c2ade4c01e69c0bb82126cf9d10")
                #expect(try await client.query("SELECT count(*) AS n FROM notes").single(Int.self, column: "n") == 0)
            }
        }
    }

    @Test func changedAppliedFileIsRefusedBeforeAnythingRuns() async throws {
        try await withSchemaCopy({ directory in
            let file = directory.appendingPathComponent("0001_tenancy.sql")
            try (try String(contentsOf: file, encoding: .utf8) + "\n-- edited\n").write(to: file, atomically: true, encoding: .utf8)
            try write("CREATE TABLE should_not_exist (id int);", to: "9001_later.sql", in: directory)
        }) { directory in
            try await withTestClient(asOwner: true) { client, _ in
                let error = await migrationError { try await Migrator(schemaDirectory: directory).migrate(client) }
                #expect(error?.description.contains("0001_tenancy.sql was changed after it was applied") == true)
                #expect(error.map { $0.description.contains("\n") } == false)
                let exists = try await client.query("SELECT to_regclass('should_not_exist') IS NOT NULL AS e").single(Bool.self, column: "e")
                #expect(!exists)
            }
        }
    }

    @Test func failingMigrationIsRolledBackWhole() async throws {
        try await withSchemaCopy({ try write("CREATE TABLE half (id int);\nSELECT no_such_function();\n", to: "9001_broken.sql", in: $0) }) {
            directory in
            try await withTestClient(asOwner: true) { client, _ in
                let error = await migrationError { try await Migrator(schemaDirectory: directory).migrate(client) }
                #expect(error?.description.contains("9001_broken.sql failed") == true)
                let state = try #require(
                    try await client.query(
                        """
                        SELECT to_regclass('half') IS NOT NULL AS half,
                               EXISTS (SELECT FROM keyplan_migrations WHERE version = 9001) AS recorded
                        """
                    ).first)
                #expect(try state.decode(Bool.self, column: "half") == false)
                #expect(try state.decode(Bool.self, column: "recorded") == false)
                // The advisory lock was released: a good schema migrates at once.
                #expect(try await Migrator(schemaDirectory: schema).migrate(client).isEmpty)
            }
        }
    }

    @Test func concurrentMigratorsAreSerialized() async throws {
        try await withSchemaCopy({ directory in
            // Slow enough that the two migrators overlap.
            try write("SELECT pg_sleep(0.3);\nCREATE TABLE slow_one (id int);", to: "9001_slow_one.sql", in: directory)
            try write("CREATE TABLE slow_two (id int);", to: "9002_slow_two.sql", in: directory)
        }) { directory in
            try await withTestDatabase { database in
                let configuration = try PostgresConfiguration(connectionString: database.ownerURL)
                let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await PostgresClient.withClient(configuration: configuration) { client in
                                try await Migrator(schemaDirectory: directory).migrate(client).count
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(counts.sorted() == [0, 2])
            }
        }
    }

    @Test func missingAppliedFileAndMalformedNamesAreRefused() async throws {
        try await withSchemaCopy({ try FileManager.default.removeItem(at: $0.appendingPathComponent("0002_accounts.sql")) }) { directory in
            try await withTestClient(asOwner: true) { client, _ in
                let error = await migrationError { try await Migrator(schemaDirectory: directory).migrate(client) }
                #expect(error?.description.contains("0002_accounts.sql was applied but is missing") == true)
            }
        }
        try await withSchemaCopy({ try write("SELECT 1;", to: "3-bad.sql", in: $0) }) { directory in
            let error = await migrationError { _ = try await Migrator(schemaDirectory: directory).loadMigrations() }
            #expect(error?.description.contains("3-bad.sql is not named NNNN_name.sql") == true)
        }
    }
}
