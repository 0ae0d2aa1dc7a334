import Foundation

/// The SMTP relay that mail goes out through, and how to talk to it.
public struct SMTPRelay: Sendable, Hashable, CustomStringConvertible {
    public enum Security: Sendable, Hashable {
        /// Plain TCP (`smtp://`): for a relay on the same host or network only; never with credentials.
        case plain
        /// TLS from the first byte (`smtps://`, RFC 8314).
        case implicitTLS
        /// Plain TCP upgraded with STARTTLS before anything else is said (`smtp+starttls://`); a relay that
        /// does not offer STARTTLS gets no mail.
        case startTLS
    }

    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        public let user: String
        public let password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        public var description: String { "\(user):***" }
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// Sent with AUTH PLAIN or AUTH LOGIN, only over TLS.
    public var credentials: Credentials?
    /// A PEM file of the certificates to trust instead of the system's (for tests and private relays).
    public var trustRootsPath: String?
    /// How long the relay may take to answer each command (and to connect, and to finish the TLS handshake).
    /// Default 30 s.
    public var commandTimeout: Duration
    /// The name this client gives in EHLO: its own domain. Default `localhost`.
    public var clientName: String

    public init(
        host: String, port: Int, security: Security, credentials: Credentials? = nil, trustRootsPath: String? = nil,
        commandTimeout: Duration = .seconds(30), clientName: String = "localhost"
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.credentials = credentials
        self.trustRootsPath = trustRootsPath
        self.commandTimeout = commandTimeout
        self.clientName = clientName
    }

    /// Reads a relay from a URL such as `KEYPLAN_SMTP_URL`'s: `smtp://host:port` (plain),
    /// `smtps://user:password@host` (implicit TLS), `smtp+starttls://user:password@host:587` (STARTTLS required).
    /// User and password are percent-decoded; the ports default to 25, 465 and 587. Anything else — another
    /// scheme, a path, a query, a user without a password, credentials on `smtp://` — is refused.
    public init(
        url: String, trustRootsPath: String? = nil, commandTimeout: Duration = .seconds(30), clientName: String = "localhost"
    ) throws(SMTPRelayURLError) {
        let shown = Self.redacted(url)
        func refuse(_ reason: String) -> SMTPRelayURLError { SMTPRelayURLError(message: "KEYPLAN_SMTP_URL: \(shown) \(reason)") }

        // URLComponents takes a stray `%` as a literal; in a password that is more likely a mistake than meant.
        let bytes = Array(url.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, bytes[(index + 1)...(index + 2)].allSatisfy({ Character(UnicodeScalar($0)).isHexDigit }) else {
                throw refuse("has a % that does not start a percent escape (%XX)")
            }
        }
        let schemes: [String: (Security, Int)] = ["smtp": (.plain, 25), "smtps": (.implicitTLS, 465), "smtp+starttls": (.startTLS, 587)]
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let (security, defaultPort) = schemes[scheme],
            url.lowercased().hasPrefix(scheme + "://")
        else { throw refuse("is not an smtp://, smtps:// or smtp+starttls:// URL") }
        guard var host = components.host, !host.isEmpty else { throw refuse("names no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            throw refuse("has a path, query or fragment; only user, password, host and port belong in it")
        }
        let port = components.port ?? defaultPort
        guard (1...65535).contains(port) else { throw refuse("has port \(port), outside 1–65535") }

        var credentials: Credentials?
        if let encodedUser = components.percentEncodedUser {
            guard let encodedPassword = components.percentEncodedPassword else { throw refuse("has a user but no password") }
            guard let user = encodedUser.removingPercentEncoding, let password = encodedPassword.removingPercentEncoding, !user.isEmpty
            else { throw refuse("has a user or password that is not valid percent-encoded UTF-8") }
            guard security != .plain else {
                throw refuse("has credentials, which would travel as plain text: use smtps:// or smtp+starttls://")
            }
            credentials = Credentials(user: user, password: password)
        }
        self.init(
            host: host, port: port, security: security, credentials: credentials, trustRootsPath: trustRootsPath, commandTimeout: commandTimeout,
            clientName: clientName)
    }

    public var description: String {
        let scheme = ["smtp", "smtps", "smtp+starttls"][security == .plain ? 0 : security == .implicitTLS ? 1 : 2]
        return "\(scheme)://\(credentials.map { "\($0)@" } ?? "")\(host):\(port)"
    }

    /// The URL with whatever sits before its last `@` hidden (after the scheme's `://`, when there is one
    /// before it): it may hold a password — also in a URL mistyped without its `//`.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return "\"\(url)\"" }
        let kept = url.range(of: "://").flatMap { $0.upperBound <= at ? url[..<$0.upperBound] : nil } ?? ""
        return "\"\(kept)***\(url[at...])\""
    }
}

public struct SMTPRelayURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
