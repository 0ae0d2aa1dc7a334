public import Foundation

/// A message to send: its headers and a text part, with an optional HTML alternative.
///
/// Everything is checked when the message is made, and rendering cannot fail. Header injection cannot happen
/// by construction: addresses are ``MailAddress``es (no spaces or controls), the message id and the
/// unsubscribe URL are checked to be single tokens, and free text (display names, the subject) goes through
/// ``MIMEEncoding/headerText(_:)``, which folds line breaks into spaces, before it is quoted or encoded.
public struct MailMessage: Sendable, Hashable {
    public let from: MailAddress
    public let to: [MailAddress]
    public let replyTo: MailAddress?
    public let subject: String
    /// The text/plain part.
    public let text: String
    /// The text/html alternative, if any.
    public let html: String?
    /// `id@domain`, without angle brackets; stable across retries, so a relay or a recipient can tell a retry
    /// from a new message.
    public let messageID: String
    public let date: Date
    /// An `https` URL that unsubscribes with one POST (RFC 8058), sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    public let listUnsubscribe: String?

    public init(
        from: MailAddress, to: [MailAddress], replyTo: MailAddress? = nil, subject: String, text: String, html: String? = nil,
        messageID: String, date: Date = Date(), listUnsubscribe: String? = nil
    ) throws(MailMessageError) {
        guard !to.isEmpty else { throw MailMessageError(message: "a message needs at least one To address") }
        // Message-ID is `<` dot-atom-text `@` dot-atom-text `>` (RFC 5322, section 3.6.4); addresses have that shape.
        guard messageID.utf8.count <= 250, (try? MailAddress.validate(messageID)) != nil else {
            throw MailMessageError(message: "message id \(messageID.debugDescription) is not of the form id@domain")
        }
        if let url = listUnsubscribe {
            guard url.prefix(8).lowercased() == "https://", url.utf8.count <= 900,
                url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !"<>,\"".utf8.contains($0) })
            else {
                // Not quoted: the link carries the recipient's unsubscribe token, and this message reaches logs.
                throw MailMessageError(
                    message: "the List-Unsubscribe URL is not an https URL without spaces, <, >, commas or quotes (check the portal URL setting)")
            }
        }
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.listUnsubscribe = listUnsubscribe
    }

    /// The message as RFC 5322 bytes with CRLF line breaks, ready for DATA (which dot-stuffs it).
    public func rendered() -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        let boundary = "=_" + (0..<3).map { _ in String(random.next() as UInt64, radix: 16) }.joined(separator: "_")
        return rendered(boundary: boundary)
    }

    /// `boundary` must start with `=_`, which no quoted-printable text contains.
    func rendered(boundary: String) -> [UInt8] {
        var lines: [String] = []
        lines.append("From: " + Self.mailbox(from))
        lines.append("To: " + to.map(Self.mailbox).joined(separator: ",\r\n "))
        if let replyTo { lines.append("Reply-To: " + Self.mailbox(replyTo)) }
        lines.append("Subject: " + MIMEEncoding.unstructured(subject, headerName: "Subject"))
        lines.append("Date: " + MIMEEncoding.date(date))
        lines.append("Message-ID: <\(messageID)>")
        if let listUnsubscribe {
            lines.append("List-Unsubscribe: <\(listUnsubscribe)>")
            lines.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        lines.append("MIME-Version: 1.0")
        if let html {
            lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            for (type, body) in [("text/plain", text), ("text/html", html)] {
                lines.append("--" + boundary)
                lines += Self.part(type: type, body)
            }
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(type: "text/plain", text)
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    private static func part(type: String, _ body: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", MIMEEncoding.quotedPrintable(body)]
    }

    private static func mailbox(_ address: MailAddress) -> String {
        guard let name = address.displayName, !MIMEEncoding.headerText(name).isEmpty else { return address.address }
        let phrase = MIMEEncoding.phrase(name)
        // Fold before the address if the phrase's last line would run past 78 with it (and `Reply-To: `).
        let lastLine = phrase.components(separatedBy: "\r\n").last ?? phrase
        let fold = 10 + lastLine.utf8.count + 3 + address.address.utf8.count > MIMEEncoding.preferredLineLength
        return phrase + (fold ? "\r\n <" : " <") + address.address + ">"
    }
}

public struct MailMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
