public import Foundation
public import KeyplanRPC
public import KeyplanServer
import NIOPosix

extension ServerConfiguration {
    /// Settings from one source, each optional: what the source does not set, it leaves alone.
    ///
    /// The same keys serve all three sources: JSON keys in the config file, `KEYPLAN_` +
    /// upper-snake-case in the environment (e.g. `KEYPLAN_MAX_FRAME_SIZE`), and the
    /// executable's flags, which it maps onto this struct itself.
    public struct Overrides: Sendable, Equatable, Decodable {
        public var host: String?
        public var port: Int?
        public var tlsCertificate: String?
        public var tlsPrivateKey: String?
        public var maxFrameSize: UInt32?
        public var maxConcurrentCalls: Int?
        public var maxConnections: Int?
        public var maxMetadataBytes: Int?
        public var maxBufferedBytesPerConnection: Int?
        public var maxCallDurationSeconds: Double?
        public var handshakeTimeoutSeconds: Double?
        public var idleTimeoutSeconds: Double?
        public var keepaliveIntervalSeconds: Double?
        public var shutdownGraceSeconds: Double?
        public var metricsHost: String?
        public var metricsPort: Int?
        /// The HTTP port: the Connect gateway, the portal and `/openapi.json`, on the RPC host.
        public var httpPort: Int?
        /// Mail (``MailConfiguration``): the relay, the sender, the portal's public address, the worker's pace.
        public var smtpURL: String?
        public var smtpPasswordFile: String?
        public var smtpTrustRoots: String?
        public var mailFrom: String?
        public var mailReplyTo: String?
        public var portalURL: String?
        public var mailPollSeconds: Double?
        public var mailLeaseSeconds: Double?
        public var mailRetrySeconds: Double?
        public var mailMaxAttempts: Int?
        /// Webhooks may reach loopback and private addresses and use plain http (development, tests).
        public var webhookAllowPrivateAddresses: Bool?

        public init() {}

        /// Reads the `KEYPLAN_*` variables; a value that does not parse is an error naming it.
        public init(environment: [String: String]) throws {
            func value<T: LosslessStringConvertible>(_ name: String, as: T.Type) throws -> T? {
                guard let text = environment["KEYPLAN_\(name)"] else { return nil }
                guard let parsed = T(text) else {
                    throw ConfigurationError(message: "KEYPLAN_\(name)=\(text) is not a valid \(T.self)")
                }
                return parsed
            }
            host = try value("HOST", as: String.self)
            port = try value("PORT", as: Int.self)
            tlsCertificate = try value("TLS_CERTIFICATE", as: String.self)
            tlsPrivateKey = try value("TLS_PRIVATE_KEY", as: String.self)
            maxFrameSize = try value("MAX_FRAME_SIZE", as: UInt32.self)
            maxConcurrentCalls = try value("MAX_CONCURRENT_CALLS", as: Int.self)
            maxConnections = try value("MAX_CONNECTIONS", as: Int.self)
            maxMetadataBytes = try value("MAX_METADATA_BYTES", as: Int.self)
            maxBufferedBytesPerConnection = try value("MAX_BUFFERED_BYTES_PER_CONNECTION", as: Int.self)
            maxCallDurationSeconds = try value("MAX_CALL_DURATION_SECONDS", as: Double.self)
            handshakeTimeoutSeconds = try value("HANDSHAKE_TIMEOUT_SECONDS", as: Double.self)
            idleTimeoutSeconds = try value("IDLE_TIMEOUT_SECONDS", as: Double.self)
            keepaliveIntervalSeconds = try value("KEEPALIVE_INTERVAL_SECONDS", as: Double.self)
            shutdownGraceSeconds = try value("SHUTDOWN_GRACE_SECONDS", as: Double.self)
            metricsHost = try value("METRICS_HOST", as: String.self)
            metricsPort = try value("METRICS_PORT", as: Int.self)
            httpPort = try value("HTTP_PORT", as: Int.self)
            smtpURL = try value("SMTP_URL", as: String.self)
            smtpPasswordFile = try value("SMTP_PASSWORD_FILE", as: String.self)
            smtpTrustRoots = try value("SMTP_TRUST_ROOTS", as: String.self)
            mailFrom = try value("MAIL_FROM", as: String.self)
            mailReplyTo = try value("MAIL_REPLY_TO", as: String.self)
            portalURL = try value("PORTAL_URL", as: String.self)
            mailPollSeconds = try value("MAIL_POLL_SECONDS", as: Double.self)
            mailLeaseSeconds = try value("MAIL_LEASE_SECONDS", as: Double.self)
            mailRetrySeconds = try value("MAIL_RETRY_SECONDS", as: Double.self)
            mailMaxAttempts = try value("MAIL_MAX_ATTEMPTS", as: Int.self)
            webhookAllowPrivateAddresses = try value("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", as: Bool.self)
        }

