/// The type byte of a frame header. See `Protocols/frames.md`.
public enum FrameType: UInt8, Hashable, Sendable, CaseIterable {
    case preface = 0x01
    case settings = 0x02
    case open = 0x03
    case headers = 0x04
    case message = 0x05
    case halfClose = 0x06
    case end = 0x07
    case cancel = 0x08
    case ping = 0x09
    case pong = 0x0A
    case goAway = 0x0B

    /// Connection frames use call id 0; call frames use a non-zero call id.
    public var isConnectionFrame: Bool {
        switch self {
        case .preface, .settings, .ping, .pong, .goAway: return true
        case .open, .headers, .message, .halfClose, .end, .cancel: return false
        }
    }
}

/// The flag bits a frame header defines. Bits not defined for a frame type are sent as zero and
/// ignored on receipt, so later versions can add flags without breaking older peers.
public enum FrameFlags {
    /// `SETTINGS`: this frame acknowledges the peer's settings and carries none.
    public static let settingsAck: UInt8 = 0x01
    /// `OPEN`: the payload carries a timeout after the method.
    public static let openHasTimeout: UInt8 = 0x01
}
