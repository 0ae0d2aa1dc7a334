import KeyplanWire
import NIOCore

/// Drives one client connection: writes the preface, parses frames, feeds
/// ``ClientConnectionStateMachine`` and routes responses to their ``ClientCall``s.
///
/// Runs on the channel's event loop. Frames from calling tasks arrive in batches through the
/// ``FrameOutbox`` and are flushed once per batch.
final class ClientConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct ActiveCall {
        let call: ClientCall
        var deadlineTimer: Scheduled<Void>?
    }

    let outbox: FrameOutbox<ClientOutbound>
    private let configuration: ClientConfiguration
    private let connectionState: ClientConnection.SharedState
    private let io: ConnectionIO
    private var stateMachine = ClientConnectionStateMachine()
    private var calls: [UInt32: ActiveCall] = [:]
    private var context: ChannelHandlerContext?
    private var started = false
    private let handshake: EventLoopPromise<Void>

    /// The client's count of its live handlers.
    private let live: LiveObjects

    deinit {
        live.ended()
    }

    init(configuration: ClientConfiguration, connectionState: ClientConnection.SharedState, eventLoop: any EventLoop, live: LiveObjects) {
        self.live = live
        live.started()
        self.configuration = configuration
        self.connectionState = connectionState
        self.outbox = FrameOutbox(eventLoop: eventLoop)
        self.io = ConnectionIO(maxFrameSize: configuration.effectiveMaxFrameSize, liveness: Self.liveness(configuration))
        self.handshake = eventLoop.makePromise()
    }

    private static func liveness(_ configuration: ClientConfiguration) -> ConnectionLiveness.Configuration {
        ConnectionLiveness.Configuration(
            handshakeTimeout: TimeAmount(configuration.connectTimeout),
            idleTimeout: .hours(24 * 365),  // the client keeps its connection for as long as it lives
            keepaliveInterval: TimeAmount(configuration.keepalive.interval),
            keepaliveTimeout: TimeAmount(configuration.keepalive.timeout),
            frameTimeout: TimeAmount(configuration.keepalive.interval + configuration.keepalive.timeout))
    }

    /// Succeeds when the server's preface arrives; fails if the connection closes first.
    var handshakeCompleted: EventLoopFuture<Void> { handshake.futureResult }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        outbox.setDrainHandler { items in this.value.writeOutbound(items) }
        if context.channel.isActive { begin(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        begin(context: context)
        context.fireChannelActive()
    }

    private func begin(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        io.start(context: context) { this.value.tick() }
        io.write(ClientConnectionStateMachine.preface(maxFrameSize: configuration.effectiveMaxFrameSize))
        io.flushIfNeeded()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let failure = io.receive(unwrapInboundIn(data), isOpen: { stateMachine.state != .closed }) { frame in
            perform(stateMachine.receive(frame))
            guard case .preface = frame, stateMachine.state == .ready else { return .activity }
            handshake.succeed()
            return .preface
        }
        if let failure { perform(stateMachine.receiveError(failure)) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        io.flushIfNeeded()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        outbox.setWritable(context.channel.isWritable)
        io.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        failEverything(.unavailable("the connection to the server was lost"))
        context.fireChannelInactive()
    }

    /// The pipeline let go of the handler — when the channel closed without ever becoming active (which
    /// brings no `channelInactive`), or when it was removed from a live pipeline: whoever waits for the
    /// handshake, or on a call, must hear of it rather than wait forever.
    func handlerRemoved(context: ChannelHandlerContext) {
        failEverything(.unavailable("the connection to the server closed"))
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failEverything(.unavailable("connection error: \(error)"))
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        io.read(context: context)
    }

    private func failEverything(_ error: RPCError) {
        stateMachine.closed()
        connectionState.stopAcceptingCalls()
        io.stop()
        for case .open(let call, _) in outbox.close(error) {
            call.fail(error)
        }
        handshake.fail(error)
        for (_, active) in calls {
            active.deadlineTimer?.cancel()
            active.call.fail(error)
        }
        calls.removeAll()
    }

    // MARK: Actions

    private func perform(_ action: ClientConnectionStateMachine.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .send(let frames):
            io.write(frames)
            connectionState.setPeerSettings(maxFrameSize: stateMachine.peerMaxFrameSize, maxConcurrentCalls: stateMachine.peerMaxConcurrentCalls)
        case .deliverHeaders(let callID, let fields):
            calls[callID]?.call.receiveHeaders(fields)
        case .deliverMessage(let callID, let message):
            if calls[callID]?.call.inbox.append(message).callOverLimit == true { io.callOverLimit(callID) }
        case .endCall(let callID, let end):
            if let active = calls.removeValue(forKey: callID) {
                active.deadlineTimer?.cancel()
                active.call.receiveEnd(end)
            }
            io.callRelieved(callID)
            perform(stateMachine.closeIfDrained())
        case .goAway(let unprocessed, let goAway):
            connectionState.stopAcceptingCalls()
            let error = RPCError.unavailable("the server went away before processing the call: \(goAway.message)")
            for callID in unprocessed {
                calls.removeValue(forKey: callID).map {
                    $0.deadlineTimer?.cancel()
                    $0.call.failRefusedByGoAway(error)
                }
                io.callRelieved(callID)
            }
            perform(stateMachine.closeIfDrained())
        case .close(let goAway, let error):
            if let goAway { io.write([.goAway(goAway)]) }
            io.flushIfNeeded()
            failEverything(error)
            context.close(promise: nil)
        }
    }

    /// A call's inbox fell back under half its limit; it may have filled again since the consumer said so.
    func inboxDrained(_ callID: UInt32) {
        if calls[callID]?.call.inbox.isOverLimit != true { io.callRelieved(callID) }
    }

    // MARK: Writing

    private func writeOutbound(_ items: [ClientOutbound]) {
        guard let context else { return }
        for item in items {
            switch item {
            case .open(let call, let buffer):
                guard stateMachine.state == .ready || stateMachine.state == .awaitingPreface else {
                    call.fail(.unavailable("the connection is closing"))
                    continue
                }
                stateMachine.callOpened(call.callID)
                call.markSent()
                var active = ActiveCall(call: call)
                if let deadline = call.deadline {
                    let this = NIOLoopBound(self, eventLoop: context.eventLoop)
                    active.deadlineTimer = context.eventLoop.scheduleTask(in: TimeAmount(deadline.remaining)) {
                        this.value.deadlineExceeded(call.callID)
                    }
                }
                calls[call.callID] = active
                io.write(buffer)
            case .frames(let buffer):
                io.write(buffer)
            case .cancel(let callID):
                abandon(callID)
            }
        }
        io.flushIfNeeded()
    }

    /// The client gave up the call: tell the server, forget it.
    private func abandon(_ callID: UInt32, failing error: RPCError? = nil) {
        guard let active = calls.removeValue(forKey: callID) else { return }
        active.deadlineTimer?.cancel()
        if let error { active.call.fail(error) }
        io.write([.cancel(callID: callID)])
        io.callRelieved(callID)
        perform(stateMachine.callAbandoned(callID))
    }

    private func deadlineExceeded(_ callID: UInt32) {
        abandon(callID, failing: RPCError(code: .deadlineExceeded, message: "the deadline passed before the server answered"))
        io.flushIfNeeded()
    }

    // MARK: Timers

    private func tick() {
        switch io.tick(openCalls: stateMachine.openCallCount) {
        case .healthy:
            break
        case .sendPing(let opaque):
            io.write([.ping(opaque)])
            io.flushIfNeeded()
        case .close(let reason, _):
            failEverything(.unavailable("closing the connection: \(reason)"))
            context?.close(promise: nil)
        }
    }
}
