public import NIOCore

/// One frame of the Keyplan RPC protocol: a connection frame (call id 0) or a call frame.
///
/// The byte layout of every case is in `Protocols/frames.md`; ``FrameParser`` reads frames from
/// bytes and ``Frame/encode(into:)`` writes them.
public enum Frame: Hashable, Sendable {
    /// The first frame each side sends: protocol magic and version.
    case preface(Preface)
    /// Connection parameters, or the acknowledgement of the peer's.
    case settings(Settings)
    /// A client opens a call: method, deadline, metadata.
    case open(callID: UInt32, Open)
    /// The server's initial metadata for a call, sent at most once, before any message.
    case headers(callID: UInt32, [MetadataField])
    /// One serialized message of a call, in either direction.
    case message(callID: UInt32, ByteBuffer)
    /// The client will send no more messages on this call.
    case halfClose(callID: UInt32)
    /// The server ends a call with its status and trailers.
    case end(callID: UInt32, End)
    /// The client abandons a call.
    case cancel(callID: UInt32)
    /// A liveness probe; the peer answers with a ``pong(_:)`` carrying the same value.
    case ping(UInt64)
    /// The answer to a ``ping(_:)``.
    case pong(UInt64)
    /// The sender is closing the connection after the calls up to `lastCallID`.
    case goAway(GoAway)

    /// The protocol magic and version a peer speaks.
    public struct Preface: Hashable, Sendable {
        /// `KPLN`, the four bytes that open the payload of every preface.
        public static let magic: [UInt8] = Array("KPLN".utf8)
        /// The version this implementation speaks.
        public static let currentVersion: UInt16 = 1

        public var version: UInt16

        public init(version: UInt16 = Preface.currentVersion) {
            self.version = version
        }
    }

    /// Connection settings: a list of identified values, or an acknowledgement.
    public struct Settings: Hashable, Sendable {
        /// One setting. Unknown identifiers are kept so a parsed frame re-encodes identically.
        public struct Setting: Hashable, Sendable {
            public var id: UInt16
            public var value: UInt32
            public init(id: UInt16, value: UInt32) {
                self.id = id
                self.value = value
            }

            /// The largest frame payload the sender accepts.
            public static let maxFrameSizeID: UInt16 = 0x0001
            /// The most calls the sender lets be open at once on this connection.
            public static let maxConcurrentCallsID: UInt16 = 0x0002
            /// The smallest MAX_FRAME_SIZE a peer may announce (HTTP/2's 16 KiB). Below it the sender
            /// could not even receive the statuses that explain a refusal; a smaller announcement is a
            /// protocol violation.
            public static let minimumMaxFrameSize: UInt32 = 16_384
        }

        public var isAck: Bool
        public var values: [Setting]

        public init(values: [Setting]) {
            self.isAck = false
            self.values = values
        }

        /// The acknowledgement of the peer's settings.
        public static let ack = Settings(ack: ())

        private init(ack: Void) {
            self.isAck = true
            self.values = []
        }

        /// The value of the first setting with `id`, if present.
        public subscript(id: UInt16) -> UInt32? {
            values.first { $0.id == id }?.value
        }
    }

    /// What a client says when it opens a call.
    public struct Open: Hashable, Sendable {
        /// `service/method`, e.g. `keyplan.Accounts/List`.
        public var method: String
        /// Time the server has left for the call, in microseconds, measured from when the frame
        /// is received. Relative, so the two clocks need not agree.
        public var timeoutMicroseconds: UInt64?
        public var metadata: [MetadataField]

        public init(method: String, timeoutMicroseconds: UInt64? = nil, metadata: [MetadataField] = []) {
            self.method = method
            self.timeoutMicroseconds = timeoutMicroseconds
            self.metadata = metadata
        }
    }

    /// The end of a call: status, message, structured details and trailers.
    public struct End: Hashable, Sendable {
        /// A structured error detail: a type name and its serialized value.
        public struct Detail: Hashable, Sendable {
            public var typeName: String
            public var value: [UInt8]
            public init(typeName: String, value: [UInt8]) {
                self.typeName = typeName
                self.value = value
            }
        }

        public var code: StatusCode
        public var message: String
        public var details: [Detail]
        public var trailers: [MetadataField]

        public init(code: StatusCode, message: String = "", details: [Detail] = [], trailers: [MetadataField] = []) {
            self.code = code
            self.message = message
            self.details = details
            self.trailers = trailers
        }
    }

    /// Why and after which call the sender closes the connection.
    public struct GoAway: Hashable, Sendable {
        /// The highest call id the sender has accepted and will finish; later calls were not seen.
        public var lastCallID: UInt32
        public var code: StatusCode
        public var message: String

        public init(lastCallID: UInt32, code: StatusCode, message: String = "") {
            self.lastCallID = lastCallID
            self.code = code
            self.message = message
        }
    }

    /// The header type of this frame.
    public var type: FrameType {
        switch self {
        case .preface: return .preface
        case .settings: return .settings
        case .open: return .open
        case .headers: return .headers
        case .message: return .message
        case .halfClose: return .halfClose
        case .end: return .end
        case .cancel: return .cancel
        case .ping: return .ping
        case .pong: return .pong
        case .goAway: return .goAway
        }
    }

    /// The call this frame belongs to; 0 for connection frames.
    public var callID: UInt32 {
        switch self {
        case .preface, .settings, .ping, .pong, .goAway:
            return 0
        case .open(let id, _), .headers(let id, _), .message(let id, _), .halfClose(let id),
            .end(let id, _), .cancel(let id):
            return id
        }
    }
}
