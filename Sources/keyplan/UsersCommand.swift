import ArgumentParser
import Foundation
import KeyplanAPI

extension TenantRole: ExpressibleByArgument {}
extension CustomerRole: ExpressibleByArgument {}
extension TeamRole: ExpressibleByArgument {}

/// `keyplan users`: an admin's management of the tenant's sellers.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Create, list and disable users (admins).", subcommands: [Create.self, List.self, Disable.self])

    static func line(_ user: User) -> String {
        "\(user.id)\t\(user.email)\t\(user.tenantRole?.rawValue ?? user.kind.rawValue)\(user.disabled ? "\tdisabled" : "")"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a seller user; prints a generated password once.")
        @Option(help: "The user's email.") var email: String
        @Option(help: "The user's name.") var name: String
        @Option(help: "admin, leader, seller or marketing.") var role: TenantRole
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let password = passwordStdin ? try readSecretLine("password") : nil
            let created = try await options.withClient { client, _ in
                try await client.createUser(CreateUserRequest(email: email, displayName: name, role: role, password: password))
            }
            try options.print(created) {
                UsersCommand.line(created.user) + (created.generatedPassword.map { "\npassword \($0) (shown only now)" } ?? "")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's users.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let users = try await options.withClient { client, _ in try await client.listUsers() }
            try options.print(users) { users.map(UsersCommand.line).joined(separator: "\n") }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user and revoke their credentials.")
        @Argument(help: "The user's id.") var userID: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let user = try await options.withClient { client, _ in try await client.disableUser(userID) }
            try options.print(user) { UsersCommand.line(user) }
        }
    }
}

extension UUID: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(uuidString: argument) }
}
