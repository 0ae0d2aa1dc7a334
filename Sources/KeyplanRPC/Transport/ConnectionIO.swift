import KeyplanWire
import NIOCore

/// The event-loop side both connection handlers share: reading frames, the liveness clock,
/// writes batched behind one flush, and holding socket reads while some call's inbox is full, all calls
/// together hold more than the connection's budget, or the peer is not reading what we write.
///
/// Owned by one handler and used only on its event loop.
final class ConnectionIO {
    private var parser: FrameParser
    private(set) var liveness: ConnectionLiveness
    private var context: ChannelHandlerContext?
    private var needsFlush = false
    private var tickTask: RepeatedTask?
    /// Calls whose unread messages are over their limit: while any is, the socket is not read.
    private var callsOverLimit: Set<UInt32> = []
    /// All calls' unread messages together are over the connection's ``InboundBudget``.
    private var overBudget = false
    private var readHeld = false

    /// The frame size allowed once the peer's preface is in.
    private let maxFrameSize: UInt32

    /// The largest frame accepted before the peer's preface: the first frame must be a PREFACE (6 bytes),
    /// so a peer that has not even said who it is cannot make us buffer a multi-megabyte frame.
    static let maxFrameSizeBeforePreface: UInt32 = 64

    init(maxFrameSize: UInt32, liveness: ConnectionLiveness.Configuration) {
        self.maxFrameSize = maxFrameSize
        self.parser = FrameParser(maxFrameSize: min(maxFrameSize, Self.maxFrameSizeBeforePreface))
        self.liveness = ConnectionLiveness(configuration: liveness, now: .now())
    }

    var bufferedBytes: Int { parser.bufferedBytes }

    /// Starts the liveness clock; `tick` runs periodically on the event loop until ``stop()``.
    func start(context: ChannelHandlerContext, tick: @escaping () -> Void) {
        self.context = context
        guard tickTask == nil else { return }
        liveness = ConnectionLiveness(configuration: liveness.configuration, now: .now())
        let interval = liveness.configuration.tickInterval
        let tick = NIOLoopBound(tick, eventLoop: context.eventLoop)
        tickTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in tick.value() }
    }

    /// Stops the clock and lets go of the channel's context (which holds the handler that holds
    /// this: kept, it would keep the closed connection's objects alive).
    func stop() {
        tickTask?.cancel()
        tickTask = nil
        context = nil
    }

    /// What one frame meant to the liveness clock.
    enum FrameKind {
        /// The peer's preface: the handshake is done.
        case preface
        /// Keepalive or settings traffic: proves the peer alive but is not use.
        case keepalive
        /// A call's traffic.
        case activity
    }

    /// Parses `bytes` and hands each whole frame to `onFrame` while `isOpen()` holds; returns
    /// the first malformed-frame error, after which the connection must close.
    func receive(_ bytes: ByteBuffer, isOpen: () -> Bool, onFrame: (Frame) -> FrameKind) -> FrameError? {
        parser.append(bytes)
        var framesSeen = false
        var activity = false
        var failure: FrameError?
        do {
            while isOpen(), let frame = try parser.next() {
                framesSeen = true
                switch onFrame(frame) {
                case .preface:
                    liveness.handshakeCompleted()
                    parser.maxFrameSize = maxFrameSize
                case .keepalive: break
                case .activity: activity = true
                }
            }
        } catch {
            failure = error
        }
        if framesSeen {
            liveness.framesReceived(now: .now(), pendingBytes: parser.bufferedBytes, activity: activity)
        } else {
            liveness.bytesReceivedWithoutFrame(now: .now())
        }
        return failure
    }

    /// A call ended: the connection was in use until now.
    func callEnded(_ callID: UInt32) {
        liveness.callEnded(now: .now())
        callRelieved(callID)
    }

    func tick(openCalls: Int) -> ConnectionLiveness.Verdict {
        liveness.tick(now: .now(), openCalls: openCalls)
    }

    // MARK: Writing

    func write(_ buffer: ByteBuffer) {
        guard let context else { return }
        context.write(NIOAny(buffer), promise: nil)
        needsFlush = true
    }

    func write(_ frames: [Frame]) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        for frame in frames { frame.encode(into: &buffer) }
        write(buffer)
    }

    func flushIfNeeded() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
    }

    // MARK: Read gating

    /// The handler's `read(context:)`: reads unless our buffers are full or the channel is not writable.
    ///
    /// Not reading while unwritable matters because some frames are answered on the event loop (PING, SETTINGS,
    /// a refused OPEN): a peer that sends them and never reads the answers would otherwise grow our pending
    /// writes without bound. Holding reads lets TCP push back on it instead.
    func read(context: ChannelHandlerContext) {
        if !buffersFull && context.channel.isWritable { context.read() } else { readHeld = true }
    }

    /// Whether some call's inbox, or all of them together, hold more than they may: reads wait for the
    /// consumers, and the peer is not to blame for the silence meanwhile.
    private var buffersFull: Bool { !callsOverLimit.isEmpty || overBudget }

    func callOverLimit(_ callID: UInt32) {
        callsOverLimit.insert(callID)
        buffersChanged()
    }

    /// The call drained (or ended): read again if nothing else holds reads back.
    func callRelieved(_ callID: UInt32) {
        guard callsOverLimit.remove(callID) != nil else { return }
        buffersChanged()
        resumeReadingIfHeld()
    }

    /// All calls together went over the connection's budget.
    func budgetExceeded() {
        overBudget = true
        buffersChanged()
    }

    /// All calls together fell back under half the connection's budget.
    func budgetRelieved() {
        guard overBudget else { return }
        overBudget = false
        buffersChanged()
        resumeReadingIfHeld()
    }

    /// Pauses the liveness clocks while our own buffers hold reads, restarts them when they stop.
    private func buffersChanged() {
        if buffersFull { liveness.readsHeld(now: .now()) } else { liveness.readsResumed(now: .now()) }
    }

    /// The handler's `channelWritabilityChanged(context:)`: writable again, read again if nothing else holds reads.
    func writabilityChanged() {
        resumeReadingIfHeld()
    }

    private func resumeReadingIfHeld() {
        guard readHeld, !buffersFull, let context, context.channel.isWritable else { return }
        readHeld = false
        context.read()
    }
}
