import ArgumentParser
import Foundation
import KeyplanPostgres
import KeyplanServer

/// `keyplan-server tenant create`: bootstraps a tenant and its first admin beside the database.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Manage tenants beside the database.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        /// `text` as one shell word: quoted when it holds anything a shell would read otherwise.
        static func quoted(_ text: String) -> String {
            text.allSatisfy { $0.isLetter || $0.isNumber || "@._+-".contains($0) }
                ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }

        static let configuration = CommandConfiguration(
            abstract: "Create a tenant and its first admin; prints the admin's credentials once.",
            discussion: """
                Without --database-url (or $KEYPLAN_DATABASE_URL), uses the private local cluster, \
                starting it if needed. The password is generated unless --admin-password-stdin is given. \
                It ends with the `keyplan login` command that signs the admin in, for the server named \
                by --server.

                Example:
                  keyplan-server tenant create --name "Acme Corp" --slug acme --admin-email ana@acme.example --admin-name "Ana Lima"
                """
        )

        @Option(help: "The tenant's display name.") var name: String
        @Option(help: "The tenant's slug, used to sign in (lower-case letters, digits, dashes).") var slug: String
        @Option(help: "The first admin's email.") var adminEmail: String
        @Option(help: "The first admin's name. Default: the email.") var adminName: String?
        @Flag(help: "Read the admin's password from standard input instead of generating one.") var adminPasswordStdin = false
        @Option(help: "The server role's database URL. Default: $KEYPLAN_DATABASE_URL, else the local cluster.") var databaseURL: String?
        @Option(help: "The server, host:port, as clients reach it: for the login command printed.") var server = "127.0.0.1:7400"
        @Flag(help: "Print the result as JSON.") var json = false
        @OptionGroup var project: ProjectOptions

        func run() async throws {
            let password = adminPasswordStdin ? readLine(strippingNewline: true) : nil
            let url = try await project.databaseURL(given: databaseURL)
            let configuration = try PostgresConfiguration(
                connectionString: url, pool: .init(maximumConnections: 1, leaseTimeout: .seconds(30), maximumWaiters: 1))
            do {
                let result = try await PostgresClient.withClient(configuration: configuration) { client in
                    try await TenantBootstrap(database: client).create(
                        name: name, slug: slug, adminEmail: adminEmail, adminName: adminName ?? adminEmail, adminPassword: password)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(result), as: UTF8.self))
                } else {
                    print(
                        """
                        tenant   \(result.slug) (\(result.tenantID))
                        admin    \(result.adminEmail) (\(result.adminUserID))
                        \(result.adminPassword.map { "password \($0)\nThe password is shown only now. " } ?? "")Sign in with:
                          keyplan login --server \(server) --tenant \(result.slug) --email \(Self.quoted(result.adminEmail))
                        """)
                }
            } catch let failure as TenantBootstrap.Failure {
                throw ValidationError(failure.description)
            }
        }
    }
}
