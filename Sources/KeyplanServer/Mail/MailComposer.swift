import Foundation
import KeyplanAPI

/// A mail's content, before it has an envelope: subject, plain text, and the same as HTML.
struct ComposedMail: Sendable, Equatable {
    var subject: String
    var text: String
    var html: String
}

/// Writes Keyplan's mails: what the reader needs to act, in their words, with the link that does
/// it. Every value that came from a person (names, titles, messages) is escaped in the HTML part;
/// headers are made safe by ``KeyplanMail/MailMessage`` itself.
struct MailComposer {
    let configuration: MailConfiguration
    /// The selling company, as its customers know it.
    let tenantName: String

    // MARK: Invitation

    struct Invitation {
        var inviterName: String
        var inviterEmail: String
        var accountName: String
        var role: CustomerRole
        var token: String
        var expiresAt: Date
    }

    func invitation(_ invitation: Invitation) -> ComposedMail {
        let what =
            switch invitation.role {
            case .customerEditor:
                "co-author your goals with \(tenantName), follow and update the mutual action plan, comment, and score \(tenantName) on the customer value scorecard"
            case .customerViewer:
                "read the goals, the mutual action plan and the comments \(tenantName) shares with you"
            }
        let expiry = Self.day(invitation.expiresAt)
        // A user created without a name is named by their address: it is not said twice.
        let inviter =
            invitation.inviterName.lowercased() == invitation.inviterEmail.lowercased()
            ? invitation.inviterEmail : "\(invitation.inviterName) (\(invitation.inviterEmail))"
        let intro =
            "\(inviter) of \(tenantName) invited you to the shared account plan of \(invitation.accountName) on Keyplan."
        let can = "There you can \(what)."
        var text = "Hello,\n\n\(intro)\n\n\(can)\n\n"
        var html = "<p>Hello,</p>\n<p>\(Self.escape(intro))</p>\n<p>\(Self.escape(can))</p>\n"
        if let link = configuration.link("/invite/\(invitation.token)") {
            text += "Accept the invitation and choose your password:\n\(link)\n\n"
            html += "<p><a href=\"\(Self.escape(link))\" style=\"\(Self.buttonStyle)\">Accept the invitation</a></p>\n"
            html += "<p style=\"color:#555\">Or open this address: \(Self.escape(link))</p>\n"
        } else {
            let command = "keyplan invitations accept --server HOST:PORT --display-name \"Your Name\""
            let server = "Ask \(invitation.inviterName) for the server's address; when the command asks for the invitation token, paste:"
            text += "Accept it with Keyplan's command-line client:\n  \(command)\n\(server)\n  \(invitation.token)\n\n"
            html += "<p>Accept it with Keyplan's command-line client:</p>\n<pre>\(Self.escape(command))</pre>\n"
            html += "<p>\(Self.escape(server))</p>\n<pre>\(Self.escape(invitation.token))</pre>\n"
        }
        let closing = "The invitation works once and expires on \(expiry). If you did not expect it, ignore this mail: nothing happens without you."
        text += closing + "\n"
        html += "<p style=\"color:#555\">\(Self.escape(closing))</p>\n"
        return ComposedMail(
            subject: "\(invitation.inviterName) invited you to plan \(invitation.accountName) with \(tenantName)", text: text,
            html: Self.page(html))
    }

    // MARK: Password reset

    /// A customer's link to choose a new password, asked for by an admin (who never sees it).
    func passwordReset(name: String, requestedBy: String, link: String) -> ComposedMail {
        let intro = "\(requestedBy) of \(tenantName) asked Keyplan to let you choose a new password for your shared account plans."
        let closing = "The link works once, within the hour. If you did not expect this mail, ignore it: your password stays as it is."
        let text = "Hello \(name),\n\n\(intro)\n\nChoose it here:\n\(link)\n\n\(closing)\n"
        let html = """
            <p>Hello \(Self.escape(name)),</p>
            <p>\(Self.escape(intro))</p>
            <p><a href="\(Self.escape(link))" style="\(Self.buttonStyle)">Choose a new password</a></p>
            <p style="color:#555">Or open this address: \(Self.escape(link))</p>
            <p style="color:#555">\(Self.escape(closing))</p>

            """
        return ComposedMail(subject: "Choose a new password for \(tenantName) on Keyplan", text: text, html: Self.page(html))
    }

    // MARK: Notifications

    /// One notification as it is mailed.
    struct Notification: Sendable {
        var kind: NotificationKind
        var accountID: UUID?
        var accountName: String?
        var message: String
        var createdAt: Date
    }

    func notification(_ notification: Notification, to recipientName: String, unsubscribe: String?) -> ComposedMail {
        let link = Self.path(of: notification).flatMap(configuration.link)
        var text = "Hello \(recipientName),\n\n\(notification.message)\n\n"
        var html = "<p>Hello \(Self.escape(recipientName)),</p>\n<p>\(Self.escape(notification.message))</p>\n"
        if let link {
            text += "Open it: \(link)\n\n"
            html += "<p><a href=\"\(Self.escape(link))\" style=\"\(Self.buttonStyle)\">\(Self.escape(Self.action(for: notification.kind)))</a></p>\n"
        }
        let footer = footer(kindName: Self.kindName(notification.kind), unsubscribe: unsubscribe)
        text += footer.text
        html += footer.html
        let subject = notification.accountName.map { "[\($0)] " } ?? ""
        return ComposedMail(subject: subject + Self.subjectLine(notification.message), text: text, html: Self.page(html))
    }

