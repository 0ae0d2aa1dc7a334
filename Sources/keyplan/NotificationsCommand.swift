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
        let state = notification.acknowledgedAt.map { "read \($0.shortDescription)" } ?? "unread"
        return "\(notification.id)\t\(notification.createdAt.shortDescription)\t\(notification.kind.rawValue)\t\(state)\t\(notification.message)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your notifications, newest first.")
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
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Mark notifications of yours as read.")
        @Argument(help: "Notification ids.") var ids: [UUID]
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let changed = try await options.withClient { client, _ in try await client.acknowledgeNotifications(ids) }
            try options.print(NotificationCount(changed: changed)) { "\(changed) acknowledged" }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Claim undelivered notifications of the tenant for delivery (admins).")
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
        static let configuration = CommandConfiguration(abstract: "Confirm the delivery of claimed notifications (admins).")
        @Argument(help: "Notification ids.") var ids: [UUID]
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let changed = try await options.withClient { client, _ in try await client.confirmDelivery(ids) }
            try options.print(NotificationCount(changed: changed)) { "\(changed) confirmed" }
        }
    }
}
