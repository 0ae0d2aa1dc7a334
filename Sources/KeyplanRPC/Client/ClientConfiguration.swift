import KeyplanWire

/// Where and how an ``RPCClient`` connects, with production defaults.
public struct ClientConfiguration: Sendable, Equatable {
    /// The server's host. Default `127.0.0.1`.
    public var host: String
    /// The server's port. Default `7400`.
    public var port: Int
    /// TLS, if the server speaks it. Default `nil` (plain TCP).
    public var tls: TLS?
    /// How long one connection attempt may take, handshake included. Default 10 s.
    public var connectTimeout: Duration
    public var backoff: Backoff
    public var keepalive: Keepalive
    /// The largest frame payload the client accepts (announced to the server). Default 4 MiB; values below the
    /// protocol's minimum of 16 KiB (`Frame.Settings.Setting.minimumMaxFrameSize`) are raised to it.
    public var maxFrameSize: UInt32

    /// ``maxFrameSize`` as announced and enforced: never below the protocol's minimum.
    var effectiveMaxFrameSize: UInt32 { max(maxFrameSize, Frame.Settings.Setting.minimumMaxFrameSize) }
    /// Unread response bytes one call may buffer before the connection stops reading. Default 1 MiB.
    public var maxBufferedResponseBytesPerCall: Int

    public init(
        host: String, port: Int, tls: TLS? = nil, connectTimeout: Duration = .seconds(10),
        backoff: Backoff = .defaults, keepalive: Keepalive = .defaults,
        maxFrameSize: UInt32 = FrameParser.defaultMaxFrameSize, maxBufferedResponseBytesPerCall: Int = 1 << 20
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.backoff = backoff
        self.keepalive = keepalive
        self.maxFrameSize = maxFrameSize
        self.maxBufferedResponseBytesPerCall = maxBufferedResponseBytesPerCall
    }

    /// `127.0.0.1:7400`, plain TCP.
    public static var defaults: ClientConfiguration { ClientConfiguration(host: "127.0.0.1", port: 7400) }

    /// How the client checks the server's certificate.
    public struct TLS: Sendable, Equatable {
        /// PEM file of the certificates to trust; `nil` trusts the system's roots. Default `nil`.
        public var trustRootsPath: String?
        /// The name to verify the certificate against (and send as SNI); `nil` uses the host. Default `nil`.
        public var serverHostname: String?
        /// Whether to verify the certificate at all; turn off only for tests. Default `true`.
        public var verifyCertificate: Bool

        public init(trustRootsPath: String? = nil, serverHostname: String? = nil, verifyCertificate: Bool = true) {
            self.trustRootsPath = trustRootsPath
            self.serverHostname = serverHostname
            self.verifyCertificate = verifyCertificate
        }

        /// System roots, verification on.
        public static var defaults: TLS { TLS() }
    }

    /// Reconnection after a failed attempt: exponential, jittered, bounded.
    public struct Backoff: Sendable, Equatable {
        /// Delay after the first failure. Default 100 ms.
        public var initial: Duration
        /// Factor applied after each further failure. Default 1.6.
        public var multiplier: Double
        /// Longest delay. Default 5 s.
        public var maximum: Duration
        /// Random spread, as a fraction of the delay. Default 0.2.
        public var jitter: Double
        /// Attempts before a call fails with UNAVAILABLE. Default 5.
        public var maxAttempts: Int

        public init(initial: Duration, multiplier: Double, maximum: Duration, jitter: Double, maxAttempts: Int) {
            self.initial = initial
            self.multiplier = multiplier
            self.maximum = maximum
            self.jitter = jitter
            self.maxAttempts = maxAttempts
        }

        public static var defaults: Backoff {
            Backoff(initial: .milliseconds(100), multiplier: 1.6, maximum: .seconds(5), jitter: 0.2, maxAttempts: 5)
        }

        /// The delay before attempt `attempt` (1 is the first retry).
        func delay(beforeRetry attempt: Int) -> Duration {
            let base = initial * pow(multiplier, Double(max(0, attempt - 1)))
            let capped = min(base, maximum)
            return capped * Double.random(in: (1 - jitter)...(1 + jitter))
        }

        private func pow(_ base: Double, _ exponent: Double) -> Double {
            var result = 1.0
            for _ in 0..<Int(exponent) { result *= base }
            return result
        }
    }

    /// Pings that detect a dead connection.
    public struct Keepalive: Sendable, Equatable {
        /// Silence after which the client pings. Default 30 s.
        public var interval: Duration
        /// How long a ping may go unanswered. Default 10 s.
        public var timeout: Duration

        public init(interval: Duration, timeout: Duration) {
            self.interval = interval
            self.timeout = timeout
        }

        public static var defaults: Keepalive { Keepalive(interval: .seconds(30), timeout: .seconds(10)) }
    }
}

/// Per-call settings.
public struct CallOptions: Sendable {
    /// The time the call may take; `nil` for no deadline. Default `nil`.
    public var timeout: Duration?
    /// Metadata to send with the call. Default empty.
    public var metadata: Metadata

    public init(timeout: Duration? = nil, metadata: Metadata = [:]) {
        self.timeout = timeout
        self.metadata = metadata
    }

    public static var defaults: CallOptions { CallOptions() }
}
