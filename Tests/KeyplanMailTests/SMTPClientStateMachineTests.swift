import Testing

@testable import KeyplanMail

/// The delivery rules without sockets: a conversation is a list of events, each checked against the action the
/// machine answers with.
@Suite struct SMTPClientStateMachineTests {
    typealias Machine = SMTPClientStateMachine

    static func machine(
        security: SMTPRelay.Security = .plain, credentials: SMTPRelay.Credentials? = nil, recipients: [String] = ["ann@example.org"],
        message: String = "Subject: hi\r\n\r\nhello\r\n"
    ) -> Machine {
        Machine(
            delivery: .init(
                clientName: "mailer.keyplan.example", security: security, credentials: credentials,
                sender: try! MailAddress("noreply@keyplan.example"),
                recipients: recipients.map { try! MailAddress($0) }, message: Array(message.utf8)))
    }

    static func reply(_ code: Int, _ lines: String...) -> SMTPReply { SMTPReply(code: code, lines: lines.isEmpty ? ["ok"] : lines) }

    static func send(_ text: String) -> Machine.OnReply { .send(Array(text.utf8)) }

    static let quit = Array("QUIT\r\n".utf8)

    @Test func plainDelivery() {
        var machine = Self.machine(recipients: ["ann@example.org", "bob@example.org"])
        #expect(machine.replyReceived(Self.reply(220, "relay.example ESMTP")) == Self.send("EHLO mailer.keyplan.example\r\n"))
        #expect(machine.replyReceived(Self.reply(250, "relay.example", "8BITMIME")) == Self.send("MAIL FROM:<noreply@keyplan.example>\r\n"))
        #expect(machine.replyReceived(Self.reply(250)) == Self.send("RCPT TO:<ann@example.org>\r\n"))
        #expect(machine.replyReceived(Self.reply(250)) == Self.send("RCPT TO:<bob@example.org>\r\n"))
        #expect(machine.replyReceived(Self.reply(251, "will forward")) == Self.send("DATA\r\n"))
        #expect(machine.replyReceived(Self.reply(354, "go ahead")) == Self.send("Subject: hi\r\n\r\nhello\r\n.\r\n"))
        let accepted = Self.reply(250, "2.0.0 Ok: queued as 4F2A")
        #expect(machine.replyReceived(accepted) == .report(.success(DeliveryReceipt(reply: accepted)), thenSend: Self.quit))
        #expect(machine.replyReceived(Self.reply(221, "bye")) == .close)
        #expect(machine.isFinished)
        #expect(machine.connectionClosed() == .none)
    }

    @Test func startTLSThenAuthPlainThenSize() {
        var machine = Self.machine(security: .startTLS, credentials: .init(user: "keyplan", password: "secret"))
        #expect(machine.replyReceived(Self.reply(220)) == Self.send("EHLO mailer.keyplan.example\r\n"))
        // Before TLS the relay offers AUTH too; the client does not care until TLS is up.
        #expect(machine.replyReceived(Self.reply(250, "relay", "STARTTLS", "AUTH PLAIN")) == Self.send("STARTTLS\r\n"))
        #expect(machine.replyReceived(Self.reply(220, "go ahead")) == .startTLS)
        #expect(machine.tlsEstablished() == .send(Array("EHLO mailer.keyplan.example\r\n".utf8)))
        // base64("\0keyplan\0secret")
        #expect(machine.replyReceived(Self.reply(250, "relay", "AUTH LOGIN PLAIN", "SIZE 1000")) == Self.send("AUTH PLAIN AGtleXBsYW4Ac2VjcmV0\r\n"))
        #expect(machine.replyReceived(Self.reply(235, "2.7.0 authenticated")) == Self.send("MAIL FROM:<noreply@keyplan.example> SIZE=25\r\n"))
    }

    @Test func authLogin() {
        var machine = Self.machine(security: .implicitTLS, credentials: .init(user: "keyplan", password: "secret"))
        #expect(machine.replyReceived(Self.reply(220)) == Self.send("EHLO mailer.keyplan.example\r\n"))
        #expect(machine.replyReceived(Self.reply(250, "relay", "AUTH=LOGIN")) == Self.send("AUTH LOGIN\r\n"))
        #expect(machine.replyReceived(Self.reply(334, "VXNlcm5hbWU6")) == Self.send("a2V5cGxhbg==\r\n"))
        #expect(machine.replyReceived(Self.reply(334, "UGFzc3dvcmQ6")) == Self.send("c2VjcmV0\r\n"))
        #expect(machine.replyReceived(Self.reply(235)) == Self.send("MAIL FROM:<noreply@keyplan.example>\r\n"))
    }

