public import Foundation
public import KeyplanMail

/// Where Keyplan's mail goes and how it is delivered: the relay, the sender, the portal that
/// links point to, and the delivery worker's pace.
public struct MailConfiguration: Sendable {
    public var relay: SMTPRelay
    /// The `From` of every mail, e.g. `Keyplan <plans@acme.example>`; its domain names the Message-IDs.
    public var from: MailAddress
    public var replyTo: MailAddress?
    /// The portal's public address (`https://plans.acme.example`): links in mails point there. Without
    /// one, an invitation names the CLI command that accepts it, and mails carry no links.
    public var portalURL: URL?
    public var delivery = Delivery()

    public init(relay: SMTPRelay, from: MailAddress, replyTo: MailAddress? = nil, portalURL: URL? = nil) {
        self.relay = relay
        self.from = from
        self.replyTo = replyTo
        self.portalURL = portalURL
    }

    /// The delivery worker's settings; the defaults suit production, tests shorten them.
    public struct Delivery: Sendable {
        /// How often each server process looks for mail work (new work also wakes it at once in the process that queued it).
        public var pollInterval: Duration = .seconds(5)
        /// How long a claimed mail stays claimed: longer than a send can take (every SMTP command has
        /// the relay's command timeout). A process that died holding a claim delays its mails by this much.
        public var lease: Duration = .seconds(600)
        /// Mails claimed at a time per tenant, and sent at once.
        public var batchSize = 10
        /// Attempts before a mail that keeps failing transiently (4xx, connection errors) is given up.
        public var maxAttempts = 12
        /// Attempts before a mail the relay refuses for good (5xx) is given up: a refusal is rarely
        /// wrong twice, but a misconfigured relay deserves a second chance once it is fixed.
        public var maxRefusals = 3
        /// The waits between attempts: 30 s after the first, doubling up to 2 hours, ±25%.
        public var retry = RetryBackoff(first: .seconds(30), maximum: .seconds(2 * 3600), jitter: 0.75...1.25)
        /// Notifications older than this when the mailer first sees them are not mailed (the relay was
        /// off, or mail was not configured when they were made): nobody wants last week's news.
        public var notificationHorizon: Duration = .seconds(3 * 86400)
        /// The hour (UTC) digests go out.
        public var digestHour = 7
        /// How often reminders derived from state (reviews and scoring rounds coming due) are looked for.
        public var reminderInterval: Duration = .seconds(300)

        public init() {}

    }

    /// The domain Message-IDs are made in: the sender's.
    var messageIDDomain: String { String(from.address.split(separator: "@").last ?? "keyplan.invalid") }

    /// An absolute link into the portal, if there is one.
    func link(_ path: String) -> String? {
        guard let portalURL else { return nil }
        let base = portalURL.absoluteString.hasSuffix("/") ? String(portalURL.absoluteString.dropLast()) : portalURL.absoluteString
        return base + path
    }
}
