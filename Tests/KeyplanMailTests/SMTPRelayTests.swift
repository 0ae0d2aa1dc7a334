import KeyplanMail
import Testing

@Suite struct SMTPRelayTests {
    @Test func schemesPortsAndCredentials() throws {
        let plain = try SMTPRelay(url: "smtp://mail.internal")
        #expect(plain.host == "mail.internal" && plain.port == 25 && plain.security == .plain && plain.credentials == nil)
        #expect(plain.commandTimeout == .seconds(30))

        let implicit = try SMTPRelay(url: "smtps://relay.example:2465", trustRootsPath: "/tmp/roots.pem")
        #expect(implicit.port == 2465 && implicit.security == .implicitTLS && implicit.trustRootsPath == "/tmp/roots.pem")
        #expect(try SMTPRelay(url: "SMTPS://relay.example").port == 465)

        let submission = try SMTPRelay(url: "smtp+starttls://mailer%40keyplan.example:p%C3%A4ss%3A%2F%40word@smtp.example.com")
        #expect(submission.security == .startTLS && submission.port == 587)
        #expect(submission.credentials == .init(user: "mailer@keyplan.example", password: "päss:/@word"))
        // The password stays out of descriptions.
        #expect(!"\(submission)".contains("päss"))

        #expect(try SMTPRelay(url: "smtp://[::1]:2525").host == "::1")
    }

    @Test(arguments: [
        ("http://mail.example", "is not an smtp://, smtps:// or smtp+starttls:// URL"),
        ("mail.example:25", "is not an smtp://, smtps:// or smtp+starttls:// URL"),
        ("smtp:mail.example", "is not an smtp://, smtps:// or smtp+starttls:// URL"),
        ("smtps:/mailer:secret@mail.example", "is not an smtp://, smtps:// or smtp+starttls:// URL"),
        ("mailer:secret@mail.example", "is not an smtp://, smtps:// or smtp+starttls:// URL"),
        ("", "is not an smtp://, smtps:// or smtp+starttls:// URL"),
        ("smtp://", "names no host"),
        ("smtp://user:secret@mail.example", "would travel as plain text"),
        ("smtps://user@mail.example", "has a user but no password"),
        ("smtps://user:secret%ZZ@mail.example", "does not start a percent escape"),
        ("smtps://user:secret%4@mail.example", "does not start a percent escape"),
        ("smtp://mail.example/path", "has a path"),
        ("smtp://mail.example?timeout=5", "has a path, query"),
        ("smtp://mail.example:0", "outside 1–65535"),
    ])
    func anythingElseIsRefused(url: String, reason: String) {
        let error = #expect(throws: SMTPRelayURLError.self) { try SMTPRelay(url: url) }
        #expect(error?.message.hasPrefix("KEYPLAN_SMTP_URL: ") == true)
        #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.message.contains("secret") == false)
    }
}
