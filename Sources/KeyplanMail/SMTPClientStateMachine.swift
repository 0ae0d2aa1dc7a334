import Foundation

/// The rules of delivering one message over one SMTP connection (RFC 5321; STARTTLS, RFC 3207; AUTH, RFC 4954),
/// as a pure value: events in (a reply, TLS established, the connection closed, a timeout, a failure), an
/// action out for each. ``SMTPClient`` carries the actions out over NIO.
///
/// One command at a time, no pipelining: every reply answers the command just sent, so the state says what it
/// must be. Anything else ends the delivery, with an ``SMTPError`` that says whether to retry.
struct SMTPClientStateMachine {
    /// What one delivery needs to know. The client checks it (``SMTPClient/init(relay:eventLoopGroup:logger:)``).
    struct Delivery: Sendable {
        var clientName: String
        var security: SMTPRelay.Security
        var credentials: SMTPRelay.Credentials?
        var sender: MailAddress
        var recipients: [MailAddress]
        /// The rendered message (``MailMessage/rendered()``).
        var message: [UInt8]
    }

    private enum AuthStep {
        case plainSent
        case loginSent
        case loginUserSent
        case loginPasswordSent
    }

    /// Each state holds what the steps after it need.
    private enum State {
        case awaitingGreeting(tlsActive: Bool)
        case awaitingEHLO(tlsActive: Bool)
        case awaitingStartTLS
        /// The relay said 220 to STARTTLS; nothing more may arrive until TLS is up.
        case awaitingTLSHandshake
        case authenticating(AuthStep, SMTPExtensions)
        case awaitingMailReply
        case awaitingRecipientReply(index: Int)
        case awaitingDataReply
        case awaitingAcceptance
        /// The delivery is decided and reported; QUIT is sent, its answer awaited before closing.
        case quitting
        case finished
    }

    private let delivery: Delivery
    /// The message as DATA sends it: dot-stuffed, CRLF line ends, ending with `.` alone on a line.
    private let payload: [UInt8]
    private var state: State

    init(delivery: Delivery) {
        self.delivery = delivery
        self.payload = Self.dataPayload(delivery.message)
        self.state = .awaitingGreeting(tlsActive: delivery.security == .implicitTLS)
    }

    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    // MARK: Events

    enum OnReply: Equatable {
        /// Write these bytes; the next reply is due within the command timeout.
        case send([UInt8])
        /// Put TLS on the connection before reading anything more, then call ``tlsEstablished()``.
        case startTLS
        /// The delivery is decided: report the result, write these bytes (QUIT) and wait for the answer.
        case report(Result<DeliveryReceipt, SMTPError>, thenSend: [UInt8])
        /// The conversation is out of step: report the error and close.
        case reportAndClose(SMTPError)
        /// QUIT was answered: close.
        case close
        case none
    }

    mutating func replyReceived(_ reply: SMTPReply) -> OnReply {
        switch state {
        case .awaitingGreeting(let tlsActive):
            guard reply.code == 220 else { return refused(reply) }
            state = .awaitingEHLO(tlsActive: tlsActive)
            return .send(ehlo)

        case .awaitingEHLO(let tlsActive):
            guard reply.code == 250 else { return refused(reply) }
            return negotiate(SMTPExtensions(ehloReply: reply), tlsActive: tlsActive)

        case .awaitingStartTLS:
            guard reply.code == 220 else { return refused(reply) }
            state = .awaitingTLSHandshake
            return .startTLS

        case .awaitingTLSHandshake:
            // Plain text after "220 go ahead" would be taken as if it came over TLS: the STARTTLS injection flaw.
            state = .finished
            return .reportAndClose(SMTPError(.protocolViolation, "the relay sent \"\(reply)\" in plain text after agreeing to STARTTLS"))

        case .authenticating(let step, let extensions):
            let credentials = delivery.credentials!
            switch step {
            case .plainSent, .loginPasswordSent:
                guard reply.code == 235 else { return refused(reply) }
                return startTransaction(extensions)
            case .loginSent:
                guard reply.code == 334 else { return refused(reply) }
                state = .authenticating(.loginUserSent, extensions)
                return .send(Self.command(Self.base64(credentials.user)))
            case .loginUserSent:
                guard reply.code == 334 else { return refused(reply) }
                state = .authenticating(.loginPasswordSent, extensions)
                return .send(Self.command(Self.base64(credentials.password)))
            }

        case .awaitingMailReply:
            guard reply.code == 250 else { return refused(reply) }
            state = .awaitingRecipientReply(index: 0)
            return .send(Self.command("RCPT TO:<\(delivery.recipients[0].address)>"))

        case .awaitingRecipientReply(let index):
            // 251: "not local; will forward". Any refusal fails the whole delivery: one message, one outcome.
            guard reply.code == 250 || reply.code == 251 else { return refused(reply) }
            let next = index + 1
            if next < delivery.recipients.count {
                state = .awaitingRecipientReply(index: next)
                return .send(Self.command("RCPT TO:<\(delivery.recipients[next].address)>"))
            }
            state = .awaitingDataReply
            return .send(Self.command("DATA"))

        case .awaitingDataReply:
            guard reply.code == 354 else { return refused(reply) }
            state = .awaitingAcceptance
            return .send(payload)

        case .awaitingAcceptance:
            guard reply.code == 250 else { return refused(reply) }
            state = .quitting
            return .report(.success(DeliveryReceipt(reply: reply)), thenSend: Self.quit)

        case .quitting:
            state = .finished
            return .close

        case .finished:
            return .none
        }
    }

