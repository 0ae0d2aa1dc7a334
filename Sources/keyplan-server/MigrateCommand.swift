import ArgumentParser
import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres

/// `keyplan-server migrate`: applies `Schema/NNNN_name.sql` files in order.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations, as the schema owner role.",
        discussion: """
            Without --database-url (or $KEYPLAN_MIGRATION_DATABASE_URL), migrates the private local \
            cluster's database, starting the cluster if needed.
            """
    )

    @Option(help: "The schema owner's database URL or libpq connection string. Default: $KEYPLAN_MIGRATION_DATABASE_URL.")
    var databaseURL: String?

    @OptionGroup var project: ProjectOptions

    func run() async throws {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["KEYPLAN_MIGRATION_DATABASE_URL"] else {
            // The local cluster migrates its database as part of starting.
            let database = try await project.localCluster.start()
            print("migrated \(database.name) (local cluster, port \(database.port))")
            return
        }
        let configuration = try PostgresConfiguration(
            connectionString: url,
            pool: .init(maximumConnections: 1, leaseTimeout: .seconds(60), maximumWaiters: 1),
            session: .init(statementTimeout: nil, connectTimeout: .seconds(10), applicationName: "keyplan-migrate")
        )
        let applied = try await PostgresClient.withClient(configuration: configuration) { client in
            try await Migrator(schemaDirectory: project.schemaDirectory).migrate(client)
        }
        if applied.isEmpty {
            print("up to date (\(configuration.endpointDescription))")
        } else {
            applied.forEach { print("applied \($0.fileName)") }
        }
    }
}
