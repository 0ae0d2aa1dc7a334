import KeyplanWire
import NIOCore

/// Everything an ``RPCServer`` needs to know, with production defaults.
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String
    /// The port to listen on; 0 picks a free one. Default `7400`.
    public var port: Int
    /// TLS, if the server should speak it. Default `nil` (plain TCP).
    public var tls: TLS?
    public var limits: Limits
    public var timeouts: Timeouts
    public var transport: Transport

    public init(
        host: String, port: Int, tls: TLS? = nil, limits: Limits = .defaults, timeouts: Timeouts = .defaults, transport: Transport = .defaults
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.limits = limits
        self.timeouts = timeouts
        self.transport = transport
    }

    /// `127.0.0.1:7400`, plain TCP, default limits and timeouts.
    public static var defaults: ServerConfiguration {
        ServerConfiguration(host: "127.0.0.1", port: 7400)
    }

    /// A certificate chain and private key, both PEM files.
    public struct TLS: Sendable, Equatable {
        public var certificateChainPath: String
        public var privateKeyPath: String

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// What clients may make the server hold.
    public struct Limits: Sendable, Equatable {
        /// The largest frame payload accepted, and so the largest message. Default 4 MiB; values below the
        /// protocol's minimum of 16 KiB (`Frame.Settings.Setting.minimumMaxFrameSize`) are raised to it.
        public var maxFrameSize: UInt32

        /// The smallest MAX_FRAME_SIZE the protocol allows a peer to announce: 16 KiB.
        public static let minimumMaxFrameSize = Frame.Settings.Setting.minimumMaxFrameSize

        /// ``maxFrameSize`` as announced and enforced: never below the protocol's minimum.
        var effectiveMaxFrameSize: UInt32 { max(maxFrameSize, Frame.Settings.Setting.minimumMaxFrameSize) }
        /// Calls one connection may have open at once; more end with RESOURCE_EXHAUSTED. Default 1,000.
        public var maxConcurrentCallsPerConnection: Int
        /// Unread request bytes one call may buffer before the connection stops reading. Default 1 MiB.
        public var maxBufferedRequestBytesPerCall: Int
        /// Unread request bytes all calls of one connection may buffer together before the connection stops
        /// reading (until handlers consume half of them). Default 8 MiB.
        public var maxBufferedRequestBytesPerConnection: Int
        /// Connections open at once; beyond it a new connection gets `GOAWAY(RESOURCE_EXHAUSTED)` instead of
        /// a preface and is closed. Default 10,000.
        public var maxConnections: Int
        /// The largest request metadata (an `OPEN`'s fields, each counted as its name and value plus 32 bytes,
        /// as HTTP/2 counts header lists); a call with more ends with RESOURCE_EXHAUSTED. Default 16 KiB.
        public var maxMetadataSize: Int

        public init(
            maxFrameSize: UInt32, maxConcurrentCallsPerConnection: Int, maxBufferedRequestBytesPerCall: Int,
            maxBufferedRequestBytesPerConnection: Int = 8 << 20, maxConnections: Int = 10_000, maxMetadataSize: Int = 16 << 10
        ) {
            self.maxFrameSize = maxFrameSize
            self.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection
            self.maxBufferedRequestBytesPerCall = maxBufferedRequestBytesPerCall
            self.maxBufferedRequestBytesPerConnection = maxBufferedRequestBytesPerConnection
            self.maxConnections = maxConnections
            self.maxMetadataSize = maxMetadataSize
        }

        public static var defaults: Limits {
            Limits(maxFrameSize: FrameParser.defaultMaxFrameSize, maxConcurrentCallsPerConnection: 1000, maxBufferedRequestBytesPerCall: 1 << 20)
        }
    }

    /// How long the server waits for peers.
    public struct Timeouts: Sendable, Equatable {
        /// From connecting to the client's preface. Default 10 s.
        public var handshake: Duration
        /// A connection with no open call and no traffic is closed after this. Default 5 min.
        public var idle: Duration
        /// Silence after which the server pings. Default 30 s.
        public var keepaliveInterval: Duration
        /// How long a ping may go unanswered before the connection is closed. Default 10 s.
        public var keepaliveTimeout: Duration
        /// How long one frame may take to arrive once begun (slow-trickle defence). Default 30 s.
        public var frame: Duration
        /// How long in-flight calls may run after shutdown begins before they are cancelled. Default 30 s.
        public var shutdownGracePeriod: Duration
        /// The longest a call may run on this server: a call whose client sets no timeout, or a longer
        /// one, ends with DEADLINE_EXCEEDED after this long. `nil` for no limit, so that long-lived
        /// streams (live updates) are not cut off. Default `nil`.
        public var maxCallDuration: Duration?

        public init(
            handshake: Duration, idle: Duration, keepaliveInterval: Duration, keepaliveTimeout: Duration, frame: Duration,
            shutdownGracePeriod: Duration, maxCallDuration: Duration? = nil
        ) {
            self.handshake = handshake
            self.idle = idle
            self.keepaliveInterval = keepaliveInterval
            self.keepaliveTimeout = keepaliveTimeout
            self.frame = frame
            self.shutdownGracePeriod = shutdownGracePeriod
            self.maxCallDuration = maxCallDuration
        }

        public static var defaults: Timeouts {
            Timeouts(
                handshake: .seconds(10), idle: .seconds(300), keepaliveInterval: .seconds(30), keepaliveTimeout: .seconds(10), frame: .seconds(30),
                shutdownGracePeriod: .seconds(30))
        }

        var liveness: ConnectionLiveness.Configuration {
            ConnectionLiveness.Configuration(
                handshakeTimeout: TimeAmount(handshake), idleTimeout: TimeAmount(idle),
                keepaliveInterval: TimeAmount(keepaliveInterval), keepaliveTimeout: TimeAmount(keepaliveTimeout),
                frameTimeout: TimeAmount(frame))
        }
    }

    /// Socket-level tuning.
    public struct Transport: Sendable, Equatable {
        /// Pending connections the kernel queues. Default 256.
        public var backlog: Int32
        /// Connections accepted per event-loop tick (NIO's default is 4). Default 64.
        public var acceptsPerLoopTick: UInt

        public init(backlog: Int32, acceptsPerLoopTick: UInt) {
            self.backlog = backlog
            self.acceptsPerLoopTick = acceptsPerLoopTick
        }

        public static var defaults: Transport { Transport(backlog: 256, acceptsPerLoopTick: 64) }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }
}
