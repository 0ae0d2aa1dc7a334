import Foundation
import KeyplanMail
import KeyplanTestSupport
import Testing

/// The client against a real SMTP server (aiosmtpd, through `smtp_sink.py`), and against a scripted one for
/// the misbehaviour a real server library would not produce.
@Suite struct SMTPClientTests {
    static let sender = try! MailAddress("noreply@keyplan.example", displayName: "Keyplan")
    static let recipient = try! MailAddress("zoe@customer.example", displayName: "Zoë Ångström")

    static func message(
        from: MailAddress = sender, to: MailAddress = recipient, replyTo: MailAddress? = nil, subject: String = "Willkommen bei Keyplan, Zoë",
        messageID: String = "welcome-1@keyplan.example"
    ) throws -> MailMessage {
        try MailMessage(
            from: from, to: [to], replyTo: replyTo, subject: subject,
            text: "Hallo Zoë,\n.this line starts with a dot, and this one is long enough to need a soft line break in quoted-printable.\n\nKeyplan",
            html: "<p>Hallo Zoë,</p>\n<p>.dot</p>", messageID: messageID, listUnsubscribe: "https://keyplan.example/unsubscribe?t=abc")
    }

    static func client(_ url: String, timeout: Duration = .seconds(10), trustRoots: String? = nil) throws -> SMTPClient {
        try SMTPClient(relay: SMTPRelay(url: url, trustRootsPath: trustRoots, commandTimeout: timeout))
    }

    @Test func deliversAMessageWhoseMIMEParsesBack() async throws {
        try await SMTPSink.run { sink in
            let receipt = try await Self.client("smtp://127.0.0.1:\(sink.port)").send(
                Self.message(), from: Self.sender, to: [Self.recipient])
            #expect(receipt.reply.code == 250)
            #expect(receipt.queueID.contains("queued as SINK"))

            let received = try #require(try sink.messages().first)
            #expect(received.mailFrom == "noreply@keyplan.example")
            #expect(received.recipients == ["zoe@customer.example"])
            #expect(received.mailOptions.contains { $0.hasPrefix("SIZE=") })
            #expect(received.defects == [])
            #expect(received.addresses["From"] == [["Keyplan", "noreply@keyplan.example"]])
            #expect(received.addresses["To"] == [["Zoë Ångström", "zoe@customer.example"]])
            #expect(received.header("Subject") == "Willkommen bei Keyplan, Zoë")
            #expect(received.header("Message-ID") == "<welcome-1@keyplan.example>")
            #expect(received.header("MIME-Version") == "1.0")
            #expect(received.header("List-Unsubscribe") == "<https://keyplan.example/unsubscribe?t=abc>")
            #expect(received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            #expect(received.header("Date")?.hasSuffix("+0000") == true)
            #expect(received.header("Content-Type")?.hasPrefix("multipart/alternative") == true)

            #expect(received.parts.map(\.contentType) == ["text/plain", "text/html"])
            #expect(received.parts.allSatisfy { $0.charset == "utf-8" && $0.transferEncoding == "quoted-printable" })
            let text = try #require(received.parts.first).content.replacingOccurrences(of: "\r\n", with: "\n")
            #expect(text.hasPrefix("Hallo Zoë,\n.this line starts with a dot, and this one is long enough to need a soft line break"))
            #expect(received.parts.last?.content.replacingOccurrences(of: "\r\n", with: "\n") == "<p>Hallo Zoë,</p>\n<p>.dot</p>")
            // Seven-bit on the wire, lines within the limits.
            #expect(received.rawText.utf8.allSatisfy { $0 < 0x80 })
            #expect(received.rawText.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        }
    }

    @Test func startTLSThenAuthPlain() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try await SMTPSink.run(.init(certificate: certificate, auth: "mailer@keyplan:pä ss:word")) { sink in
            // User and password percent-encoded in the URL, as an operator writes them.
            let client = try Self.client(
                "smtp+starttls://mailer%40keyplan:p%C3%A4%20ss%3Aword@localhost:\(sink.port)", trustRoots: certificate.certificate)
            _ = try await client.send(Self.message(), from: Self.sender, to: [Self.recipient])

            let received = try #require(try sink.messages().first)
            #expect(received.tls)
            #expect(received.login == "mailer@keyplan")
            #expect(try sink.authAttempts().map(\.mechanism) == ["PLAIN"])
            #expect(try sink.authAttempts().allSatisfy(\.tls))
        }
    }