    @Test func refusalsOfEveryKind() {
        func failure(_ action: Machine.OnReply) -> SMTPError? {
            guard case .report(.failure(let error), let quit) = action, quit == Self.quit else { return nil }
            return error
        }
        var greylisted = Self.machine()
        _ = greylisted.replyReceived(Self.reply(220))
        _ = greylisted.replyReceived(Self.reply(250))
        _ = greylisted.replyReceived(Self.reply(250))
        let tryLater = failure(greylisted.replyReceived(Self.reply(451, "4.7.1 greylisted")))
        #expect(tryLater?.classification == .transient)
        #expect(tryLater?.message == "the relay refused RCPT TO:<ann@example.org>: 451 4.7.1 greylisted")
        #expect(greylisted.replyReceived(Self.reply(221)) == .close)

        var unknownUser = Self.machine()
        _ = unknownUser.replyReceived(Self.reply(220))
        _ = unknownUser.replyReceived(Self.reply(250))
        _ = unknownUser.replyReceived(Self.reply(250))
        #expect(failure(unknownUser.replyReceived(Self.reply(550, "5.1.1 no such user")))?.classification == .permanent)

        var closing = Self.machine()
        #expect(failure(closing.replyReceived(Self.reply(421, "shutting down")))?.classification == .transient)

        var tooBig = Self.machine(message: String(repeating: "x", count: 2000))
        _ = tooBig.replyReceived(Self.reply(220))
        #expect(failure(tooBig.replyReceived(Self.reply(250, "relay", "SIZE 1000")))?.kind == .unsupported)

        var plainWithCredentials = Self.machine(credentials: .init(user: "u", password: "p"))
        _ = plainWithCredentials.replyReceived(Self.reply(220))
        #expect(failure(plainWithCredentials.replyReceived(Self.reply(250, "relay", "AUTH PLAIN")))?.kind == .insecureAuthentication)

        var noSTARTTLS = Self.machine(security: .startTLS)
        _ = noSTARTTLS.replyReceived(Self.reply(220))
        #expect(failure(noSTARTTLS.replyReceived(Self.reply(250, "relay", "AUTH PLAIN")))?.kind == .unsupported)

        var noMechanism = Self.machine(security: .implicitTLS, credentials: .init(user: "u", password: "p"))
        _ = noMechanism.replyReceived(Self.reply(220))
        #expect(failure(noMechanism.replyReceived(Self.reply(250, "relay", "AUTH CRAM-MD5")))?.kind == .unsupported)
    }

    /// Every step of a delivery that uses every state: STARTTLS, AUTH LOGIN, two recipients.
    enum Step {
        case reply(SMTPReply)
        case tls
    }

    static let fullConversation: [Step] = [
        .reply(reply(220)), .reply(reply(250, "relay", "STARTTLS")), .reply(reply(220)), .tls, .reply(reply(250, "relay", "AUTH LOGIN")),
        .reply(reply(334)), .reply(reply(334)), .reply(reply(235)), .reply(reply(250)), .reply(reply(250)), .reply(reply(250)),
        .reply(reply(354)), .reply(reply(250)),
    ]

    /// A machine after the first `count` steps of ``fullConversation``.
    static func machine(after count: Int) -> Machine {
        var machine = Self.machine(security: .startTLS, credentials: .init(user: "u", password: "p"), recipients: ["a@example.org", "b@example.org"])
        for step in fullConversation.prefix(count) {
            switch step {
            case .reply(let reply):
                let action = machine.replyReceived(reply)
                precondition(action != .none && action != .close, "the conversation went wrong at \(reply)")
                if case .reportAndClose(let error) = action { preconditionFailure("\(error)") }
            case .tls:
                _ = machine.tlsEstablished()
            }
        }
        return machine
    }

    /// The states before the delivery is decided: after 0 to 12 steps.
    static let undecided = Array(0..<fullConversation.count)

    @Test(arguments: undecided)
    func anUnexpectedCodeIsAProtocolViolation(steps: Int) {
        var machine = Self.machine(after: steps)
        // 211 (system status) answers none of the commands the client sends.
        guard case .reportAndClose(let error) = machine.replyReceived(Self.reply(211)) else {
            Issue.record("expected reportAndClose")
            return
        }
        #expect(error.kind == .protocolViolation)
        #expect(machine.isFinished)
    }