    /// A day's notifications in one mail, by account (accounts by name, each oldest first).
    func digest(_ notifications: [Notification], to recipientName: String, unsubscribe: String?) -> ComposedMail {
        let groups = Dictionary(grouping: notifications) { $0.accountName ?? "" }
            .sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }
        let accounts = groups.filter { !$0.key.isEmpty }.count
        var text = "Hello \(recipientName),\n\nWhat happened in your accounts since your last digest:\n"
        var html = "<p>Hello \(Self.escape(recipientName)),</p>\n<p>What happened in your accounts since your last digest:</p>\n"
        for (account, items) in groups {
            let title = account.isEmpty ? "Other" : account
            text += "\n\(title)\n" + String(repeating: "-", count: min(title.count, 60)) + "\n"
            html += "<h2 style=\"font-size:16px;margin:20px 0 6px\">\(Self.escape(title))</h2>\n<ul>\n"
            for item in items.sorted(by: { $0.createdAt < $1.createdAt }) {
                text += "- \(item.message)\n"
                html += "<li>\(Self.escape(item.message))</li>\n"
            }
            html += "</ul>\n"
            if let accountID = items.first?.accountID, let link = configuration.link("/accounts/\(accountID.uuidString.lowercased())") {
                text += "  Open \(title): \(link)\n"
                html += "<p><a href=\"\(Self.escape(link))\">Open \(Self.escape(title))</a></p>\n"
            }
        }
        text += "\n"
        let footer = footer(kindName: nil, unsubscribe: unsubscribe)
        text += footer.text
        html += footer.html
        let count = notifications.count
        let subject =
            "Your Keyplan digest: \(count) update\(count == 1 ? "" : "s")"
            + (accounts > 0 ? " in \(accounts) account\(accounts == 1 ? "" : "s")" : "")
        return ComposedMail(subject: subject, text: text, html: Self.page(html))
    }

    private func footer(kindName: String?, unsubscribe: String?) -> (text: String, html: String) {
        let why =
            kindName.map { "You get this mail because you get \($0) from \(tenantName)'s Keyplan." }
            ?? "You get this digest because you chose one daily mail from \(tenantName)'s Keyplan."
        var text = "--\n\(why)\n"
        var html =
            "<hr style=\"border:none;border-top:1px solid #ddd;margin:24px 0 8px\">\n<p style=\"color:#666;font-size:12px\">\(Self.escape(why))"
        if let unsubscribe {
            let stop = kindName == nil ? "Stop these digests and all notification mail" : "Stop this kind of mail"
            text += "\(stop): \(unsubscribe)\n"
            html += " <a href=\"\(Self.escape(unsubscribe))\">\(stop)</a>."
        }
        // Sellers (and customers who use it) choose kind by kind with the CLI.
        let settings = "With Keyplan's command-line client, choose which mails you get: keyplan notifications settings"
        text += settings + "\n"
        html += " \(Self.escape(settings))</p>\n"
        return (text, html)
    }

    /// The portal page a notification is about.
    static func path(of notification: Notification) -> String? {
        guard let account = notification.accountID else { return nil }
        let section =
            switch notification.kind {
            case .actionAssigned: "/actions"
            case .scoringRoundOpened, .scoringRoundClosing: "/scorecards"
            case .reviewDue, .reviewSignOff: "/reviews"
            case .mention: ""
            }
        return "/accounts/\(account.uuidString.lowercased())\(section)"
    }

    static func action(for kind: NotificationKind) -> String {
        switch kind {
        case .actionAssigned: "Open the action plan"
        case .scoringRoundOpened, .scoringRoundClosing: "Open the scorecard"
        case .reviewDue: "Open the reviews"
        case .reviewSignOff: "Open the review to sign it off"
        case .mention: "Open the workspace"
        }
    }

    /// The kind as the footer names it: "mail about mentions".
    static func kindName(_ kind: NotificationKind) -> String {
        switch kind {
        case .actionAssigned: "mail about actions assigned to you"
        case .scoringRoundOpened: "mail about scorecard rounds opened for you"
        case .scoringRoundClosing: "reminders of scorecard rounds closing"
        case .reviewDue: "reminders of roadmap reviews coming due"
        case .reviewSignOff: "requests to sign off reviews"
        case .mention: "mail about mentions"
        }
    }

    /// A message's first line, cut at a word to fit a subject.
    static func subjectLine(_ message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message
        guard line.count > 120 else { return line }
        let cut = line.prefix(118)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + " …"
    }

    static func day(_ date: Date) -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(months[(components.month ?? 1) - 1]) \(components.day ?? 1), \(components.year ?? 1970)"
    }

    /// Escapes text for HTML content and attribute values (`&#39;`, not XML's `&apos;`, which older mail
    /// programs show as it is).
    static func escape(_ text: String) -> String { SVGText.escape(text).replacingOccurrences(of: "&apos;", with: "&#39;") }

    private static let buttonStyle =
        "display:inline-block;padding:10px 16px;background:#1f5fbf;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600"

    private static func page(_ body: String) -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
        <body style="font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1d1d1f;max-width:600px;margin:0 auto;padding:16px">
        \(body)</body></html>

        """
    }
}
