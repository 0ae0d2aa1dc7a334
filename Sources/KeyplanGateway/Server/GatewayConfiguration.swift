public import KeyplanRPC

/// Where and how the HTTP side of a Keyplan server listens: the Connect gateway, the portal and
/// `/openapi.json`, on their own port.
public struct GatewayConfiguration: Sendable, Equatable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String
    /// The port; 0 picks a free one. Default `7480`.
    public var port: Int
    /// TLS with the binary protocol's certificate and key, if the server speaks it.
    public var tls: ServerConfiguration.TLS?
    public var limits: Limits

    public init(host: String = "127.0.0.1", port: Int = 7480, tls: ServerConfiguration.TLS? = nil, limits: Limits = Limits()) {
        self.host = host
        self.port = port
        self.tls = tls
        self.limits = limits
    }

    /// What one request may take.
    public struct Limits: Sendable, Equatable {
        /// The largest request body, refused from its `Content-Length` before it is read. Default 4 MiB, the
        /// binary protocol's largest message.
        public var maxRequestBytes: Int
        /// The largest response message. Default 16 MiB.
        public var maxResponseBytes: Int
        /// How long a request body may take to arrive. Default 30 s.
        public var requestBodyTimeout: Duration
        /// How long a connection may stay silent (between requests, or inside one's headers). Default 60 s.
        public var idleTimeout: Duration
        /// The most connections open at once; more wait to be accepted. Default 10,000, as the binary protocol's.
        public var maxConnections: Int

        public init(
            maxRequestBytes: Int = 4 << 20, maxResponseBytes: Int = 16 << 20, requestBodyTimeout: Duration = .seconds(30),
            idleTimeout: Duration = .seconds(60), maxConnections: Int = 10_000
        ) {
            self.maxRequestBytes = maxRequestBytes
            self.maxResponseBytes = maxResponseBytes
            self.requestBodyTimeout = requestBodyTimeout
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
        }
    }
}