    @Test(arguments: undecided)
    func aTLSHandshakeOnlyAfterSTARTTLS(steps: Int) {
        var machine = Self.machine(after: steps)
        let action = machine.tlsEstablished()
        if case .tls = Self.fullConversation[steps] {
            #expect(action == .send(Array("EHLO mailer.keyplan.example\r\n".utf8)))
        } else {
            guard case .reportAndClose(let error) = action else {
                Issue.record("expected reportAndClose, got \(action)")
                return
            }
            #expect(error.kind == .protocolViolation)
        }
    }

    @Test func anyReplyBeforeTheHandshakeIsRefused() {
        // After "220 go ahead" to STARTTLS: even a well-formed reply is plain text where only TLS may come.
        var machine = Self.machine(after: 3)
        guard case .reportAndClose(let error) = machine.replyReceived(Self.reply(250)) else {
            Issue.record("expected reportAndClose")
            return
        }
        #expect(error.kind == .protocolViolation)
    }

    @Test(arguments: undecided)
    func closedTimedOutOrFailedBeforeTheDecisionIsTransient(steps: Int) {
        var closed = Self.machine(after: steps)
        guard case .report(let lost) = closed.connectionClosed() else {
            Issue.record("expected report")
            return
        }
        #expect(lost.kind == .connectionLost && lost.isTransient)

        var late = Self.machine(after: steps)
        guard case .reportAndClose(let timeout) = late.timedOut() else {
            Issue.record("expected reportAndClose")
            return
        }
        #expect(timeout.kind == .timedOut && timeout.isTransient)

        var broken = Self.machine(after: steps)
        #expect(broken.failed(.tlsFailed, "handshake failed") != .none)
        for machine in [closed, late, broken] { #expect(machine.isFinished) }
    }

    @Test func afterTheDecisionNothingIsReportedAgain() {
        var quitting = Self.machine(after: Self.fullConversation.count)
        #expect(quitting.timedOut() == .close)
        #expect(quitting.timedOut() == .none)
        #expect(quitting.replyReceived(Self.reply(221)) == .none)
        #expect(quitting.tlsEstablished() == .none)
        #expect(quitting.failed(.connectionLost, "reset") == .none)
        #expect(quitting.connectionClosed() == .none)

        var garbledGoodbye = Self.machine(after: Self.fullConversation.count)
        #expect(garbledGoodbye.failed(.protocolViolation, "garbage") == .close)
        var closedAfterQuit = Self.machine(after: Self.fullConversation.count)
        #expect(closedAfterQuit.connectionClosed() == .none)
    }

    @Test func multilineEHLOReplyExtensions() throws {
        var parser = SMTPReplyParser()
        parser.append(
            Array(
                ("250-relay.example greets mailer.keyplan.example\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250-STARTTLS\r\n"
                    + "250-AUTH=LOGIN\r\n250-auth plain login XOAUTH2\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n").utf8))
        let reply = try #require(try parser.next())
        #expect(reply.lines.count == 8)
        let extensions = SMTPExtensions(ehloReply: reply)
        #expect(extensions.startTLS && extensions.eightBitMIME && extensions.smtpUTF8)
        #expect(extensions.sizeLimit == 35_882_577)
        #expect(extensions.authMechanisms == ["LOGIN", "PLAIN", "XOAUTH2"])

        // The first line is the relay's name, never an extension.
        let bare = SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["STARTTLS"]))
        #expect(!bare.startTLS && bare.sizeLimit == nil && bare.authMechanisms.isEmpty)
        #expect(SMTPExtensions(ehloReply: SMTPReply(code: 250, lines: ["relay", "SIZE"])).sizeLimit == 0)
    }

    @Test func dataIsDotStuffedWithCRLFLineEnds() {
        func payload(_ text: String) -> String { String(decoding: Machine.dataPayload(Array(text.utf8)), as: UTF8.self) }
        #expect(payload("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n")
        #expect(payload(".starts with a dot") == "..starts with a dot\r\n.\r\n")
        #expect(payload("bare\nline\rfeeds\r\n.\n") == "bare\r\nline\r\nfeeds\r\n..\r\n.\r\n")
        #expect(payload("") == ".\r\n")
        #expect(payload("a.b\r\n") == "a.b\r\n.\r\n")
    }
}