    enum OnTLSEstablished: Equatable {
        /// EHLO again: what the relay offered before TLS is forgotten (RFC 3207, section 4.2).
        case send([UInt8])
        case reportAndClose(SMTPError)
        case none
    }

    mutating func tlsEstablished() -> OnTLSEstablished {
        switch state {
        case .awaitingTLSHandshake:
            state = .awaitingEHLO(tlsActive: true)
            return .send(ehlo)
        case .quitting, .finished:
            return .none
        case .awaitingGreeting, .awaitingEHLO, .awaitingStartTLS, .authenticating, .awaitingMailReply, .awaitingRecipientReply,
            .awaitingDataReply, .awaitingAcceptance:
            let error = SMTPError(.protocolViolation, "a TLS handshake completed while waiting for \(awaited), without STARTTLS")
            state = .finished
            return .reportAndClose(error)
        }
    }

    enum OnConnectionClosed: Equatable {
        case report(SMTPError)
        case none
    }

    mutating func connectionClosed() -> OnConnectionClosed {
        switch state {
        case .quitting, .finished:
            state = .finished
            return .none
        case .awaitingGreeting, .awaitingEHLO, .awaitingStartTLS, .awaitingTLSHandshake, .authenticating, .awaitingMailReply,
            .awaitingRecipientReply, .awaitingDataReply, .awaitingAcceptance:
            let error = SMTPError(.connectionLost, "the connection closed while waiting for \(awaited)")
            state = .finished
            return .report(error)
        }
    }

    enum OnTimeout: Equatable {
        case reportAndClose(SMTPError)
        /// QUIT went unanswered: close anyway.
        case close
        case none
    }

    mutating func timedOut() -> OnTimeout {
        switch state {
        case .finished:
            return .none
        case .quitting:
            state = .finished
            return .close
        case .awaitingGreeting, .awaitingEHLO, .awaitingStartTLS, .awaitingTLSHandshake, .authenticating, .awaitingMailReply,
            .awaitingRecipientReply, .awaitingDataReply, .awaitingAcceptance:
            let error = SMTPError(.timedOut, "no answer to \(awaited) within the command timeout")
            state = .finished
            return .reportAndClose(error)
        }
    }

    enum OnFailure: Equatable {
        case reportAndClose(SMTPError)
        case close
        case none
    }

    /// The connection cannot go on: a malformed reply, a TLS or I/O error.
    mutating func failed(_ kind: SMTPError.Kind, _ reason: String) -> OnFailure {
        switch state {
        case .finished:
            return .none
        case .quitting:
            state = .finished
            return .close
        case .awaitingGreeting, .awaitingEHLO, .awaitingStartTLS, .awaitingTLSHandshake, .authenticating, .awaitingMailReply,
            .awaitingRecipientReply, .awaitingDataReply, .awaitingAcceptance:
            let error = SMTPError(kind, "\(reason), while waiting for \(awaited)")
            state = .finished
            return .reportAndClose(error)
        }
    }

    // MARK: Steps

    /// After EHLO: STARTTLS if required and not done, then AUTH if there are credentials, then the mail.
    private mutating func negotiate(_ extensions: SMTPExtensions, tlsActive: Bool) -> OnReply {
        if delivery.security == .startTLS && !tlsActive {
            guard extensions.startTLS else { return fail(.unsupported, "the relay does not offer STARTTLS, which the configuration requires") }
            state = .awaitingStartTLS
            return .send(Self.command("STARTTLS"))
        }
        guard let credentials = delivery.credentials else { return startTransaction(extensions) }
        guard tlsActive else { return fail(.insecureAuthentication, "refusing to send credentials over a connection without TLS") }
        if extensions.authMechanisms.contains("PLAIN") {
            // RFC 4616: authorization identity (empty: the same), NUL, user, NUL, password — sent with the command.
            state = .authenticating(.plainSent, extensions)
            return .send(Self.command("AUTH PLAIN " + Self.base64("\0\(credentials.user)\0\(credentials.password)")))
        }
        if extensions.authMechanisms.contains("LOGIN") {
            state = .authenticating(.loginSent, extensions)
            return .send(Self.command("AUTH LOGIN"))
        }
        let offered = extensions.authMechanisms.isEmpty ? "none" : extensions.authMechanisms.sorted().joined(separator: " ")
        return fail(.unsupported, "the relay offers no AUTH mechanism this client speaks (PLAIN, LOGIN); it offers: \(offered)")
    }

