import ArgumentParser
import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanServer
import Logging

/// `keyplan-server demo seed`: a demo tenant with a realistic portfolio and shared workspaces.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Demo data beside the database.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a demo tenant full of accounts, contacts, goals, scorecards, actions and reviews.",
            discussion: """
                Everything goes through Keyplan's own API (an in-process server on a loopback port), so the data is \
                validated and journaled as in real use; then part of the history is moved into the past months \
                (scorecard rounds, health scores), so that the trend charts show a trend. Every demo user signs in \
                with the one password given (or printed). Without --database-url (or $KEYPLAN_DATABASE_URL), uses \
                the private local cluster. The in-process server logs to <project>/.keyplan/demo-seed.log.

                Examples:
                  keyplan-server demo seed
                  keyplan-server demo seed --slug northwind --password "correct horse battery" --json
                """)

        @Option(help: "The demo tenant's slug.") var slug = "demo"
        @Option(help: "The demo tenant's name.") var name = "Northwind Systems"
        @Option(help: "The password of every demo user (at least 12 characters). Default: generated and printed.")
        var password: String?
        @Option(help: "The server role's database URL. Default: $KEYPLAN_DATABASE_URL, else the local cluster.") var databaseURL: String?
        @Flag(help: "Print the result as JSON.") var json = false
        @OptionGroup var project: ProjectOptions

        func run() async throws {
            let password = password ?? SecretToken.randomPassword()
            guard (PasswordHasher.minimumLength...PasswordHasher.maximumLength).contains(password.count) else {
                throw ValidationError("--password must have \(PasswordHasher.minimumLength) to \(PasswordHasher.maximumLength) characters")
            }
            // The in-process server's logs would drown the result: they go to a file.
            let log = try FileLogHandler.Sink(path: project.projectDirectory.appendingPathComponent(".keyplan/demo-seed.log").path)
            LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: log) }
            let url = try await project.databaseURL(given: databaseURL)
            var result: DemoSeed.Result
            do {
                result = try await PostgresClient.withClient(configuration: try PostgresConfiguration(connectionString: url)) { client in
                    try await DemoSeed(database: client, tenantName: name, slug: slug, password: password).run()
                }
            } catch let failure as TenantBootstrap.Failure {
                throw ValidationError(failure.description)
            }
            result.serverLog = log.path
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                // People read names: ids are in the --json output.
                print("tenant \(result.slug); every user's password: \(result.password)")
                for person in result.people { print("  \(person.email)\t\(person.name)\t\(person.role)") }
                for account in result.accounts { print("  \(account.name)\t\(account.status.rawValue)") }
                print("the demo server's log: \(log.path)")
            }
        }
    }
}