        /// Reads a JSON config file whose keys are this struct's property names.
        public init(configFile data: Data) throws {
            do {
                self = try JSONDecoder().decode(Overrides.self, from: data)
            } catch {
                throw ConfigurationError(message: "the config file is not valid: \(error)")
            }
        }
    }

    /// A configuration value that cannot be used.
    public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    /// Where the metrics endpoint and the HTTP port listen, as resolved from the same sources.
    public struct MetricsAddress: Sendable, Equatable {
        /// Default `127.0.0.1`.
        public var host: String
        /// Default `9400`.
        public var port: Int
        /// The HTTP port (gateway and portal). Default `7480`.
        public var httpPort = 7480
        /// Default `false`: webhooks reach public https addresses only.
        public var webhookAllowPrivateAddresses = false
        public static var defaults: MetricsAddress { MetricsAddress(host: "127.0.0.1", port: 9400) }
    }

    /// ``resolve(flags:environment:configFilePath:)`` on NIO's thread pool, so reading the
    /// config file blocks neither an event loop nor the cooperative pool. Use this from `async` code.
    public static func load(
        flags: Overrides, environment: [String: String], configFilePath: String?
    ) async throws -> (server: ServerConfiguration, metrics: MetricsAddress) {
        try await NIOThreadPool.singleton.runIfActive {
            try resolve(flags: flags, environment: environment, configFilePath: configFilePath)
        }
    }

    /// The configuration from defaults, then the config file, then the environment, then the
    /// flags: a later source wins. Synchronous, reading the file: outside `async` code, use
    /// ``load(flags:environment:configFilePath:)`` inside it.
    public static func resolve(
        flags: Overrides, environment: [String: String], configFilePath: String?
    ) throws -> (server: ServerConfiguration, metrics: MetricsAddress) {
        let sources = try Overrides.sources(flags: flags, environment: environment, configFilePath: configFilePath)
        var server = ServerConfiguration.defaults
        var metrics = MetricsAddress.defaults
        for source in sources {
            try server.apply(source, metrics: &metrics)
        }
        return (server, metrics)
    }

    /// ``resolve(flags:environment:configFilePath:)``'s mail settings: `nil` without an SMTP URL.
    /// Synchronous, reading files: in `async` code, run it on the thread pool.
    public static func resolveMail(flags: Overrides, environment: [String: String], configFilePath: String?) throws -> MailConfiguration? {
        let sources = try Overrides.sources(flags: flags, environment: environment, configFilePath: configFilePath)
        var merged = Overrides()
        for source in sources {
            merged.merge(source)
        }
        return try MailConfiguration(settings: merged)
    }

