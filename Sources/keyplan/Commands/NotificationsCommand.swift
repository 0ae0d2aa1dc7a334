import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan notifications`: your own notifications (list, ack), and the outbox as a delivering
/// integration sees it (claim, confirm; admins, e.g. with an API key).
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "Your notifications; claiming and confirming deliveries (integrations).",
        subcommands: [List.self, Acknowledge.self, Claim.self, Confirm.self])

    static func line(_ notification: NotificationView) -> String {
        let state = notification.acknowledgedAt.map { "read \($0.localDescription)" } ?? "unread"
        return "\(notification.id.short)\t\(notification.createdAt.localDescription)\t\(notification.kind.rawValue)\t\(state)\t\(notification.message)"
    }

    /// Every unread notification of the caller, following the pages.
    static func unread(_ client: KeyplanClient) async throws -> [NotificationView] {
        var all: [NotificationView] = [], cursor: String?
        repeat {
            let page = try await client.notifications(ListNotificationsRequest(unacknowledgedOnly: true, limit: 500, cursor: cursor))
            all += page.notifications
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    static func reference(_ notifications: [NotificationView]) -> Reference<NotificationView> {
        Reference(noun: "unread notification", items: notifications, id: \.id, names: { _ in [] }, describe: { "\($0.id.short) \($0.message)" })
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Your notifications, newest first.",
            discussion: "Examples:\n  keyplan notifications list --unacknowledged\n  keyplan notifications list --limit 20 --json")
        @Flag(help: "Only those not yet acknowledged.") var unacknowledged = false
        @Option(help: "At most this many (1–500).") var limit: Int?
        @Option(help: "The next-page cursor a previous page printed.") var cursor: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let page = try await options.withClient { client, _ in
                try await client.notifications(ListNotificationsRequest(unacknowledgedOnly: unacknowledged, limit: limit, cursor: cursor))
            }
            try options.print(page) {
                ((page.notifications.isEmpty ? ["no notifications"] : page.notifications.map(NotificationsCommand.line))
                    + (page.nextCursor.map { ["next page: --cursor \($0)"] } ?? [])).joined(separator: "\n")
            }
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Mark notifications of yours as read.",
            discussion: "Examples:\n  keyplan notifications ack 3f2a9c1e 77b0d4a2\n  keyplan notifications ack --all")
        @Argument(help: "Notifications: their ids or unique id prefixes (as `list` prints them).") var ids: [String] = []
        @Flag(help: "Every unread notification of yours.") var all = false
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if ids.isEmpty == !all { throw ValidationError("name the notifications to acknowledge, or --all") }
        }

        func run() async throws {
            let changed = try await options.withClient { client, _ in
                let unread = try await NotificationsCommand.unread(client)
                let chosen = all ? unread.map(\.id) : try ids.map { try NotificationsCommand.reference(unread).resolve($0).id }
                return try await client.acknowledgeNotifications(chosen)
            }
            try options.print(NotificationCount(changed: changed)) { "\(changed) acknowledged" }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim undelivered notifications of the tenant for delivery (admins).",
            discussion: "Example:\n  keyplan notifications claim --limit 100 --lease 60 --json")
        @Option(help: "At most this many (1–500).") var limit: Int?
        @Option(help: "Seconds the claim holds before others may claim them again (10–3600).") var lease: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let claimed = try await options.withClient { client, _ in try await client.claimNotifications(limit: limit, leaseSeconds: lease) }
            try options.print(ClaimedNotifications(notifications: claimed)) {
                claimed.isEmpty ? "nothing to deliver" : claimed.map { "\($0.recipientName) <\($0.recipientEmail)>\t" + NotificationsCommand.line($0.notification) }
                    .joined(separator: "\n")
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm the delivery of claimed notifications (admins).",
            discussion: "Example (the full ids `claim --json` printed):\n  keyplan notifications confirm 3f2a9c1e-0b7d-4c55-9a51-2f0d9b1c7e44")
        @Argument(help: "Notification ids, in full (as claim printed them).") var ids: [UUID]
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let changed = try await options.withClient { client, _ in try await client.confirmDelivery(ids) }
            try options.print(NotificationCount(changed: changed)) { "\(changed) confirmed" }
        }
    }
}
