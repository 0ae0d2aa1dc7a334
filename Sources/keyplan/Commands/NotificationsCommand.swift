public import ArgumentParser
import Foundation
public import KeyplanAPI

extension NotificationKind: ExpressibleByArgument {}
extension MailState: ExpressibleByArgument {}

/// `keyplan notifications`: your own notifications (list, ack) and which of them come by mail
/// (settings); the tenant's outgoing mail (deliveries, retry; admins); and the outbox as a
/// delivering integration sees it (claim, confirm; admins, e.g. with an API key).
struct NotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "Your notifications and mail settings; the tenant's mail deliveries (admins); integrations.",
        subcommands: [List.self, Acknowledge.self, Settings.self, Deliveries.self, Retry.self, Claim.self, Confirm.self])

    static func line(_ notification: NotificationView) -> String {
        let state = notification.acknowledgedAt.map { "read \($0.localDescription)" } ?? "unread"
        return
            "\(notification.id.short)\t\(notification.createdAt.localDescription)\t\(notification.kind.rawValue)\t\(state)\t\(notification.message)"
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
                claimed.isEmpty
                    ? "nothing to deliver"
                    : claimed.map { "\($0.recipientName) <\($0.recipientEmail)>\t" + NotificationsCommand.line($0.notification) }
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

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change which notifications you get by mail, and whether as one daily digest.",
            discussion: """
                Kinds: \(NotificationKind.allCases.map(\.rawValue).joined(separator: ", ")). Without options, shows your settings.

                Examples:
                  keyplan notifications settings
                  keyplan notifications settings --digest
                  keyplan notifications settings --mute review_due --unmute mention --no-digest
                """)
        @Option(help: "A kind to stop mailing you (repeatable).") var mute: [NotificationKind] = []
        @Option(help: "A kind to mail you again (repeatable).") var unmute: [NotificationKind] = []
        @Flag(inversion: .prefixedNo, help: "One mail a day listing the day's notifications, instead of a mail each.") var digest: Bool?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if let both = Set(mute).intersection(unmute).first { throw ValidationError("--mute and --unmute both name \(both.rawValue)") }
        }

        func run() async throws {
            let settings = try await options.withClient { client, _ in
                let current = try await client.notificationSettings()
                guard !mute.isEmpty || !unmute.isEmpty || digest != nil else { return current }
                let muted = Set(current.mutedKinds).union(mute).subtracting(unmute)
                return try await client.updateNotificationSettings(
                    NotificationSettings(mutedKinds: muted.sorted { $0.rawValue < $1.rawValue }, digest: digest ?? current.digest))
            }
            try options.print(settings) {
                let mailed = NotificationKind.allCases.filter { !settings.mutedKinds.contains($0) }
                return [
                    "mailed:\t" + (mailed.isEmpty ? "nothing" : mailed.map(\.rawValue).joined(separator: ", ")),
                    "muted:\t" + (settings.mutedKinds.isEmpty ? "nothing" : settings.mutedKinds.map(\.rawValue).joined(separator: ", ")),
                    "digest:\t" + (settings.digest ? "daily, next \(settings.nextDigestAt?.localDescription ?? "soon")" : "off (a mail each)"),
                ].joined(separator: "\n")
            }
        }
    }

    static func line(_ mail: MailDelivery) -> String {
        let state =
            switch mail.state {
            case .queued: mail.attempts == 0 ? "queued" : "retry \(mail.nextAttemptAt?.localDescription ?? "soon") after \(mail.attempts)"
            case .sent: "sent \(mail.sentAt?.localDescription ?? "")"
            case .failed: "FAILED after \(mail.attempts)"
            case .cancelled: "cancelled"
            }
        let to = mail.toName.map { "\($0) <\(mail.toAddress)>" } ?? mail.toAddress
        return "\(mail.id.short)\t\(mail.createdAt.localDescription)\t\(mail.kind.rawValue)\t\(to)\t\(state)\t\(mail.subject)"
            + (mail.state != .sent ? mail.lastError.map { "\n\t\($0)" } ?? "" : "")
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The tenant's outgoing mail, newest first: sent, waiting for a retry, failed (admins).",
            discussion: "Examples:\n  keyplan notifications deliveries --failed\n  keyplan notifications deliveries --state queued --json")
        @Flag(help: "Only mail that failed for good (same as --state failed).") var failed = false
        @Option(help: "Only mail in this state: queued, sent, failed, cancelled.") var state: MailState?
        @Option(help: "At most this many (1–500).") var limit: Int?
        @Option(help: "The next-page cursor a previous page printed.") var cursor: String?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if failed, let state, state != .failed { throw ValidationError("--failed and --state \(state.rawValue) contradict each other") }
        }

        func run() async throws {
            let page = try await options.withClient { client, _ in
                try await client.mail(ListMailRequest(state: failed ? .failed : state, limit: limit, cursor: cursor))
            }
            try options.print(page) {
                ((page.deliveries.isEmpty ? ["no mail"] : page.deliveries.map(NotificationsCommand.line))
                    + (page.nextCursor.map { ["next page: --cursor \($0)"] } ?? [])).joined(separator: "\n")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a failed mail again, now (admins).",
            discussion: "Example (an id or unique id prefix, as `deliveries --failed` prints it):\n  keyplan notifications retry 3f2a9c1e")
        @Argument(help: "The failed mail: its id or a unique id prefix.") var mail: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let retried = try await options.withClient { client, _ in
                let failed = try await client.mail(ListMailRequest(state: .failed, limit: 500)).deliveries
                let chosen = try Reference(
                    noun: "failed mail", items: failed, id: \.id, names: { _ in [] }, describe: NotificationsCommand.line
                ).resolve(mail)
                return try await client.retryMail(chosen.id)
            }
            try options.print(retried) { "queued again: " + NotificationsCommand.line(retried) }
        }
    }
}
