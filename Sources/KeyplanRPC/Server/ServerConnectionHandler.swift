import KeyplanWire
import Logging
import NIOCore

/// Drives one server connection: parses frames, feeds ``ServerConnectionStateMachine``, and
/// carries out its actions — starting handler tasks, delivering messages, writing frames.
///
/// Everything here runs on the channel's event loop; handlers run as tasks off it. Frames written
/// by handler tasks arrive in batches through the ``FrameOutbox``, and are flushed once per batch
/// and once per read batch (`channelReadComplete`), never once per frame.
final class ServerConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent down a connection's pipeline to begin its graceful shutdown.
    struct GracefulShutdownEvent: Sendable {}

    /// Sent down a connection's pipeline when the shutdown grace period is over: the calls still open
    /// end with ``shutdownCut`` and the connection closes.
    struct GracePeriodEndedEvent: Sendable {}

    /// How a call still running at the end of the shutdown grace period ends: UNAVAILABLE, which clients
    /// treat as retryable, with a `retry-after-ms` trailer saying it may be retried (on a new connection)
    /// at once (`Protocols/frames.md`, section 4, GOAWAY).
    static let shutdownCut = RPCError(
        code: .unavailable,
        message: "the server shut down before the call finished (its shutdown grace period ran out); retry on a new connection",
        metadata: [retryAfterMillisecondsKey: "0"])

    /// The trailer that tells a client when it may retry, in milliseconds (after gRPC's `grpc-retry-pushback-ms`).
    static let retryAfterMillisecondsKey = "retry-after-ms"

    private struct ActiveCall {
        let call: ServerCall
        var task: Task<Void, Never>?
        var deadlineTimer: Scheduled<Void>?
    }

    private let configuration: ServerConfiguration
    private let router: RPCRouter
    private let interceptors: [any ServerInterceptor]
    private var logger: Logger
    private let outbox: FrameOutbox<ServerOutbound>

    private let io: ConnectionIO
    private var stateMachine: ServerConnectionStateMachine
    private var calls: [UInt32: ActiveCall] = [:]
    private var context: ChannelHandlerContext?
    /// The unread request bytes of all calls together; set up with the channel.
    private var budget: InboundBudget?
    /// Calls admitted during the current read whose handler tasks start once the read's frames are
    /// all delivered: a unary call's request and half-close usually arrive in the same read as its
    /// `OPEN`, so its task then finds them waiting instead of being woken for each.
    private var callsToStart: [(callID: UInt32, start: () -> Task<Void, Never>)] = []

    /// The server's count of its live handlers.
    private let live: LiveObjects

    deinit {
        live.ended()
    }

    init(
        configuration: ServerConfiguration, router: RPCRouter, interceptors: [any ServerInterceptor], logger: Logger, eventLoop: any EventLoop,
        live: LiveObjects
    ) {
        self.live = live
        live.started()
        self.configuration = configuration
        self.router = router
        self.interceptors = interceptors
        self.logger = logger
        self.outbox = FrameOutbox(eventLoop: eventLoop)
        self.io = ConnectionIO(maxFrameSize: configuration.limits.effectiveMaxFrameSize, liveness: configuration.timeouts.liveness)
        self.stateMachine = ServerConnectionStateMachine(
            configuration: .init(
                maxFrameSize: configuration.limits.effectiveMaxFrameSize,
                maxConcurrentCalls: configuration.limits.maxConcurrentCallsPerConnection,
                maxMetadataSize: configuration.limits.maxMetadataSize))
    }

    // MARK: Channel events

    /// Handler tasks still running, their calls ended or not. A CANCEL or a passed deadline ends
    /// a call for the peer at once, but its task may run on until it notices; counting the tasks
    /// too keeps a client that loops OPEN+CANCEL from starting unbounded work.
    private var runningHandlers = 0

    /// The peer's address, described once per connection: asking the channel costs a
    /// `getpeername` call and formatting, which every call would otherwise pay.
    private var peer: String?

    private func notePeer(context: ChannelHandlerContext) {
        guard peer == nil, let remote = context.remoteAddress else { return }
        peer = "\(remote)"
        logger[metadataKey: "peer"] = "\(remote)"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        budget = InboundBudget(limit: configuration.limits.maxBufferedRequestBytesPerConnection) {
            eventLoop.execute { this.value.budgetRelieved() }
        }
        outbox.setDrainHandler { items in this.value.writeOutbound(items) }
        notePeer(context: context)
        if context.channel.isActive { startTicking(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        notePeer(context: context)
        startTicking(context: context)
        logger.debug("connection opened")
        context.fireChannelActive()
    }

    private func startTicking(context: ChannelHandlerContext) {
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        io.start(context: context) { this.value.tick() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let failure = io.receive(unwrapInboundIn(data), isOpen: { stateMachine.state != .closed }) { frame in
            perform(stateMachine.receive(frame))
            switch frame {
            case .ping, .pong, .settings: return .keepalive
            case .preface: return .preface
            default: return .activity
            }
        }
        if let failure {
            logger.notice("closing connection after a malformed frame", metadata: ["error": "\(failure)"])
            perform(stateMachine.receiveError(failure))
        }
        startAdmittedCalls()
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
        if io.bufferedBytes > 0 {
            logger.debug("connection closed inside a frame", metadata: ["buffered": "\(io.bufferedBytes)"])
        }
        stateMachine.closed()
        io.stop()
        let lost = RPCError.unavailable("connection closed")
        outbox.close(lost)
        for (_, active) in calls {
            _ = active.call.claimEnd()
            active.task?.cancel()
            active.deadlineTimer?.cancel()
            active.call.inbox.abort(lost)
        }
        calls.removeAll()
        runningHandlers -= callsToStart.count
        callsToStart.removeAll()
        logger.debug("connection closed")
        context.fireChannelInactive()
    }

    /// The pipeline let go of this handler: let go of everything that refers back to it (the
    /// context, the budget's callback, the outbox's drain handler), or the handler, its calls and
    /// buffers would outlive the connection — about 2 KB for each connection ever made.
    func handlerRemoved(context: ChannelHandlerContext) {
        io.stop()
        _ = outbox.close(RPCError.unavailable("connection closed"))
        budget = nil
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        io.read(context: context)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is GracefulShutdownEvent {
            perform(stateMachine.beginGracefulShutdown())
            io.flushIfNeeded()
            promise?.succeed()
        } else if event is GracePeriodEndedEvent {
            endCallsCutByShutdown()
            perform(.close(nil))
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    // MARK: Actions

    private func perform(_ action: ServerConnectionStateMachine.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .send(let frames):
            io.write(frames)
        case .startCall(let callID, let open):
            startCall(callID, open, context: context)
        case .rejectCall(let callID, let end):
            io.write([.end(callID: callID, end)])
        case .deliverMessage(let callID, let message):
            guard let appended = calls[callID]?.call.inbox.append(message) else { break }
            if appended.callOverLimit { io.callOverLimit(callID) }
            if appended.connectionOverBudget { io.budgetExceeded() }
        case .finishRequests(let callID):
            calls[callID]?.call.inbox.finish()
        case .cancelCall(let callID):
            if let active = calls.removeValue(forKey: callID) {
                _ = active.call.claimEnd()
                active.task?.cancel()
                active.deadlineTimer?.cancel()
                active.call.inbox.abort(RPCError(code: .cancelled, message: "the client cancelled the call"))
            }
            callGone(callID)
        case .close(let goAway):
            if let goAway { io.write([.goAway(goAway)]) }
            io.flushIfNeeded()
            context.close(promise: nil)
        }
    }

    private func startCall(_ callID: UInt32, _ open: Frame.Open, context: ChannelHandlerContext) {
        let route: RPCRouter.Route
        switch router.route(for: open.method) {
        case .success(let found):
            route = found
        case .failure(let error):
            io.write([.end(callID: callID, Frame.End(code: error.code, message: error.message))])
            callGone(callID)
            return
        }
        if open.timeoutMicroseconds == 0 {
            // A timeout of 0 has expired on arrival (frames.md, section 5, Deadline): the handler does not run.
            io.write([
                .end(callID: callID, Frame.End(code: .deadlineExceeded, message: "deadline of 0 µs exceeded: a timeout of 0 has expired on arrival"))
            ])
            callGone(callID)
            return
        }
        let limit = configuration.limits.maxConcurrentCallsPerConnection
        guard runningHandlers < limit else {
            io.write([
                .end(
                    callID: callID,
                    Frame.End(
                        code: .resourceExhausted,
                        message: "more than \(limit) concurrent calls on one connection (counting cancelled calls still running)"))
            ])
            callGone(callID)
            return
        }
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let inbox = MessageInbox(highWatermark: configuration.limits.maxBufferedRequestBytesPerCall, budget: budget) {
            eventLoop.execute { this.value.inboxDrained(callID) }
        }
        let call = ServerCall(
            callID: callID, inbox: inbox, response: ResponseMetadata(), outbox: outbox,
            maxMessageSize: stateMachine.peerMaxFrameSize)
        let deadline = CallDeadline(clientTimeoutMicroseconds: open.timeoutMicroseconds, serverLimit: configuration.timeouts.maxCallDuration)
        let serverContext = ServerContext(
            method: route.descriptor, metadata: Metadata(fields: open.metadata),
            deadline: deadline.map { Deadline(timeoutMicroseconds: $0.microseconds) },
            remoteAddress: peer, logger: callLogger(route: route, callID: callID), response: call.response)
        var active = ActiveCall(call: call)
        if let deadline {
            active.deadlineTimer = eventLoop.scheduleTask(in: .microseconds(Int64(min(deadline.microseconds, UInt64(Int64.max / 1000))))) {
                this.value.deadlineExceeded(callID, deadline)
            }
        }
        calls[callID] = active
        let interceptors = self.interceptors
        runningHandlers += 1
        callsToStart.append(
            (
                callID,
                {
                    Task {
                        await ServerCallExecution.run(call: call, route: route, context: serverContext, interceptors: interceptors)
                        eventLoop.execute { this.value.runningHandlers -= 1 }
                    }
                }
            ))
    }

    /// Ends every open call with ``shutdownCut`` and cancels its handler. The `END`s are written here, on
    /// the event loop, not through the outbox, so that they precede the close that follows.
    private func endCallsCutByShutdown() {
        let cut = Self.shutdownCut
        for (callID, active) in calls {
            var trailers = active.call.response.trailers
            trailers.add(contentsOf: cut.metadata)
            if active.call.claimEnd(because: cut) {
                io.write([.end(callID: callID, Frame.End(code: cut.code, message: cut.message, trailers: trailers.fields))])
            }
            active.task?.cancel()
            active.deadlineTimer?.cancel()
        }
    }

    /// Starts the handler tasks of the calls admitted during the read just processed.
    private func startAdmittedCalls() {
        guard !callsToStart.isEmpty else { return }
        for (callID, start) in callsToStart {
            if calls[callID] != nil {
                calls[callID]?.task = start()
            } else {
                runningHandlers -= 1  // cancelled in the same read: never started
            }
        }
        callsToStart.removeAll(keepingCapacity: true)
    }

    /// The connection's logger with the call's method and id, set in one go: a log handler may render its
    /// metadata on every change, and this runs once per call.
    private func callLogger(route: RPCRouter.Route, callID: UInt32) -> Logger {
        var callLogger = logger
        var metadata = callLogger.handler.metadata
        metadata["rpc.method"] = "\(route.descriptor.fullName)"
        metadata["rpc.call"] = "\(callID)"
        callLogger.handler.metadata = metadata
        return callLogger
    }

    /// A call's inbox fell back under half its limit; it may have filled again since the consumer said so.
    private func inboxDrained(_ callID: UInt32) {
        if calls[callID]?.call.inbox.isOverLimit != true { io.callRelieved(callID) }
    }

    /// All calls' unread bytes fell back under half the budget; they may have grown again since.
    private func budgetRelieved() {
        if budget?.isOverLimit != true { io.budgetRelieved() }
    }

    private func deadlineExceeded(_ callID: UInt32, _ deadline: CallDeadline) {
        guard let active = calls[callID] else { return }
        let end = Frame.End(code: .deadlineExceeded, message: deadline.exceededMessage, trailers: active.call.response.trailers.fields)
        if active.call.finish(end, because: RPCError(code: .deadlineExceeded, message: deadline.exceededMessage)) { active.task?.cancel() }
    }

    /// The call is over for this connection: forget it and tell the state machine.
    private func callGone(_ callID: UInt32) {
        io.callEnded(callID)
        perform(stateMachine.callEnded(callID))
    }

    // MARK: Writing

    /// Writes what handler tasks produced since the last batch, then flushes once.
    private func writeOutbound(_ items: [ServerOutbound]) {
        for item in items {
            switch item {
            case .frames(let buffer):
                io.write(buffer)
            case .end(let callID, let buffer):
                io.write(buffer)
                if let active = calls.removeValue(forKey: callID) {
                    active.deadlineTimer?.cancel()
                    // Requests nobody will read now: give their bytes back to the connection's budget.
                    active.call.inbox.abort(RPCError(code: .cancelled, message: "the call has ended"))
                    callGone(callID)
                }
            }
        }
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
        case .close(let reason, let clock):
            logger.debug("closing connection", metadata: ["reason": "\(reason)"])
            switch clock {
            case .idle:
                perform(stateMachine.beginGracefulShutdown(message: reason))
            case .frame:
                // The peer is alive (it sent part of a frame) and can be told why.
                perform(stateMachine.frameTimedOut(reason))
            case .handshake, .keepalive:
                // No preface (perhaps not a Keyplan client), or a peer that answers nothing: close silently.
                perform(.close(nil))
            }
            io.flushIfNeeded()
        }
    }
}
