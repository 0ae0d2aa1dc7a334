import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan invitations`: invite customer contacts into an account workspace.
struct InvitationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invitations", abstract: "Create, list, revoke and accept invitations.",
        subcommands: [Create.self, List.self, Revoke.self, Accept.self])

    static func line(_ invitation: Invitation) -> String {
        let state = invitation.acceptedAt != nil ? "accepted" : invitation.revokedAt != nil ? "revoked" : "expires \(invitation.expiresAt.shortDescription)"
        return "\(invitation.id)\t\(invitation.email)\t\(invitation.role.rawValue)\t\(state)"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invite a customer contact; prints the token to deliver, once.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The contact's email.") var email: String
        @Option(help: "customer_editor or customer_viewer.") var role: CustomerRole
        @Option(help: "Lifetime in seconds. Default: 7 days.") var expiresIn: Int64?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let created = try await options.withClient { client, _ in
                try await client.createInvitation(CreateInvitationRequest(accountID: account, email: email, role: role, expiresInSeconds: expiresIn))
            }
            try options.print(created) { InvitationsCommand.line(created.invitation) + "\ntoken \(created.token) (shown only now)" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's invitations.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let invitations = try await options.withClient { client, _ in try await client.listInvitations(accountID: account) }
            try options.print(invitations) { invitations.map(InvitationsCommand.line).joined(separator: "\n") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invitation.")
        @Option(help: "The account's id.") var account: UUID
        @Argument(help: "The invitation's id.") var id: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in try await client.revokeInvitation(accountID: account, invitationID: id) }
            try options.print(["revoked": id]) { "revoked \(id)" }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept an invitation and save the session as a context.",
            discussion: "Reads the token, then the password, from standard input, one per line.")
        @Option(help: "The server, host:port.") var server: String
        @Option(help: "Your name.") var displayName: String
        @Option(help: "The name to save the context under. Default: invited@<server>.") var name: String?
        @OptionGroup var transport: TransportOptions
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let token = try readSecretLine("invitation token")
            let password = try readSecretLine("password")
            let grant = try await GlobalOptions.withClient(server: server, tls: transport.tls, trustRoots: transport.trustRoots, token: nil, timeout: options.callTimeout(default: GlobalOptions.defaultTimeout)) {
                try await $0.acceptInvitation(token: token, password: password, displayName: displayName)
            }
            let contextName = name ?? options.context ?? "invited@\(server)"
            var file = try await ClientConfigFile.load(from: options.configPath)
            file.contexts[contextName] = transport.context(server: server, email: grant.identity.email, token: grant.token)
            file.currentContext = contextName
            try await file.save(to: options.configPath)
            try options.print(LoginCommand.Result(context: contextName, identity: grant.identity, expiresAt: grant.expiresAt)) {
                "welcome, \(grant.identity.email); context \(contextName)"
            }
        }
    }
}
