import Foundation
import KeyplanRPC
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

    /// Where the metrics endpoint listens, as resolved from the same sources.
    public struct MetricsAddress: Sendable, Equatable {
        /// Default `127.0.0.1`.
        public var host: String
        /// Default `9400`.
        public var port: Int
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
        var sources: [Overrides] = []
        if let path = configFilePath {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(message: "cannot read the config file \(path)")
            }
            sources.append(try Overrides(configFile: data))
        }
        sources.append(try Overrides(environment: environment))
        sources.append(flags)
        var server = ServerConfiguration.defaults
        var metrics = MetricsAddress.defaults
        for source in sources {
            try server.apply(source, metrics: &metrics)
        }
        return (server, metrics)
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
        guard (0...65535).contains(port), (0...65535).contains(metrics.port) else {
            throw ConfigurationError(message: "ports must be between 0 and 65535")
        }
        guard limits.maxConcurrentCallsPerConnection > 0, limits.maxFrameSize > 0, limits.maxConnections > 0,
            limits.maxMetadataSize > 0, limits.maxBufferedRequestBytesPerConnection > 0,
            (timeouts.maxCallDuration ?? .seconds(1)) > .zero
        else {
            throw ConfigurationError(message: "limits must be positive")
        }
    }
}
