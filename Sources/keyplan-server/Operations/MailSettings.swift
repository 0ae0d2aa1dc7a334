import Foundation
import KeyplanMail
import KeyplanRPC
import KeyplanServer

extension MailConfiguration {
    /// The mail settings of the server's sources, checked; `nil` without an SMTP URL (then nothing is mailed,
    /// and invitations hand their token to the inviter only). Reads the password file: not on an event loop.
    init?(settings: ServerConfiguration.Overrides) throws {
        func refuse(_ message: String) -> ServerConfiguration.ConfigurationError { .init(message: message) }
        guard var url = settings.smtpURL else {
            guard settings.mailFrom == nil, settings.smtpPasswordFile == nil, settings.smtpTrustRoots == nil, settings.mailReplyTo == nil,
                settings.portalURL == nil
            else {
                throw refuse("mail settings are given but no SMTP relay: set --smtp-url (KEYPLAN_SMTP_URL)")
            }
            return nil
        }
        if let path = settings.smtpPasswordFile {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw refuse("cannot read the SMTP password file \(path)")
            }
            let password = text.hasSuffix("\r\n") ? String(text.dropLast(2)) : text.hasSuffix("\n") ? String(text.dropLast()) : text
            guard var components = URLComponents(string: url), components.user != nil, components.password == nil else {
                throw refuse("with --smtp-password-file, the SMTP URL names the user and no password, e.g. smtp+starttls://mailer@relay.example:587")
            }
            components.password = password
            url = components.string ?? url
        }
        let relay: SMTPRelay
        do {
            relay = try SMTPRelay(url: url, trustRootsPath: settings.smtpTrustRoots)
        } catch {
            throw refuse(error.description)
        }
        guard let fromText = settings.mailFrom else {
            throw refuse("mail needs a sender: set --mail-from (KEYPLAN_MAIL_FROM), e.g. \"Acme Plans <plans@acme.example>\"")
        }
        let from = try Self.address(fromText, setting: "--mail-from")
        let replyTo = try settings.mailReplyTo.map { try Self.address($0, setting: "--mail-reply-to") }
        var portal: URL?
        if let text = settings.portalURL {
            guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false,
                parsed.query == nil, parsed.fragment == nil
            else {
                throw refuse("--portal-url \(text) is not an http(s) address without a query, e.g. https://plans.acme.example")
            }
            portal = parsed
        }
        self.init(relay: relay, from: from, replyTo: replyTo, portalURL: portal)
        if let seconds = settings.mailPollSeconds { delivery.pollInterval = try Self.positive(seconds, "mailPollSeconds") }
        if let seconds = settings.mailLeaseSeconds { delivery.lease = try Self.positive(seconds, "mailLeaseSeconds") }
        if let seconds = settings.mailRetrySeconds { delivery.retry.first = try Self.positive(seconds, "mailRetrySeconds") }
        if let attempts = settings.mailMaxAttempts {
            guard (1...100).contains(attempts) else { throw refuse("mailMaxAttempts must be between 1 and 100") }
            delivery.maxAttempts = attempts
            delivery.maxRefusals = min(delivery.maxRefusals, attempts)
        }
    }

    /// `plans@acme.example` or `Acme Plans <plans@acme.example>`.
    static func address(_ text: String, setting: String) throws -> MailAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let given = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            name = given.isEmpty ? nil : given
        }
        do {
            return try MailAddress(address, displayName: name)
        } catch {
            throw ServerConfiguration.ConfigurationError(message: "\(setting): \(error)")
        }
    }

    private static func positive(_ seconds: Double, _ name: String) throws -> Duration {
        guard seconds > 0, seconds.isFinite else { throw ServerConfiguration.ConfigurationError(message: "\(name) must be positive") }
        return .milliseconds(Int64(seconds * 1000))
    }
}
