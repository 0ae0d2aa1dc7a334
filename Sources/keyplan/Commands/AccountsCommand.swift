import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan accounts`: the accounts you may see, their teams and their participants.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Create, list and show accounts; manage their teams; list their participants.",
        subcommands: [Create.self, List.self, Get.self, Participants.self, AddMember.self, RemoveMember.self])

    static func line(_ account: AccountView) -> String { "\(account.name)\t\(account.id.short)" }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; you become its owner.", discussion: "Example:\n  keyplan accounts create --name \"Contoso Manufacturing\"")
        @Option(help: "The account's name.") var name: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let account = try await options.withClient { client, _ in try await client.createAccount(CreateAccountRequest(name: name)) }
            try options.print(account) { AccountsCommand.line(account) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the accounts you may see.", discussion: "Example:\n  keyplan accounts list --json")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let accounts = try await options.withClient { client, _ in try await client.listAccounts() }
            try options.print(accounts) { accounts.isEmpty ? "no accounts" : accounts.map(AccountsCommand.line).joined(separator: "\n") }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account.",
            discussion: "Examples:\n  keyplan accounts get --account Contoso\n  keyplan accounts get --account 3f2a9c1e --json")
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let account = try await options.withClient { client, _ in try await client.getAccount(try await self.account.id(client)) }
            try options.print(account) {
                AccountsCommand.line(account) + (account.annualRevenue.map { "\nannual revenue: \($0)" } ?? "")
                    + (account.internalNotes.map { "\nnotes: \($0)" } ?? "")
            }
        }
    }

    struct Participants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who takes part in an account: its team and its invited customers.",
            discussion: """
                These are the people an action's owner, a step's responsible, a review's attendee or a \
                comment's mention can name (by email or name).

                Example:
                  keyplan accounts participants --account Contoso
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let participants = try await options.withClient { client, _ in try await client.participants(of: try await account.id(client)) }
            try options.print(ParticipantList(participants: participants)) {
                participants.map {
                    "\($0.person.label)\t\($0.person.kind == .customer ? "customer" : "seller"), \($0.roleWords.replacingOccurrences(of: "customer ", with: ""))"
                }
                .joined(separator: "\n")
            }
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-member", abstract: "Put a seller on an account's team (or change their team role).",
            discussion:
                "Examples:\n  keyplan accounts add-member --account Contoso --user ana@acme.example\n  keyplan accounts add-member --account Contoso --user lee@acme.example --role owner"
        )
        @OptionGroup var account: AccountOption
        @Option(help: ArgumentHelp("The seller: their email, or their user id.", valueName: "email")) var user: String
        @Option(help: "owner or member.") var role: TeamRole = .member
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let accountName = try await options.withClient { client, _ in
                let account = try await self.account.resolve(client)
                let request =
                    UUID(uuidString: user).map { AddTeamMemberRequest(accountID: account.id, userID: $0, role: role) }
                    ?? AddTeamMemberRequest(accountID: account.id, email: user, role: role)
                try await client.addTeamMember(request)
                return account.name
            }
            try options.print(["account": accountName, "user": user, "role": role.rawValue]) {
                "\(user) is now \(role == .owner ? "an owner" : "a member") of \(accountName)'s team"
            }
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Take a seller off an account's team, or a customer out of its workspace.",
            discussion: """
                Their pending invitations to the account are revoked, and the actions they owned are left without an owner.

                Example:
                  keyplan accounts remove-member --account Contoso --user dana@contoso.example
                """)
        @OptionGroup var account: AccountOption
        @Option(
            help: ArgumentHelp("The person: their email, name, a unique prefix of either, or id (see `accounts participants`).", valueName: "email"))
        var user: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let (accountName, person) = try await options.withClient { client, _ in
                let account = try await self.account.resolve(client)
                let person = try await People.of(account.id, client).resolve(user)
                try await client.removeMember(RemoveMemberRequest(accountID: account.id, userID: person.userID))
                return (account.name, person)
            }
            try options.print(["account": accountName, "user": person.email]) { "removed \(person.label) from \(accountName)" }
        }
    }
}
