public import ArgumentParser
import Foundation
public import KeyplanAPI

extension WebhookEventKind: ExpressibleByArgument {}

/// `keyplan webhooks`: endpoints told of events as they happen (admins).
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Register, test and inspect webhooks (admins).",
        discussion: "Each event is POSTed as JSON and signed; Protocols/webhooks.md has the signature recipe and every event's fields.",
        subcommands: [Add.self, List.self, Remove.self, Test.self, Deliveries.self, RotateSecret.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an endpoint; prints its signing secret once.",
            discussion: """
                Event kinds: \(WebhookEventKind.subscribable.map(\.rawValue).joined(separator: ", ")).
                A customer-facing endpoint (the customer's own system) names its account and gets only
                what the account's customers could read: shared goal changes and shared actions completed.

                Examples:
                  keyplan webhooks add --name crm --url https://hooks.example.com/keyplan --event goal_changed --event action_completed
                  keyplan webhooks add --name globex-portal --url https://hooks.globex.example/plan --event goal_changed --customer-facing --account Globex
                """)
        @Option(help: "A name for it, unique in the tenant.") var name: String
        @Option(help: "Where to POST: an https URL.") var url: String
        @Option(name: .customLong("event"), help: "An event kind to send (repeat for several).") var events: [WebhookEventKind]
        @Flag(help: "The customer's own system: only shared events of --account.") var customerFacing = false
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let created = try await options.withClient { client, _ in
                let accountID = account.name == nil ? nil : try await account.id(client)
                return try await client.createWebhook(
                    CreateWebhookRequest(name: name, url: url, eventKinds: events, customerFacing: customerFacing, accountID: accountID))
            }
            try options.print(created) {
                webhookLine(created.endpoint)
                    + (created.secret.isEmpty
                        ? "\n\(Self.lostSecret): make a new signing secret with keyplan webhooks rotate-secret \(created.endpoint.name)"
                        : "\nsigning secret \(created.secret) (shown only now: keep it where the receiver verifies signatures)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tenant's webhooks.",
            discussion: """
                Example:
                  keyplan webhooks list
                """)
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let endpoints = try await options.withClient { client, _ in try await client.listWebhooks() }
            try options.print(endpoints) { endpoints.isEmpty ? "no webhooks" : endpoints.map(webhookLine).joined(separator: "\n") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a webhook, its pending deliveries and its log.",
            discussion: """
                Example:
                  keyplan webhooks remove crm
                """)
        @Argument(help: "The webhook: its name or a unique prefix of its id.") var webhook: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let removed = try await options.withClient { client, _ in
                let endpoint = try await resolveWebhook(webhook, client)
                try await client.removeWebhook(endpoint.id)
                return endpoint
            }
            try options.print(["removed": removed.id]) { "removed the webhook \(removed.name) (\(removed.id.short))" }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a ping event now and show how the receiver answered.",
            discussion: """
                Example:
                  keyplan webhooks test crm
                """)
        @Argument(help: "The webhook: its name or a unique prefix of its id.") var webhook: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let attempt = try await options.withClient { client, _ in try await client.testWebhook(try await resolveWebhook(webhook, client).id) }
            try options.print(attempt) { (attempt.succeeded ? "delivered: " : "not delivered: ") + attemptLine(attempt) }
            if !attempt.succeeded && !options.json { throw ExitCode(1) }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The delivery log of a webhook: its attempts, newest first.",
            discussion: """
                Example:
                  keyplan webhooks deliveries crm --limit 20
                """)
        @Argument(help: "The webhook: its name or a unique prefix of its id.") var webhook: String
        @Option(help: "At most this many attempts (1–500). Default: 50.") var limit: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let attempts = try await options.withClient { client, _ in
                try await client.webhookDeliveries(
                    ListWebhookDeliveriesRequest(endpointID: try await resolveWebhook(webhook, client).id, limit: limit))
            }
            try options.print(attempts) { attempts.isEmpty ? "no attempts yet" : attempts.map(attemptLine).joined(separator: "\n") }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "Replace a webhook's signing secret; prints the new one once.",
            discussion: """
                Requests are signed with the new secret from now on.

                Example:
                  keyplan webhooks rotate-secret crm
                """)
        @Argument(help: "The webhook: its name or a unique prefix of its id.") var webhook: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let rotated = try await options.withClient { client, _ in
                try await client.rotateWebhookSecret(try await resolveWebhook(webhook, client).id)
            }
            try options.print(rotated) {
                webhookLine(rotated.endpoint)
                    + (rotated.secret.isEmpty
                        ? "\n\(Self.lostSecret): rotate it again for a secret you can see"
                        : "\nsigning secret \(rotated.secret) (shown only now)")
            }
        }
    }
}

/// The webhook `text` names: its name or a unique prefix of its id.
private func resolveWebhook(_ text: String, _ client: KeyplanClient) async throws -> WebhookEndpoint {
    try Reference.named("webhook", try await client.listWebhooks(), name: \.name, id: \.id).resolve(text)
}

private func webhookLine(_ endpoint: WebhookEndpoint) -> String {
    var line = "\(endpoint.id.short)  \(endpoint.name)  \(endpoint.url)  \(endpoint.eventKinds.map(\.rawValue).joined(separator: ","))"
    if endpoint.customerFacing { line += "  customer-facing" }
    if let account = endpoint.accountID { line += "  account \(account.short)" }
    return line
}

private func attemptLine(_ attempt: WebhookAttempt) -> String {
    var line = "\(attempt.attemptedAt.localDescription)  \(attempt.eventKind.rawValue)  attempt \(attempt.attempt)"
    line += "  \(attempt.statusCode.map { "HTTP \($0)" } ?? "no answer")  \(attempt.latencyMilliseconds) ms  \(attempt.state.rawValue)"
    if let error = attempt.error { line += "  \(error)" }
    if let next = attempt.nextAttemptAt { line += "  next \(next.localDescription)" }
    return line
}
