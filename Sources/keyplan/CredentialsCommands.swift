import ArgumentParser
import Foundation
import KeyplanAPI

/// One line per credential, shared by `sessions list` and `api-keys list`.
func credentialLine(_ credential: Credential) -> String {
    var line = "\(credential.id)\t\(credential.kind.rawValue)\t\(credential.name)\t\(credential.scopeRole?.rawValue ?? "")"
    line += "\tcreated \(credential.createdAt.shortDescription)"
    if let expires = credential.expiresAt { line += "\texpires \(expires.shortDescription)" }
    if credential.revokedAt != nil { line += "\trevoked" }
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

    /// Revokes a credential of `kind`.
    func revokeCredential(_ kind: CredentialKind, _ id: UUID) async throws {
        try await withClient { client, _ in
            kind == .session ? try await client.revokeSession(id) : try await client.revokeAPIKey(id)
        }
        try print(["revoked": id]) { "revoked \(id)" }
    }
}

/// `keyplan sessions`: your sessions (an admin's: everyone's with --all).
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List and revoke sessions.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions.")
        @Flag(help: "Every user's sessions (admins).") var all = false
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.listCredentials(.session, all: all) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a session.")
        @Argument(help: "The session's id.") var id: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.revokeCredential(.session, id) }
    }
}

/// `keyplan api-keys`: keys for automation, scoped to a role.
struct APIKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys", abstract: "Create, list and revoke API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key; prints it once.")
        @Option(help: "What the key is for.") var name: String
        @Option(help: "The role it acts with (your own, or any for admins).") var role: TenantRole
        @Option(help: "Lifetime in seconds. Default: the server's maximum (365 days unless configured).") var expiresIn: Int64?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let created = try await options.withClient { client, _ in
                try await client.createAPIKey(CreateAPIKeyRequest(name: name, role: role, expiresInSeconds: expiresIn))
            }
            try options.print(created) { credentialLine(created.credential) + "\nkey \(created.token) (shown only now)" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys.")
        @Flag(help: "Every user's keys (admins).") var all = false
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.listCredentials(.apiKey, all: all) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key.")
        @Argument(help: "The key's id.") var id: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws { try await options.revokeCredential(.apiKey, id) }
    }
}
