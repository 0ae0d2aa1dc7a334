import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan invitations`: invite customer contacts into an account workspace.
struct InvitationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invitations", abstract: "Create, list, revoke and accept invitations.",
        subcommands: [Create.self, List.self, Revoke.self, Accept.self])

    static func line(_ invitation: Invitation) -> String {
        let state =
            invitation.acceptedAt != nil ? "accepted" : invitation.revokedAt != nil ? "revoked" : "expires \(invitation.expiresAt.localDescription)"
        return "\(invitation.id.short)  \(invitation.email)  \(invitation.role.rawValue.replacingOccurrences(of: "_", with: " "))  \(state)"
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a customer contact: the server mails them the link (with a relay), or prints the token once for you to deliver.",
            discussion: """
                With a mail relay, the token goes to the invitee's mailbox only. --hand-over (admins) prints it
                instead and mails nothing, for delivering it yourself; without a relay it is always printed.

                Examples:
                  keyplan invitations create --account Globex --email dana@globex.example --role customer_editor
                  keyplan invitations create --account Globex --email dana@globex.example --role customer_viewer --hand-over
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The contact's email.") var email: String
        @Option(help: "customer_editor or customer_viewer.") var role: CustomerRole
        @Option(help: "Lifetime in seconds. Default: 7 days.") var expiresIn: Int64?
        @Flag(help: "Print the token for you to deliver instead of mailing the invitee (admins, when the server mails).") var handOver = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let created = try await options.withClient { client, _ in
                try await client.createInvitation(
                    CreateInvitationRequest(
                        accountID: try await account.id(client), email: email, role: role, expiresInSeconds: expiresIn,
                        handOver: handOver ? true : nil))
            }
            try options.print(created) {
                let line = InvitationsCommand.line(created.invitation)
                if created.mailID != nil {
                    return line
                        + "\ninvitation mail queued to \(created.invitation.email): the link reaches only them (see keyplan notifications deliveries)"
                }
                if created.token.isEmpty {
                    return line + "\n\(Self.lostSecret): revoke this invitation and invite again"
                }
                return line + "\ntoken \(created.token) (shown only now)"
                    + (handOver ? "\ndeliver it to \(created.invitation.email) yourself" : "\nthe server sends no mail: deliver the token yourself")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an account's invitations.",
            discussion: """
                Example:
                  keyplan invitations list --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let invitations = try await options.withClient { client, _ in try await client.listInvitations(accountID: try await account.id(client)) }
            try options.print(invitations) { invitations.map(InvitationsCommand.line).joined(separator: "\n") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an invitation.",
            discussion: """
                Example:
                  keyplan invitations revoke dana@globex.example --account Globex
                """)
        @OptionGroup var account: AccountOption
        @Argument(help: "The invitation: the email it went to, or a unique prefix of its id.") var invitation: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let revoked = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let pending = try await client.listInvitations(accountID: accountID).filter { $0.acceptedAt == nil && $0.revokedAt == nil }
                let found = try Reference(
                    noun: "pending invitation", items: pending, id: \.id, names: { [$0.email] }, describe: InvitationsCommand.line
                )
                .resolve(invitation)
                try await client.revokeInvitation(accountID: accountID, invitationID: found.id)
                return found
            }
            try options.print(["revoked": revoked.id]) { "revoked the invitation of \(revoked.email)" }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept an invitation and save the session as a context.",
            discussion: """
                Asks for the invitation token, then the password you choose (without showing them); from a pipe, reads \
                one per line.

                Example:
                  keyplan invitations accept --server keyplan.acme.example:7400 --tls --display-name "Dana Diaz"
                """)
        @Option(help: "The server, host:port.") var server: String
        @Option(help: "Your name.") var displayName: String
        @Option(help: "The name to save the context under. Default: invited@<server>.") var name: String?
        @OptionGroup var transport: TransportOptions
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let token = try await SecretPrompt.read("invitation token")
            let password = try await SecretPrompt.read("password")
            let grant = try await options.reportingFailures {
                try await GlobalOptions.withClient(
                    server: server, tls: transport.tls, trustRoots: transport.trustRoots, token: nil,
                    timeout: options.callTimeout(default: GlobalOptions.defaultTimeout)
                ) {
                    try await $0.acceptInvitation(token: token, password: password, displayName: displayName)
                }
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