    private mutating func startTransaction(_ extensions: SMTPExtensions) -> OnReply {
        guard !delivery.recipients.isEmpty else { return fail(.invalidRequest, "a delivery needs at least one recipient") }
        var mailFrom = "MAIL FROM:<\(delivery.sender.address)>"
        if let limit = extensions.sizeLimit {
            // SIZE (RFC 1870): refuse early what the relay would refuse after the upload; declare the size.
            guard limit == 0 || payload.count <= limit else {
                return fail(.unsupported, "the message's \(payload.count) bytes exceed the relay's limit of \(limit)")
            }
            mailFrom += " SIZE=\(payload.count)"
        }
        state = .awaitingMailReply
        return .send(Self.command(mailFrom))
    }

    /// A reply other than the one expected: a 4xx or 5xx is the relay refusing (QUIT politely); any other
    /// code means the two sides disagree about where they are, so close.
    private mutating func refused(_ reply: SMTPReply) -> OnReply {
        let what = awaited
        guard (400..<600).contains(reply.code) else {
            state = .finished
            return .reportAndClose(SMTPError(.protocolViolation, "the relay answered \(what) with an unexpected \"\(reply)\"", reply: reply))
        }
        state = .quitting
        return .report(.failure(SMTPError(.rejected, "the relay refused \(what): \(reply)", reply: reply)), thenSend: Self.quit)
    }

    private mutating func fail(_ kind: SMTPError.Kind, _ message: String) -> OnReply {
        state = .quitting
        return .report(.failure(SMTPError(kind, message)), thenSend: Self.quit)
    }

    /// What the current state waits for, for error messages.
    private var awaited: String {
        switch state {
        case .awaitingGreeting: "the greeting"
        case .awaitingEHLO: "EHLO"
        case .awaitingStartTLS: "STARTTLS"
        case .awaitingTLSHandshake: "the TLS handshake"
        case .authenticating: "AUTH"
        case .awaitingMailReply: "MAIL FROM:<\(delivery.sender.address)>"
        case .awaitingRecipientReply(let index): "RCPT TO:<\(delivery.recipients[index].address)>"
        case .awaitingDataReply: "DATA"
        case .awaitingAcceptance: "the message data"
        case .quitting: "QUIT"
        case .finished: "nothing"
        }
    }

    // MARK: Bytes

    private var ehlo: [UInt8] { Self.command("EHLO \(delivery.clientName)") }
    private static let quit = command("QUIT")

    private static func command(_ line: String) -> [UInt8] { Array((line + "\r\n").utf8) }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The message as DATA sends it (RFC 5321, section 4.5.2): every line break made CRLF (a bare CR or LF would
    /// be read differently by different relays), a `.` doubled at the start of a line, then `.` alone.
    static func dataPayload(_ message: [UInt8]) -> [UInt8] {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let dot = UInt8(ascii: ".")
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 64 + 5)
        var atLineStart = true
        var index = message.startIndex
        while index < message.endIndex {
            let byte = message[index]
            if byte == cr || byte == lf {
                output += [cr, lf]
                if byte == cr, index + 1 < message.endIndex, message[index + 1] == lf { index += 1 }
                atLineStart = true
            } else {
                if atLineStart && byte == dot { output.append(dot) }
                output.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart { output += [cr, lf] }
        output += [dot, cr, lf]
        return output
    }
}

/// What a relay offers in its EHLO reply (RFC 5321, section 4.1.1.1): the lines after the first, a keyword each.
public struct SMTPExtensions: Sendable, Hashable {
    public var startTLS = false
    /// Upper-cased SASL mechanism names.
    public var authMechanisms: Set<String> = []
    /// `nil` if SIZE is not offered; 0 if offered without a fixed limit.
    public var sizeLimit: Int?
    public var eightBitMIME = false
    public var smtpUTF8 = false

    public init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            case "SIZE": sizeLimit = words.count > 1 ? Int(words[1]) ?? 0 : 0
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            default:
                // Relays from before RFC 4954 write `AUTH=LOGIN PLAIN`.
                if keyword.hasPrefix("AUTH=") { authMechanisms.formUnion([String(keyword.dropFirst(5))] + words.dropFirst()) }
            }
        }
    }
}
