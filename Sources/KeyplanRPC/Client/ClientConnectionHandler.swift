import KeyplanWire
import NIOCore

/// Drives one client connection: writes the preface, parses frames, feeds
/// ``ClientConnectionStateMachine`` and routes responses to their ``ClientCall``s.
///
/// Runs on the channel's event loop. Frames from calling tasks arrive in batches through the
/// ``FrameOutbox`` and are flushed once per batch.
final class ClientConnectionHandler: ChannelDuplexHandler {
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
    private var parser: FrameParser
    private var stateMachine = ClientConnectionStateMachine()
    private var liveness: ConnectionLiveness
    private var calls: [UInt32: ActiveCall] = [:]
    private var context: ChannelHandlerContext?
    private var tickTask: RepeatedTask?
    private var needsFlush = false
    private var callsOverLimit: Set<UInt32> = []
    private var readHeld = false
    private let handshake: EventLoopPromise<Void>

    init(configuration: ClientConfiguration, connectionState: ClientConnection.SharedState, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.connectionState = connectionState
        self.outbox = FrameOutbox(eventLoop: eventLoop)
        self.parser = FrameParser(maxFrameSize: configuration.maxFrameSize)
        self.liveness = ConnectionLiveness(configuration: Self.liveness(configuration), now: .now())
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
        guard tickTask == nil else { return }
        var buffer = context.channel.allocator.buffer(capacity: 32)
        for frame in ClientConnectionStateMachine.preface(maxFrameSize: configuration.maxFrameSize) {
            frame.encode(into: &buffer)
        }
        write(buffer)
        flushIfNeeded()
        liveness = ConnectionLiveness(configuration: Self.liveness(configuration), now: .now())
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let interval = liveness.configuration.tickInterval
        tickTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in this.value.tick() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        var framesSeen = false
        do {
            while stateMachine.state != .closed, let frame = try parser.next() {
                framesSeen = true
                perform(stateMachine.receive(frame))
                if case .preface = frame, stateMachine.state == .ready {
                    liveness.handshakeCompleted()
                    handshake.succeed()
                }
            }
        } catch {
            perform(stateMachine.receiveError(error))
        }
        if framesSeen {
            liveness.framesReceived(now: .now(), pendingBytes: parser.bufferedBytes, activity: true)
        } else {
            liveness.bytesReceivedWithoutFrame(now: .now())
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        outbox.setWritable(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        failEverything(.unavailable("the connection to the server was lost"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failEverything(.unavailable("connection error: \(error)"))
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if callsOverLimit.isEmpty { context.read() } else { readHeld = true }
    }

    private func failEverything(_ error: RPCError) {
        stateMachine.closed()
        connectionState.stopAcceptingCalls()
        tickTask?.cancel()
        tickTask = nil
        outbox.close(error)
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
            var buffer = context.channel.allocator.buffer(capacity: 32)
            for frame in frames { frame.encode(into: &buffer) }
            write(buffer)
            connectionState.setPeerMaxFrameSize(stateMachine.peerMaxFrameSize)
        case .deliverHeaders(let callID, let fields):
            calls[callID]?.call.receiveHeaders(fields)
        case .deliverMessage(let callID, let message):
            if calls[callID]?.call.inbox.append(message) == true { callsOverLimit.insert(callID) }
        case .endCall(let callID, let end):
            if let active = calls.removeValue(forKey: callID) {
                active.deadlineTimer?.cancel()
                active.call.receiveEnd(end)
            }
            forget(callID)
            perform(stateMachine.closeIfDrained())
        case .goAway(let unprocessed, let goAway):
            connectionState.stopAcceptingCalls()
            let error = RPCError.unavailable("the server went away before processing the call: \(goAway.message)")
            for callID in unprocessed {
                calls.removeValue(forKey: callID).map { $0.deadlineTimer?.cancel(); $0.call.fail(error) }
                forget(callID)
            }
            perform(stateMachine.closeIfDrained())
        case .close(let goAway, let error):
            if let goAway { write(Frame.goAway(goAway).encoded(allocator: context.channel.allocator)) }
            flushIfNeeded()
            failEverything(error)
            context.close(promise: nil)
        }
    }

    private func forget(_ callID: UInt32) {
        if callsOverLimit.remove(callID) != nil { resumeReadingIfPossible() }
    }

    /// A call's inbox fell back under its limit.
    func inboxDrained(_ callID: UInt32) {
        callsOverLimit.remove(callID)
        resumeReadingIfPossible()
    }

    private func resumeReadingIfPossible() {
        guard callsOverLimit.isEmpty, readHeld, let context else { return }
        readHeld = false
        context.read()
    }

    // MARK: Writing

    private func write(_ buffer: ByteBuffer) {
        guard let context else { return }
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
    }

    private func flushIfNeeded() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
    }

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
                var active = ActiveCall(call: call)
                if let deadline = call.deadline {
                    let this = NIOLoopBound(self, eventLoop: context.eventLoop)
                    active.deadlineTimer = context.eventLoop.scheduleTask(in: TimeAmount(deadline.remaining)) {
                        this.value.deadlineExceeded(call.callID)
                    }
                }
                calls[call.callID] = active
                write(buffer)
            case .frames(let buffer):
                write(buffer)
            case .cancel(let callID):
                guard let active = calls.removeValue(forKey: callID) else { continue }
                active.deadlineTimer?.cancel()
                write(Frame.cancel(callID: callID).encoded(allocator: context.channel.allocator))
                forget(callID)
                perform(stateMachine.callAbandoned(callID))
            }
        }
        flushIfNeeded()
    }

    private func deadlineExceeded(_ callID: UInt32) {
        guard let active = calls.removeValue(forKey: callID), let context else { return }
        active.call.fail(RPCError(code: .deadlineExceeded, message: "the deadline passed before the server answered"))
        write(Frame.cancel(callID: callID).encoded(allocator: context.channel.allocator))
        flushIfNeeded()
        forget(callID)
        perform(stateMachine.callAbandoned(callID))
    }

    // MARK: Timers

    private func tick() {
        switch liveness.tick(now: .now(), openCalls: stateMachine.openCallCount) {
        case .healthy:
            break
        case .sendPing(let opaque):
            write(Frame.ping(opaque).encoded())
            flushIfNeeded()
        case .close(let reason, _):
            failEverything(.unavailable("closing the connection: \(reason)"))
            context?.close(promise: nil)
        }
    }
}
