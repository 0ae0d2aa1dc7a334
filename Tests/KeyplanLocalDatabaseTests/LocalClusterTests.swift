import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres
import Testing

@Suite("Local cluster")
struct LocalClusterTests {
    let schema = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schema")

    @Test func startCreatesMigratesAndReusesThenStopStops() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: schema) { cluster in
            #expect(try await cluster.status().exists == false)

            let first = try await cluster.start()
            let status = try await cluster.status()
            #expect(status.isRunning)
            #expect(status.port == first.port)

            let start = ContinuousClock.now
            let second = try await cluster.start()
            #expect(second == first)
            #expect(ContinuousClock.now - start < .seconds(2))

            // The app URL works, as the app role, on a migrated database.
            let configuration = try PostgresConfiguration(connectionString: first.appURL)
            let (user, tables) = try await PostgresClient.withClient(configuration: configuration) { client in
                let row = try #require(
                    try await client.query(
                        """
                        SELECT current_user::text AS u,
                               (SELECT count(*) FROM pg_tables WHERE tablename IN ('tenants', 'accounts')) AS t
                        """
                    ).first)
                return (try row.decode(String.self, column: "u"), try row.decode(Int.self, column: "t"))
            }
            #expect(user == "keyplan_app")
            #expect(tables == 2)

            #expect(try await cluster.stop() == true)
            #expect(try await cluster.status().isRunning == false)
            #expect(try await cluster.stop() == false)

            // Started again: same data, same passwords.
            let again = try await cluster.start()
            #expect(again.appURL == first.appURL)
        }
    }

    @Test func credentialsAreGeneratedAndPrivate() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: schema) { cluster in
            let database = try await cluster.start()
            #expect(database.appURL != database.ownerURL)
            let credentials = cluster.configuration.directory.appendingPathComponent("credentials.json").path
            let attributes = try FileManager.default.attributesOfItem(atPath: credentials)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            // Over TCP a password is required: no password, no connection.
            let withoutPassword = "postgres://keyplan_app@127.0.0.1:\(database.port)/keyplan?sslmode=disable"
            let error = await { () async -> PostgresError? in
                do {
                    let configuration = try PostgresConfiguration(connectionString: withoutPassword)
                    try await PostgresClient.withClient(configuration: configuration) { try await $0.query("SELECT 1") }
                    return nil
                } catch {
                    return error as? PostgresError
                }
            }()
            #expect(error?.kind == .connectionFailed)
        }
    }

    /// A server still running on the data folder while the cluster's own notes of it are gone (a
    /// checkout deleted and cloned again at the same path): the cluster is found where it listens.
    @Test func aRunningServerWhoseNotesAreLostIsFoundWhereItListens() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: schema) { cluster in
            let first = try await cluster.start()
            try FileManager.default.removeItem(at: cluster.configuration.directory.appendingPathComponent("cluster.json"))
            let again = try await LocalCluster(configuration: cluster.configuration).start()
            #expect(again.port == first.port)
            let configuration = try PostgresConfiguration(connectionString: again.ownerURL)
            let one = try await PostgresClient.withClient(configuration: configuration) {
                try await $0.query("SELECT 1 AS one").single(Int.self, column: "one")
            }
            #expect(one == 1)
        }
    }

    /// During development a schema file changes under a template an earlier run migrated: the
    /// next run starts the template afresh instead of failing every suite.
    @Test func aTemplateMigratedFromChangedSchemaFilesIsRebuilt() async throws {
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-schema-\(UUID())")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        try FileManager.default.copyItem(at: schema.appendingPathComponent("0001_tenancy.sql"), to: files.appendingPathComponent("0001_tenancy.sql"))
        let second = files.appendingPathComponent("0002_sample.sql")
        try "CREATE TABLE sample (first int);".write(to: second, atomically: true, encoding: .utf8)
        try await LocalCluster.withTemporaryCluster(schemaDirectory: files) { cluster in
            let before = try await cluster.createTestDatabase()
            try "CREATE TABLE sample (second int);".write(to: second, atomically: true, encoding: .utf8)
            // A later test process: a new instance on the same cluster.
            let after = try await LocalCluster(configuration: cluster.configuration).createTestDatabase()
            let column = try await PostgresClient.withClient(configuration: try PostgresConfiguration(connectionString: after.ownerURL)) { client in
                try await client.query("SELECT attname::text AS name FROM pg_attribute WHERE attrelid = 'sample'::regclass AND attnum > 0").single(
                    String.self, column: "name")
            }
            #expect(column == "second")
            try await cluster.dropDatabase(named: before.name)
            try await cluster.dropDatabase(named: after.name)
        }
    }

    @Test func testDatabasesAreSeparateCopiesOfTheMigratedTemplate() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: schema) { cluster in
            let databases = try await withThrowingTaskGroup(of: LocalDatabase.self) { group in
                for _ in 0..<3 { group.addTask { try await cluster.createTestDatabase() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(databases.map(\.name)).count == 3)
            for database in databases {
                let configuration = try PostgresConfiguration(connectionString: database.ownerURL)
                let count = try await PostgresClient.withClient(configuration: configuration) { client in
                    try await client.query("SELECT count(*) AS n FROM keyplan_migrations").single(Int.self, column: "n")
                }
                let files = try FileManager.default.contentsOfDirectory(atPath: schema.path).filter { $0.hasSuffix(".sql") }
                #expect(count == files.count)
                try await cluster.dropDatabase(named: database.name)
            }
        }
    }

    @Test(arguments: ["", "Upper", "has space", "semi;colon", "x\"y", String(repeating: "a", count: 64)])
    func invalidDatabaseNamesAreRefused(_ name: String) async throws {
        let cluster = LocalCluster(configuration: .testing(projectDirectory: URL(fileURLWithPath: "/nonexistent-keyplan")))
        await #expect(throws: LocalClusterError.self) { try await cluster.dropDatabase(named: name) }
    }
}
