/// Why a delivery failed, and whether trying again later can help.
///
/// A delivery worker retries a ``Classification/transient`` error with backoff and dead-letters a
/// ``Classification/permanent`` one; ``reply`` keeps the relay's own words for the log.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The relay answered a command with a 4xx or 5xx reply (in ``SMTPError/reply``).
        case rejected
        /// No connection could be made.
        case connectionFailed
        /// The connection closed or broke before the delivery was decided.
        case connectionLost
        /// The relay did not answer a command within ``SMTPRelay/commandTimeout``.
        case timedOut
        /// The TLS handshake failed (for example, an untrusted certificate).
        case tlsFailed
        /// The relay broke the protocol: a malformed reply, an unexpected code, plain text after STARTTLS.
        case protocolViolation
        /// The relay lacks what this delivery needs: STARTTLS, an AUTH mechanism we speak, room for the message.
        case unsupported
        /// Credentials would have gone over a connection without TLS; the client refused to send them.
        case insecureAuthentication
        /// The configuration or the call is unusable (no recipients, a client name that is not a domain).
        case invalidRequest
    }

    public enum Classification: Sendable, Hashable {
        /// Worth retrying later: 4xx replies, lost connections, timeouts, TLS and protocol trouble.
        case transient
        /// Retrying cannot help until something changes: 5xx replies, missing capabilities, refused requests.
        case permanent
    }

    public let kind: Kind
    /// The relay's reply that decided the failure, if one did.
    public let reply: SMTPReply?
    /// What failed, in words (with the reply's text, if any).
    public let message: String

    public init(_ kind: Kind, _ message: String, reply: SMTPReply? = nil) {
        self.kind = kind
        self.message = message
        self.reply = reply
    }

    public var classification: Classification {
        switch kind {
        case .rejected:
            // Only 4xx and 5xx replies make a rejection; 4xx means "not now" (RFC 5321, section 4.2.1).
            return (reply?.code ?? 500) < 500 ? .transient : .permanent
        case .connectionFailed, .connectionLost, .timedOut, .tlsFailed, .protocolViolation:
            return .transient
        case .unsupported, .insecureAuthentication, .invalidRequest:
            return .permanent
        }
    }

    public var isTransient: Bool { classification == .transient }

    public var description: String {
        "SMTP delivery failed (\(classification == .transient ? "transient" : "permanent")): \(message)"
    }
}

/// The relay accepted the message for delivery.
public struct DeliveryReceipt: Sendable, Hashable {
    /// The relay's answer to the end of the message data, which usually names its queue id
    /// (`250 2.0.0 Ok: queued as 4F2A1C`).
    public let reply: SMTPReply

    public init(reply: SMTPReply) {
        self.reply = reply
    }

    /// The text of the relay's acceptance, for the log: where to look for the message on the relay.
    public var queueID: String { reply.text }
}