    @Test func implicitTLSThenAuth() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try await SMTPSink.run(.init(certificate: certificate, implicitTLS: true, auth: "mailer:secret")) { sink in
            let client = try Self.client("smtps://mailer:secret@localhost:\(sink.port)", trustRoots: certificate.certificate)
            _ = try await client.send(Self.message(), from: Self.sender, to: [Self.recipient])
            let received = try #require(try sink.messages().first)
            #expect(received.tls && received.login == "mailer")
        }
    }

    @Test func wrongPasswordIsPermanent() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try await SMTPSink.run(.init(certificate: certificate, auth: "mailer:right")) { sink in
            let client = try Self.client("smtp+starttls://mailer:wrong@localhost:\(sink.port)", trustRoots: certificate.certificate)
            let error = await #expect(throws: SMTPError.self) { try await client.send(Self.message(), from: Self.sender, to: [Self.recipient]) }
            #expect(error?.kind == .rejected)
            #expect(error?.reply?.code == 535)
            #expect(error?.classification == .permanent)
            let messages = try sink.messages()
            #expect(messages.isEmpty)
        }
    }

    @Test func untrustedCertificateIsATLSFailure() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try await SMTPSink.run(.init(certificate: certificate)) { sink in
            // The system's roots do not include the test's self-signed certificate.
            let client = try Self.client("smtp+starttls://localhost:\(sink.port)")
            let error = await #expect(throws: SMTPError.self) { try await client.send(Self.message(), from: Self.sender, to: [Self.recipient]) }
            #expect(error?.kind == .tlsFailed)
            let messages = try sink.messages()
            #expect(messages.isEmpty)
        }
    }

    @Test func credentialsAreNeverSentWithoutTLS() async throws {
        // A careless relay offers AUTH in plain text; the client must not take it up on it.
        try await SMTPSink.run(.init(auth: "mailer:secret", authOverPlainText: true)) { sink in
            let relay = SMTPRelay(
                host: "127.0.0.1", port: sink.port, security: .plain, credentials: .init(user: "mailer", password: "secret"),
                commandTimeout: .seconds(10))
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(relay: relay).send(Self.message(), from: Self.sender, to: [Self.recipient])
            }
            #expect(error?.kind == .insecureAuthentication)
            #expect(error?.classification == .permanent)
            let (attempts, messages) = (try sink.authAttempts(), try sink.messages())
            #expect(attempts.isEmpty && messages.isEmpty)
        }
    }

    @Test func aRelayWithoutSTARTTLSGetsNoMail() async throws {
        try await SMTPSink.run { sink in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client("smtp+starttls://127.0.0.1:\(sink.port)").send(Self.message(), from: Self.sender, to: [Self.recipient])
            }
            #expect(error?.kind == .unsupported)
            #expect(error?.classification == .permanent)
            let messages = try sink.messages()
            #expect(messages.isEmpty)
        }
    }

    @Test func a451IsTransientAndTheRetrySucceeds() async throws {
        try await SMTPSink.run(.init(failRecipients: "451:1")) { sink in
            let client = try Self.client("smtp://127.0.0.1:\(sink.port)")
            let error = await #expect(throws: SMTPError.self) { try await client.send(Self.message(), from: Self.sender, to: [Self.recipient]) }
            #expect(error?.kind == .rejected)
            #expect(error?.reply?.code == 451)
            #expect(error?.classification == .transient)
            #expect(error?.message.contains("RCPT TO:<zoe@customer.example>") == true)

            _ = try await client.send(Self.message(), from: Self.sender, to: [Self.recipient])
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func a550IsPermanent() async throws {
        try await SMTPSink.run(.init(failData: "550:0")) { sink in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client("smtp://127.0.0.1:\(sink.port)").send(Self.message(), from: Self.sender, to: [Self.recipient])
            }
            #expect(error?.kind == .rejected)
            #expect(error?.reply?.code == 550)
            #expect(error?.classification == .permanent)
            let messages = try sink.messages()
            #expect(messages.isEmpty)
        }
    }

    @Test func lineBreaksInNamesAndSubjectsCannotAddHeaders() async throws {
        try await SMTPSink.run { sink in
            let eve = try MailAddress("eve@customer.example", displayName: "Eve\r\nBcc: victim@elsewhere.example")
            let replyTo = try MailAddress("help@keyplan.example", displayName: "Help\nX-Injected: reply-to")
            let message = try Self.message(to: eve, replyTo: replyTo, subject: "Hello\r\nX-Injected: subject\r\n\r\nbody?")
            _ = try await Self.client("smtp://127.0.0.1:\(sink.port)").send(message, from: Self.sender, to: [eve])

            let received = try #require(try sink.messages().first)
            #expect(received.defects == [])
            #expect(
                received.headerNames == [
                    "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version",
                    "Content-Type",
                ])
            #expect(received.addresses["To"] == [["Eve Bcc: victim@elsewhere.example", "eve@customer.example"]])
            #expect(received.addresses["Reply-To"] == [["Help X-Injected: reply-to", "help@keyplan.example"]])
            #expect(received.header("Subject") == "Hello X-Injected: subject body?")
            #expect(received.recipients == ["eve@customer.example"])
        }
    }

    @Test(arguments: [[], ["220 relay.example ready\r\n"]])
    func aSilentRelayTimesOut(script: [String]) async throws {
        try await ScriptedRelay.run(script) { relay in
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client("smtp://127.0.0.1:\(relay.port)", timeout: .milliseconds(300)).send(
                    Self.message(), from: Self.sender, to: [Self.recipient])
            }
            #expect(error?.kind == .timedOut)
            #expect(error?.classification == .transient)
            #expect(error?.message.contains(script.isEmpty ? "the greeting" : "EHLO") == true)
            #expect(clock.now - started < .seconds(5))
        }
    }

    @Test(arguments: [
        ["hello\r\n"],
        ["220 ready\n"],
        ["2200 ready\r\n"],
        ["220-ready\r\n221 other\r\n"],
        ["220 ready\0\r\n"],
        [String(repeating: "2", count: 1500)],
        ["220 ready\r\n", "250-relay\r\n999 what\r\n"],
        ["220 ready\r\n", "\u{FF}\u{FE}garbage\r\n"],
        ["220 ready\r\n", "250 relay\r\n", "354 go on\r\n"],
    ])
    func garbageRepliesEndInAProtocolViolation(script: [String]) async throws {
        try await ScriptedRelay.run(script) { relay in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client("smtp://127.0.0.1:\(relay.port)").send(Self.message(), from: Self.sender, to: [Self.recipient])
            }
            #expect(error?.kind == .protocolViolation)
            #expect(error?.classification == .transient)
        }
    }

    @Test func plainTextAfterAgreeingToSTARTTLSIsRefused() async throws {
        // An attacker on the path appends a reply to "220 go ahead"; read after the handshake, it would pass as
        // the relay's over TLS.
        let script = ["220 ready\r\n", "250-relay\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n"]
        try await ScriptedRelay.run(script) { relay in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client("smtp+starttls://127.0.0.1:\(relay.port)").send(Self.message(), from: Self.sender, to: [Self.recipient])
            }
            #expect(error?.kind == .protocolViolation)
        }
    }

    @Test func aClosedPortIsAConnectionFailure() async throws {
        let port = try await ScriptedRelay.run([]) { $0.port }
        let error = await #expect(throws: SMTPError.self) {
            try await Self.client("smtp://127.0.0.1:\(port)").send(Self.message(), from: Self.sender, to: [Self.recipient])
        }
        // Another suite may bind the freed port meanwhile and drop the connection: either way, a transient failure.
        #expect(error?.kind == .connectionFailed || error?.kind == .connectionLost)
        #expect(error?.classification == .transient)
    }
}
