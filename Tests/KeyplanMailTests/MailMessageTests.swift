import Foundation
import Testing

@testable import KeyplanMail

@Suite struct MailMessageTests {
    static let from = try! MailAddress("noreply@keyplan.example", displayName: "Keyplan")

    static func rendered(_ message: MailMessage) -> String { String(decoding: message.rendered(boundary: "=_test"), as: UTF8.self) }

    /// The header block's fields, continuation lines unfolded.
    static func headerFields(_ text: String) -> [(name: String, value: String)] {
        let block = text.components(separatedBy: "\r\n\r\n")[0]
        var fields: [(name: String, value: String)] = []
        for line in block.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") {
                fields[fields.count - 1].value += line
            } else {
                let colon = line.firstIndex(of: ":")!
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        return fields
    }

    @Test func headersAndParts() throws {
        let message = try MailMessage(
            from: Self.from, to: [MailAddress("ann@example.org", displayName: "Ann \"the\" Admin"), MailAddress("bob@example.org")],
            replyTo: MailAddress("help@keyplan.example", displayName: "Zoë"), subject: "Your plan", text: "Hi\n", html: "<p>Hi</p>",
            messageID: "m-1@keyplan.example", date: Date(timeIntervalSince1970: 1_796_650_884), listUnsubscribe: "https://keyplan.example/u/1")
        let text = Self.rendered(message)
        let fields = Self.headerFields(text)
        #expect(
            fields.map(\.name) == [
                "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version",
                "Content-Type",
            ])
        let value = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value) })
        #expect(value["From"] == "\"Keyplan\" <noreply@keyplan.example>")
        #expect(value["To"] == "\"Ann \\\"the\\\" Admin\" <ann@example.org>, bob@example.org")
        #expect(value["Reply-To"] == "=?UTF-8?B?Wm/Dqw==?= <help@keyplan.example>")
        #expect(value["Subject"] == "Your plan")
        #expect(value["Date"] == "Mon, 07 Dec 2026 13:41:24 +0000")
        #expect(value["Message-ID"] == "<m-1@keyplan.example>")
        #expect(value["Content-Type"] == "multipart/alternative; boundary=\"=_test\"")
        #expect(
            text.contains(
                "\r\n--=_test\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHi\r\n\r\n--=_test\r\n"
            ))
        #expect(text.hasSuffix("\r\n<p>Hi</p>\r\n--=_test--\r\n"))
    }

    @Test func withoutHTMLTheMessageIsOneTextPart() throws {
        let message = try MailMessage(from: Self.from, to: [Self.from], subject: "s", text: "only text", messageID: "m@keyplan.example")
        let text = Self.rendered(message)
        #expect(!text.contains("multipart") && !text.contains("List-Unsubscribe"))
        #expect(text.hasSuffix("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nonly text\r\n"))
    }

    @Test func longOrNonASCIIHeaderTextBecomesFoldedEncodedWords() throws {
        let subject = String(repeating: "Größenordnung ", count: 12)
        let name = String(repeating: "Ω", count: 70)
        let message = try MailMessage(
            from: MailAddress("a@example.org", displayName: name), to: [Self.from], subject: subject, text: "", messageID: "m@keyplan.example")
        let text = Self.rendered(message)
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        let value = Dictionary(uniqueKeysWithValues: Self.headerFields(text).map { ($0.name, $0.value) })
        // Each word decodes alone: whole scalars, never half an Ω.
        let words = try #require(value["Subject"]).split(separator: " ")
        #expect(words.count > 1)
        var decoded = ""
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let bytes = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            decoded += try #require(String(data: bytes, encoding: .utf8))
        }
        #expect(decoded == subject.trimmingCharacters(in: .whitespaces))
        #expect(value["From"]?.hasSuffix("<a@example.org>") == true)
    }

    @Test func lineBreaksInFreeTextCannotStartAHeader() throws {
        let message = try MailMessage(
            from: MailAddress("a@example.org", displayName: "Mallory\r\nBcc: victim@example.org\r\n"),
            to: [MailAddress("b@example.org", displayName: "B\u{2028}X-Evil: 1\n\rY-Evil: 2\u{85}Z-Evil: 3")],
            replyTo: MailAddress("c@example.org", displayName: "\r\n\r\n"), subject: "Hi\nBcc: victim@example.org\r\n\r\n<html>", text: "body",
            messageID: "m@keyplan.example")
        let text = Self.rendered(message)
        // Every CR is followed by LF, every LF preceded by CR.
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
        }
        let fields = Self.headerFields(text)
        #expect(
            fields.map(\.name) == [
                "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
            ])
        let value = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value) })
        #expect(value["From"] == "\"Mallory Bcc: victim@example.org\" <a@example.org>")
        #expect(value["To"] == "\"B X-Evil: 1 Y-Evil: 2 Z-Evil: 3\" <b@example.org>")
        #expect(value["Reply-To"] == "c@example.org")
        #expect(value["Subject"] == "Hi Bcc: victim@example.org <html>")
    }

    @Test(arguments: ["no-at-sign", "<m@keyplan.example>", "m @keyplan.example", "m@keyplan.example\r\nBcc: x@y.z", "m@", ""])
    func messageIDsMustBeIdAtDomain(id: String) {
        #expect(throws: MailMessageError.self) { try MailMessage(from: Self.from, to: [Self.from], subject: "", text: "", messageID: id) }
    }

    @Test(arguments: [
        "http://keyplan.example/u", "https://keyplan.example/u\r\nBcc: x@y.z", "https://keyplan.example/u>, <mailto:x@y.z",
        "mailto:u@keyplan.example",
    ])
    func unsubscribeURLsMustBeSingleHTTPSTokens(url: String) {
        let error = #expect(throws: MailMessageError.self) {
            try MailMessage(from: Self.from, to: [Self.from], subject: "", text: "", messageID: "m@keyplan.example", listUnsubscribe: url)
        }
        // The link carries an unsubscribe token: the error, which reaches logs and the admins' mail list, does not.
        #expect(error?.message.contains("keyplan.example") == false)
    }

    @Test func anUnsubscribeURLsSchemeIsCaseInsensitive() throws {
        _ = try MailMessage(
            from: Self.from, to: [Self.from], subject: "", text: "", messageID: "m@keyplan.example", listUnsubscribe: "HTTPS://keyplan.example/u/1")
    }

    @Test func quotedPrintable() {
        #expect(MIMEEncoding.quotedPrintable("a=b, Zoë\ttab") == "a=3Db, Zo=C3=AB\ttab")
        #expect(MIMEEncoding.quotedPrintable("trailing space \nand tab\t") == "trailing space=20\r\nand tab=09")
        #expect(MIMEEncoding.quotedPrintable("--=_boundary") == "--=3D_boundary")
        let long = MIMEEncoding.quotedPrintable(String(repeating: "é", count: 100) + "\r\n" + String(repeating: "x", count: 200))
        let lines = long.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        // Soft breaks never split an =XX: every line but the last of a run ends with "=", none with "=X".
        #expect(lines.dropLast().filter { !$0.hasSuffix("=") }.count == 1)
        #expect(!long.contains("=\r\n3") && !long.contains("=C\r\n"))
        #expect(long.replacingOccurrences(of: "=\r\n", with: "").components(separatedBy: "\r\n").map(\.utf8.count) == [600, 200])
    }

    @Test func randomBoundariesCannotOccurInQuotedPrintable() {
        let message = try! MailMessage(
            from: Self.from, to: [Self.from], subject: "s", text: "--=_ tries to look like a boundary", html: "<p>=_</p>",
            messageID: "m@keyplan.example")
        let text = String(decoding: message.rendered(), as: UTF8.self)
        let boundary = text.components(separatedBy: "boundary=\"")[1].components(separatedBy: "\"")[0]
        #expect(boundary.hasPrefix("=_") && boundary.count > 20 && boundary.count <= 70)
        #expect(text.components(separatedBy: "--" + boundary).count == 4)
        #expect(
            boundary != String(decoding: message.rendered(), as: UTF8.self).components(separatedBy: "boundary=\"")[1].components(separatedBy: "\"")[0]
        )
    }

    @Test(arguments: [
        "user@example.org", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "x@a-b.example", "a!#$%&'*+-/=?^_`{|}~@example.org",
    ])
    func validAddresses(address: String) throws {
        try MailAddress.validate(address)
    }

    @Test(arguments: [
        "", "user", "@example.org", "user@", "a@b@example.org", "user @example.org", "user@exa mple.org", "us\r\ner@example.org", "user@localhost",
        ".user@example.org", "user.@example.org", "us..er@example.org", "\"quoted\"@example.org", "user@-example.org", "user@example-.org",
        "user@example..org", "user@[127.0.0.1]", "zoë@example.org", "user@exämple.org", "<user@example.org>", "user@example.123",
        String(repeating: "a", count: 65) + "@example.org", "user@" + String(repeating: "a", count: 64) + ".org",
    ])
    func invalidAddresses(address: String) {
        #expect(throws: MailAddressError.self) { try MailAddress.validate(address) }
    }
}
