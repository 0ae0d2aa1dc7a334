import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan login`: signs in (or stores an API key) and saves the context.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in and save the server and token as a context (the file is 0600).",
        discussion: """
            On a terminal it asks for the password (or, with --api-key, the key) without showing \
            what you type; from a pipe it reads one line, for scripts.

            Examples:
              keyplan login --server 127.0.0.1:7400 --tenant acme --email ana@acme.example
              printf '%s\\n' "$KEY" | keyplan login --server keyplan.acme.example:7400 --tls --api-key
            """
    )

    @Option(help: "The server, host:port.") var server: String
    @Option(help: "The tenant's slug.") var tenant: String?
    @Option(help: "Your email.") var email: String?
    @Flag(help: "Read an API key from standard input instead of signing in with a password.") var apiKey = false
    @OptionGroup var transport: TransportOptions
    @Option(help: "The name to save the context under. Default: --context, else <tenant>@<server>.") var name: String?
    @OptionGroup var options: GlobalOptions

    struct Result: Codable {
        var context: String
        var identity: Identity
        var expiresAt: Date?
    }

    func run() async throws {
        try await options.reportingFailures { try await signIn() }
    }

    private func signIn() async throws {
        let token: String, expiresAt: Date?, identity: Identity
        if apiKey {
            token = try await SecretPrompt.read("API key")
            identity = try await GlobalOptions.withClient(
                server: server, tls: transport.tls, trustRoots: transport.trustRoots, token: token,
                timeout: options.callTimeout(default: GlobalOptions.defaultTimeout)
            ) { try await $0.whoAmI() }
            expiresAt = nil
        } else {
            guard let tenant, let email else {
                throw CLIError("--tenant and --email are needed to sign in with a password (or use --api-key)", code: "INVALID_ARGUMENT")
            }
            let password = try await SecretPrompt.read("password")
            let grant = try await GlobalOptions.withClient(
                server: server, tls: transport.tls, trustRoots: transport.trustRoots, token: nil,
                timeout: options.callTimeout(default: GlobalOptions.defaultTimeout)
            ) {
                try await $0.signIn(tenantSlug: tenant, email: email, password: password)
            }
            (token, expiresAt, identity) = (grant.token, grant.expiresAt, grant.identity)
        }
        let contextName = name ?? options.context ?? "\(tenant ?? identity.tenantID.uuidString.lowercased())@\(server)"
        var file = try await ClientConfigFile.load(from: options.configPath)
        file.contexts[contextName] = transport.context(server: server, tenant: tenant, email: identity.email, token: token)
        file.currentContext = contextName
        try await file.save(to: options.configPath)
        try options.print(Result(context: contextName, identity: identity, expiresAt: expiresAt)) {
            "signed in to \(identity.tenantName) as \(identity.email) (\(identity.tenantRole?.rawValue ?? identity.kind.rawValue)); context \(contextName)"
        }
    }
}

/// `keyplan logout`: ends the session and forgets its token.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Sign out and remove the context's token.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        var file = try await ClientConfigFile.load(from: options.configPath)
        let (name, context) = try file.context(named: options.context)
        if context.token != nil {
            _ = try? await options.withClient { client, _ in try await client.signOut() }
        }
        file.contexts[name]?.token = nil
        try await file.save(to: options.configPath)
        try options.print(["context": name]) { "signed out of \(name)" }
    }
}

/// `keyplan whoami`: who the context's credential belongs to.
struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show who the current credential belongs to, and in which tenant.",
        discussion: "Example:\n  keyplan whoami --json")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let identity = try await options.withClient { client, _ in try await client.whoAmI() }
        try options.print(identity) {
            "\(identity.displayName) <\(identity.email)>, \(identity.tenantRole?.rawValue ?? identity.kind.rawValue) in \(identity.tenantName) (tenant \(identity.tenantSlug)), signed in with \(identity.credentialKind == .apiKey ? "an API key" : "a password")"
        }
    }
}

/// `keyplan context`: lists and switches contexts.
struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context", abstract: "List or switch contexts.", subcommands: [List.self, Use.self], defaultSubcommand: List.self)

    struct Entry: Codable {
        var name: String
        var server: String
        var tenant: String?
        var email: String?
        var current: Bool
        var signedIn: Bool
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the contexts.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let file = try await ClientConfigFile.load(from: options.configPath)
            let entries = file.contexts.sorted { $0.key < $1.key }.map { name, context in
                Entry(
                    name: name, server: context.server, tenant: context.tenant, email: context.email,
                    current: name == file.currentContext, signedIn: context.token != nil)
            }
            try options.print(entries) {
                entries.map { "\($0.current ? "*" : " ") \($0.name)\t\($0.server)\t\($0.email ?? "")" }.joined(separator: "\n")
            }
        }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a context the current one.", discussion: "Example:\n  keyplan context use acme@127.0.0.1:7400")
        @Argument(help: "The context's name.") var name: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            var file = try await ClientConfigFile.load(from: options.configPath)
            _ = try file.context(named: name)
            file.currentContext = name
            try await file.save(to: options.configPath)
            try options.print(["current": name]) { "current context: \(name)" }
        }
    }
}