    private mutating func apply(_ overrides: Overrides, metrics: inout MetricsAddress) throws {
        if let host = overrides.host { self.host = host }
        if let port = overrides.port { self.port = port }
        switch (overrides.tlsCertificate, overrides.tlsPrivateKey) {
        case (let certificate?, let key?):
            tls = TLS(certificateChainPath: certificate, privateKeyPath: key)
        case (nil, nil):
            break
        default:
            throw ConfigurationError(message: "TLS needs both a certificate and a private key")
        }
        if let size = overrides.maxFrameSize { limits.maxFrameSize = size }
        if let calls = overrides.maxConcurrentCalls { limits.maxConcurrentCallsPerConnection = calls }
        if let connections = overrides.maxConnections { limits.maxConnections = connections }
        if let bytes = overrides.maxMetadataBytes { limits.maxMetadataSize = bytes }
        if let bytes = overrides.maxBufferedBytesPerConnection { limits.maxBufferedRequestBytesPerConnection = bytes }
        if let seconds = overrides.maxCallDurationSeconds { timeouts.maxCallDuration = .seconds(seconds) }
        if let seconds = overrides.handshakeTimeoutSeconds { timeouts.handshake = .seconds(seconds) }
        if let seconds = overrides.idleTimeoutSeconds { timeouts.idle = .seconds(seconds) }
        if let seconds = overrides.keepaliveIntervalSeconds { timeouts.keepaliveInterval = .seconds(seconds) }
        if let seconds = overrides.shutdownGraceSeconds { timeouts.shutdownGracePeriod = .seconds(seconds) }
        if let host = overrides.metricsHost { metrics.host = host }
        if let port = overrides.metricsPort { metrics.port = port }
        if let port = overrides.httpPort { metrics.httpPort = port }
        if let allow = overrides.webhookAllowPrivateAddresses { metrics.webhookAllowPrivateAddresses = allow }
        guard (0...65535).contains(port), (0...65535).contains(metrics.port), (0...65535).contains(metrics.httpPort) else {
            throw ConfigurationError(message: "ports must be between 0 and 65535")
        }
        guard limits.maxConcurrentCallsPerConnection > 0, limits.maxFrameSize > 0, limits.maxConnections > 0,
            limits.maxMetadataSize > 0, limits.maxBufferedRequestBytesPerConnection > 0,
            (timeouts.maxCallDuration ?? .seconds(1)) > .zero
        else {
            throw ConfigurationError(message: "limits must be positive")
        }
        // The server would raise a smaller value anyway; an operator who asked for one should hear so.
        guard limits.maxFrameSize >= ServerConfiguration.Limits.minimumMaxFrameSize else {
            throw ConfigurationError(
                message: "maxFrameSize must be at least \(ServerConfiguration.Limits.minimumMaxFrameSize), the protocol's minimum")
        }
    }
}

extension ServerConfiguration.Overrides {
    /// The config file's, the environment's and the flags' settings, in that order (a later one wins).
    static func sources(flags: Self, environment: [String: String], configFilePath: String?) throws -> [Self] {
        var sources: [Self] = []
        if let path = configFilePath {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ServerConfiguration.ConfigurationError(message: "cannot read the config file \(path)")
            }
            sources.append(try Self(configFile: data))
        }
        sources.append(try Self(environment: environment))
        sources.append(flags)
        return sources
    }

    /// Takes the mail settings `later` sets.
    mutating func merge(_ later: Self) {
        smtpURL = later.smtpURL ?? smtpURL
        smtpPasswordFile = later.smtpPasswordFile ?? smtpPasswordFile
        smtpTrustRoots = later.smtpTrustRoots ?? smtpTrustRoots
        mailFrom = later.mailFrom ?? mailFrom
        mailReplyTo = later.mailReplyTo ?? mailReplyTo
        portalURL = later.portalURL ?? portalURL
        mailPollSeconds = later.mailPollSeconds ?? mailPollSeconds
        mailLeaseSeconds = later.mailLeaseSeconds ?? mailLeaseSeconds
        mailRetrySeconds = later.mailRetrySeconds ?? mailRetrySeconds
        mailMaxAttempts = later.mailMaxAttempts ?? mailMaxAttempts
    }
}
