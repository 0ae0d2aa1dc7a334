import NIOCore

/// The clock rules of one connection, as a pure value with time passed in: handshake timeout,
/// slow-frame (trickle) timeout, idle timeout and keepalive pings.
///
/// The connection handler reports events and calls ``tick(now:openCalls:)`` periodically; the
/// verdict says whether to ping or close.
///
/// While the connection holds reads because its own buffers are full (``readsHeld(now:)``), the
/// clocks that judge the peer stop: the peer's frames, PONGs included, wait unread in the socket
/// through no fault of its own. They restart from zero when reading resumes.
struct ConnectionLiveness {
    struct Configuration: Sendable {
        /// Time from connecting to the peer's preface.
        var handshakeTimeout: TimeAmount
        /// Time a connection with no open call may stay silent before it is closed.
        var idleTimeout: TimeAmount
        /// Silence after which a keepalive ping is sent.
        var keepaliveInterval: TimeAmount
        /// Time a keepalive ping may go unanswered.
        var keepaliveTimeout: TimeAmount
        /// Time a frame may take to arrive once its first byte has.
        var frameTimeout: TimeAmount

        /// How often to call ``ConnectionLiveness/tick(now:openCalls:)``: often enough that no
        /// timeout overshoots by more than half of itself.
        var tickInterval: TimeAmount {
            let shortest = [handshakeTimeout, idleTimeout, keepaliveInterval, keepaliveTimeout, frameTimeout].min() ?? .seconds(1)
            return max(.milliseconds(5), min(.seconds(1), .nanoseconds(shortest.nanoseconds / 2)))
        }
    }

    enum Verdict: Equatable {
        case healthy
        case sendPing(UInt64)
        /// Close, because of the clock that ran out (it decides what the peer is told first).
        case close(reason: String, clock: Clock)
    }

    /// The clock that closes a connection (`Protocols/frames.md`, section 4, "Connection clocks").
    enum Clock: Equatable {
        /// No preface in time.
        case handshake
        /// A frame begun but not finished in time (slow-trickle defence).
        case frame
        /// A keepalive ping unanswered in time.
        case keepalive
        /// No call for the idle timeout: closed politely.
        case idle
    }

    let configuration: Configuration
    private let connectedAt: NIODeadline
    private var handshakeDone = false
    private var lastActivity: NIODeadline
    private var lastFrame: NIODeadline
    private var partialFrameSince: NIODeadline?
    private var pingSentAt: NIODeadline?
    private var pingCount: UInt64 = 0
    /// Since when reads are held for our own backpressure, if they are.
    private var heldSince: NIODeadline?

    init(configuration: Configuration, now: NIODeadline) {
        self.configuration = configuration
        self.connectedAt = now
        self.lastActivity = now
        self.lastFrame = now
    }

    /// The peer's preface arrived.
    mutating func handshakeCompleted() {
        handshakeDone = true
    }

    /// Whole frames arrived: the peer is alive. `pendingBytes` is what is buffered after them;
    /// `activity` is false when they were only keepalive traffic, which does not end idleness.
    mutating func framesReceived(now: NIODeadline, pendingBytes: Int, activity: Bool) {
        lastFrame = now
        if activity { lastActivity = now }
        pingSentAt = nil
        partialFrameSince = pendingBytes > 0 ? now : nil
    }

    /// Bytes arrived that completed no frame.
    mutating func bytesReceivedWithoutFrame(now: NIODeadline) {
        if partialFrameSince == nil { partialFrameSince = now }
    }

    /// A call ended: the connection was in use until now.
    mutating func callEnded(now: NIODeadline) {
        lastActivity = now
    }

    /// The connection stopped reading because its own buffers are full: the peer cannot be judged.
    mutating func readsHeld(now: NIODeadline) {
        if heldSince == nil { heldSince = now }
    }

    /// The connection reads again: the peer's clocks start afresh.
    mutating func readsResumed(now: NIODeadline) {
        guard heldSince != nil else { return }
        heldSince = nil
        lastFrame = now
        lastActivity = now
        pingSentAt = nil
        if partialFrameSince != nil { partialFrameSince = now }
    }

    mutating func tick(now: NIODeadline, openCalls: Int) -> Verdict {
        if !handshakeDone {
            if now - connectedAt >= configuration.handshakeTimeout {
                return .close(reason: "no preface within \(configuration.handshakeTimeout)", clock: .handshake)
            }
            return .healthy
        }
        if heldSince != nil { return .healthy }
        if let since = partialFrameSince, now - since >= configuration.frameTimeout {
            return .close(reason: "a frame took longer than \(configuration.frameTimeout) to arrive", clock: .frame)
        }
        if let sent = pingSentAt {
            if now - sent >= configuration.keepaliveTimeout {
                return .close(reason: "keepalive ping unanswered for \(configuration.keepaliveTimeout)", clock: .keepalive)
            }
        } else if now - lastFrame >= configuration.keepaliveInterval {
            pingSentAt = now
            pingCount += 1
            return .sendPing(pingCount)
        }
        if openCalls == 0 && now - lastActivity >= configuration.idleTimeout {
            return .close(reason: "idle for \(configuration.idleTimeout)", clock: .idle)
        }
        return .healthy
    }
}
