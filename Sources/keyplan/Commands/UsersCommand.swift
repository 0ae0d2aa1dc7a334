public import ArgumentParser
public import Foundation
public import KeyplanAPI

extension TenantRole: ExpressibleByArgument {}
extension CustomerRole: ExpressibleByArgument {}
extension TeamRole: ExpressibleByArgument {}

/// `keyplan users`: an admin's management of the tenant's sellers.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Create, list and disable users, and reset a password (admins).",
        subcommands: [Create.self, List.self, Disable.self, ResetPassword.self])

    static func line(_ user: User) -> String {
        "\(user.displayName) <\(user.email)>\t\(user.tenantRole?.rawValue ?? user.kind.rawValue)\(user.disabled ? "\tdisabled" : "")\t\(user.id.short)"
    }

    /// The user `text` names among the tenant's: an email, a name, a unique prefix of either, or an id.
    static func user(_ text: String, client: KeyplanClient) async throws -> User {
        try Reference(
            noun: "user", items: try await client.listUsers(), id: \.id, names: { [$0.email, $0.displayName] },
            describe: { "\($0.displayName) <\($0.email)>" }
        ).resolve(text)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a seller user; prints a generated password once.",
            discussion: """
                Examples:
                  keyplan users create --email ana@acme.example --name "Ana Lima" --role seller
                  keyplan users create --email lee@acme.example --name "Lee Chen" --role leader --password-stdin
                """)
        @Option(help: "The user's email.") var email: String
        @Option(help: "The user's name.") var name: String
        @Option(help: "admin, leader, seller or marketing.") var role: TenantRole
        @Flag(help: "Ask for the password (a terminal does not show it; a pipe gives one line) instead of generating one.") var passwordStdin = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let password = passwordStdin ? try await SecretPrompt.read("password") : nil
            let created = try await options.withClient { client, _ in
                try await client.createUser(CreateUserRequest(email: email, displayName: name, role: role, password: password))
            }
            try options.print(created) {
                UsersCommand.line(created.user)
                    + (created.generatedPassword.map {
                        $0.isEmpty
                            ? "\n\(Self.lostSecret): the generated password cannot be shown again (next time, choose one with --password-stdin)"
                            : "\npassword \($0) (shown only now)"
                    } ?? "")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenant's users.", discussion: "Example:\n  keyplan users list --json")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let users = try await options.withClient { client, _ in try await client.listUsers() }
            try options.print(users) { users.map(UsersCommand.line).joined(separator: "\n") }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user and revoke their credentials.",
            discussion: "Examples:\n  keyplan users disable ana@acme.example\n  keyplan users disable \"Ana Lima\"")
        @Argument(help: "The user: email, name, a unique prefix of either, or id.") var user: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let user = try await options.withClient { client, _ in try await client.disableUser(UsersCommand.user(self.user, client: client).id) }
            try options.print(user) { UsersCommand.line(user) }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Give a seller who lost their password a new one, or mail a customer a link.",
            discussion: """
                A seller's new password is generated and shown once, unless you choose it with --password-stdin;
                their sessions end, their API keys stay. A customer chooses their own: the server mails them a link,
                valid an hour, to the portal's password page (this needs a mail relay and a portal address).

                Examples:
                  keyplan users reset-password ana@acme.example
                  keyplan users reset-password "Ana Lima" --password-stdin
                """)
        @Argument(help: "The user: email, name, a unique prefix of either, or id.") var user: String
        @Flag(help: "Ask for the new password (a terminal does not show it; a pipe gives one line) instead of generating one.")
        var passwordStdin = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let password = passwordStdin ? try await SecretPrompt.read("new password") : nil
            let reset = try await options.withClient { client, _ in
                try await client.resetPassword(userID: UsersCommand.user(self.user, client: client).id, password: password)
            }
            try options.print(reset) {
                if reset.mailID != nil {
                    return UsersCommand.line(reset.user)
                        + "\na customer chooses their own password: a link to do so, valid an hour, was mailed to \(reset.user.email)"
                }
                return UsersCommand.line(reset.user)
                    + (reset.generatedPassword.map {
                        $0.isEmpty ? "\n\(Self.lostSecret): reset it again" : "\npassword \($0) (shown only now)"
                    } ?? "\npassword set")
                    + "; their sessions have ended"
            }
        }
    }
}

extension UUID: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(uuidString: argument) }
}
