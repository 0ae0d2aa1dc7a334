import ArgumentParser
import Foundation
import KeyplanAPI

/// One line per credential, shared by `sessions list` and `api-keys list`.
func credentialLine(_ credential: Credential) -> String {
    var line = "\(credential.id.short)  \(credential.kind == .session ? "session" : "API key")  \(credential.name)"
    if let role = credential.scopeRole { line += "  acts as \(role.rawValue)" }
    line += "  created \(credential.createdAt.localDescription)"
    if let expires = credential.expiresAt { line += "  expires \(expires.localDescription)" }
    if credential.revokedAt != nil { line += "  revoked" }
    return line
}

extension GlobalOptions {
    /// Lists the caller's credentials of `kind` (everyone's with `all`, for admins).
    func listCredentials(_ kind: CredentialKind, all: Bool) async throws {
        let credentials = try await withClient { client, _ in
            kind == .session ? try await client.listSessions(allUsers: all) : try await client.listAPIKeys(allUsers: all)
        }
        try print(credentials) { credentials.map(credentialLine).joined(separator: "\n") }
    }

    /// Revokes the credential of `kind` that `text` names: its name or a unique prefix of its id
    /// (among everyone's, for an admin who may see them).
    func revokeCredential(_ kind: CredentialKind, _ text: String) async throws {
        let revoked = try await withClient { client, _ in
            let all = (try? await client.whoAmI().tenantRole) == .admin
            let credentials = kind == .session ? try await client.listSessions(allUsers: all) : try await client.listAPIKeys(allUsers: all)
            let credential = try Reference(
                noun: kind == .session ? "session" : "API key", items: credentials.filter { $0.revokedAt == nil }, id: \.id,
                names: { [$0.name] }, describe: credentialLine
            ).resolve(text)
            kind == .session ? try await client.revokeSession(credential.id) : try await client.revokeAPIKey(credential.id)
            return credential
        }
        try print(["revoked": revoked.id]) {
            "revoked \(revoked.kind == .session ? "the session" : "the API key") \(revoked.name) (\(revoked.id.short))"
        }
    }
}

/// `keyplan sessions`: your sessions (an admin's: everyone's with --all).
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List and revoke sessions.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sessions.",
            discussion: """
                Example:
                  keyplan sessions list --all
                """)
        @Flag(help: "Every user's sessions (admins).") var all = false
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.listCredentials(.session, all: all) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a session.",
            discussion: """
                Example:
                  keyplan sessions revoke 4be0c2d1
                """)
        @Argument(help: "The session: a unique prefix of its id (see `keyplan sessions list`).") var id: String
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.revokeCredential(.session, id) }
    }
}

/// `keyplan api-keys`: keys for automation, scoped to a role.
struct APIKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys", abstract: "Create, list and revoke API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; prints it once.",
            discussion: """
                Example:
                  keyplan api-keys create --name "CRM sync" --role seller --expires-in 7776000
                """)
        @Option(help: "What the key is for.") var name: String
        @Option(help: "The role it acts with (your own, or any for admins).") var role: TenantRole
        @Option(help: "Lifetime in seconds. Default: the server's maximum (365 days unless configured).") var expiresIn: Int64?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let created = try await options.withClient { client, _ in
                try await client.createAPIKey(CreateAPIKeyRequest(name: name, role: role, expiresInSeconds: expiresIn))
            }
            try options.print(created) {
                credentialLine(created.credential)
                    + (created.token.isEmpty
                        ? "\n\(Self.lostSecret): revoke this key (keyplan api-keys revoke \(created.credential.id.short)) and create another"
                        : "\nkey \(created.token) (shown only now)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API keys.",
            discussion: """
                Example:
                  keyplan api-keys list
                """)
        @Flag(help: "Every user's keys (admins).") var all = false
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.listCredentials(.apiKey, all: all) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key.",
            discussion: """
                Example:
                  keyplan api-keys revoke "CRM sync"
                """)
        @Argument(help: "The key: its name or a unique prefix of its id.") var id: String
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.revokeCredential(.apiKey, id) }
    }
}
