import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan accounts`: the accounts you may see.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Create, list and show accounts; add team members.",
        subcommands: [Create.self, List.self, Get.self, AddMember.self, RemoveMember.self])

    static func line(_ account: AccountView) -> String { "\(account.id)\t\(account.name)" }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; you become its owner.")
        @Option(help: "The account's name.") var name: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let account = try await options.withClient { client, _ in try await client.createAccount(CreateAccountRequest(name: name)) }
            try options.print(account) { AccountsCommand.line(account) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts you may see.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let accounts = try await options.withClient { client, _ in try await client.listAccounts() }
            try options.print(accounts) { accounts.map(AccountsCommand.line).joined(separator: "\n") }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account.")
        @Argument(help: "The account's id.") var id: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let account = try await options.withClient { client, _ in try await client.getAccount(id) }
            try options.print(account) {
                AccountsCommand.line(account) + (account.internalNotes.map { "\nnotes: \($0)" } ?? "")
            }
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Put a seller on an account's team.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The seller's user id.") var user: UUID
        @Option(help: "owner or member.") var role: TeamRole = .member
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in
                try await client.addTeamMember(AddTeamMemberRequest(accountID: account, userID: user, role: role))
            }
            try options.print(["account": account, "user": user]) { "added \(user) to \(account)" }
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Take a seller off an account's team, or a customer out of its workspace.",
            discussion: "Their pending invitations to the account are revoked, and the actions they owned are left without an owner.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The user's id.") var user: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in
                try await client.removeMember(RemoveMemberRequest(accountID: account, userID: user))
            }
            try options.print(["account": account, "user": user]) { "removed \(user) from \(account)" }
        }
    }
}
