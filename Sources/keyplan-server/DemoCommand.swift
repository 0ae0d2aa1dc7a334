import ArgumentParser
import Foundation
import KeyplanPostgres
import KeyplanServer

/// `keyplan-server demo seed`: a demo tenant with a realistic portfolio and shared workspaces.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Demo data beside the database.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a demo tenant full of accounts, contacts, goals, scorecards, actions and reviews.",
            discussion: """
                Everything goes through Keyplan's own API (an in-process server on a loopback port), so the data is \
                validated and journaled as in real use. Every demo user signs in with the one password given \
                (or printed). Without --database-url (or $KEYPLAN_DATABASE_URL), uses the private local cluster.
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
            let url = try await project.databaseURL(given: databaseURL)
            let result: DemoSeed.Result
            do {
                result = try await PostgresClient.withClient(configuration: try PostgresConfiguration(connectionString: url)) { client in
                    try await DemoSeed(database: client, tenantName: name, slug: slug, password: password).run()
                }
            } catch let failure as TenantBootstrap.Failure {
                throw ValidationError(failure.description)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print("tenant \(result.slug) (\(result.tenantID)); every user's password: \(result.password)")
                for person in result.people { print("  \(person.email)\t\(person.name)\t\(person.role)") }
                for account in result.accounts { print("  \(account.id)\t\(account.name)\t\(account.status.rawValue)") }
            }
        }
    }
}
