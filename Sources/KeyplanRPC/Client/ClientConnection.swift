import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One connection from a client to a server, shared by many concurrent calls.
final class ClientConnection: Sendable {
    /// What calling tasks and the event loop both read: the next call id, whether new calls may
    /// start here, the server's frame limit and call limit, the calls open now.
    final class SharedState: Sendable {
        private struct Values {
            var nextCallID: UInt32 = 1
            var acceptingCalls = true
            var peerMaxFrameSize = FrameParser.defaultMaxFrameSize
            var peerMaxConcurrentCalls = Int.max
            var openCalls = 0
        }

        private let values = NIOLockedValueBox(Values())
        let onStop: @Sendable () -> Void

        init(onStop: @escaping @Sendable () -> Void) {
            self.onStop = onStop
        }

        var isAcceptingCalls: Bool { values.withLockedValue { $0.acceptingCalls } }
        var peerMaxFrameSize: UInt32 { values.withLockedValue { $0.peerMaxFrameSize } }

        /// The server's SETTINGS: its frame limit and how many calls it lets this connection keep open.
        func setPeerSettings(maxFrameSize: UInt32, maxConcurrentCalls: Int) {
            values.withLockedValue {
                $0.peerMaxFrameSize = maxFrameSize
                $0.peerMaxConcurrentCalls = maxConcurrentCalls
            }
        }

        func stopAcceptingCalls() {
            let wasAccepting = values.withLockedValue { values in
                defer { values.acceptingCalls = false }
                return values.acceptingCalls
            }
            if wasAccepting { onStop() }
        }

        /// Why a call could not be admitted on this connection.
        enum Refusal: Error {
            /// The connection takes no more calls (closing, or call ids used up): try another.
            case closed
            /// The server's MAX_CONCURRENT_CALLS are all open: the server would refuse the call.
            case tooManyCalls(limit: Int)
        }

        /// Admits a call: takes the next call id and one of the server's concurrent-call slots, until
        /// ``callEnded()`` gives the slot back.
        func admitCall() -> Result<UInt32, Refusal> {
            values.withLockedValue { values in
                guard values.acceptingCalls, values.nextCallID < UInt32.max else { return .failure(.closed) }
                guard values.openCalls < values.peerMaxConcurrentCalls else {
                    return .failure(.tooManyCalls(limit: values.peerMaxConcurrentCalls))
                }
                defer { values.nextCallID += 1 }
                values.openCalls += 1
                return .success(values.nextCallID)
            }
        }

        /// A call admitted by ``admitCall()`` ended (or was never sent).
        func callEnded() {
            values.withLockedValue { $0.openCalls -= 1 }
        }

        var openCalls: Int { values.withLockedValue { $0.openCalls } }
    }

    let channel: any Channel
    let state: SharedState
    private let handler: NIOLoopBound<ClientConnectionHandler>
    private let outbox: FrameOutbox<ClientOutbound>
    private let maxBufferedResponseBytes: Int

    /// The parts of the handler other threads may hold, taken on its event loop.
    private struct HandlerParts: Sendable {
        let handler: NIOLoopBound<ClientConnectionHandler>
        let outbox: FrameOutbox<ClientOutbound>
        let handshakeCompleted: EventLoopFuture<Void>
    }

    private init(channel: any Channel, parts: HandlerParts, state: SharedState, maxBufferedResponseBytes: Int) {
        self.channel = channel
        self.handler = parts.handler
        self.outbox = parts.outbox
        self.state = state
        self.maxBufferedResponseBytes = maxBufferedResponseBytes
    }

    /// Connects and completes the preface exchange.
    static func connect(
        configuration: ClientConfiguration, group: any EventLoopGroup, sslContext: NIOSSLContext?,
        live: LiveObjects, onStop: @escaping @Sendable () -> Void
    ) async throws -> ClientConnection {
        let state = SharedState(onStop: onStop)
        let parts = NIOLockedValueBox<HandlerParts?>(nil)
        let serverHostname = configuration.tls?.serverHostname ?? configuration.host
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.setCloseOnExec()
                    if let sslContext {
                        let isIP = (try? SocketAddress(ipAddress: serverHostname, port: 0)) != nil
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: isIP ? nil : serverHostname))
                    }
                    let handler = ClientConnectionHandler(
                        configuration: configuration, connectionState: state, eventLoop: channel.eventLoop, live: live)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    parts.withLockedValue {
                        $0 = HandlerParts(
                            handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                            outbox: handler.outbox, handshakeCompleted: handler.handshakeCompleted)
                    }
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .get()
        guard let handlerParts = parts.withLockedValue({ $0 }) else {
            throw RPCError.unavailable("the connection was not set up")
        }
        let connection = ClientConnection(
            channel: channel, parts: handlerParts, state: state,
            maxBufferedResponseBytes: configuration.maxBufferedResponseBytesPerCall)
        let handshake = handlerParts.handshakeCompleted
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.connectTimeout)) {
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        do {
            // Cancelled (the client closes while still connecting): give up the connection now
            // rather than at the connect timeout.
            try await withTaskCancellationHandler {
                try await handshake.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return connection
    }

    /// Starts a call: `OPEN`, and for single-request calls the request and `HALF_CLOSE` in the
    /// same write.
    func openCall(
        _ method: MethodDescriptor, metadata: Metadata, deadline: Deadline?,
        singleRequest: ((inout ByteBuffer) throws -> Void)?
    ) throws -> ClientCall {
        if let deadline, deadline.hasPassed {
            throw RPCError(code: .deadlineExceeded, message: "the deadline passed before the call started")
        }
        var call: ClientCall?
        var failure: (any Error)?
        try outbox.append { () -> ClientOutbound? in
            let callID: UInt32
            switch state.admitCall() {
            case .success(let id):
                callID = id
            case .failure(.closed):
                failure = RPCError.unavailable("the connection takes no more calls")
                return nil
            case .failure(.tooManyCalls(let limit)):
                // Honouring the server's MAX_CONCURRENT_CALLS: it would answer RESOURCE_EXHAUSTED; say so
                // without the round trip, and without sending anything.
                failure = RPCError(
                    code: .resourceExhausted,
                    message: "the server allows \(limit) concurrent calls on one connection, and they are all open (the call was not sent)")
                return nil
            }
            let handler = self.handler
            let drained: @Sendable () -> Void = { handler.eventLoop.execute { handler.value.inboxDrained(callID) } }
            var buffer = ByteBuffer()
            Frame.open(
                callID: callID, Frame.Open(method: method.fullName, timeoutMicroseconds: deadline?.timeoutMicroseconds, metadata: metadata.fields)
            )
            .encode(into: &buffer)
            if let singleRequest {
                do {
                    try ClientCall.encodeMessage(callID: callID, maxSize: state.peerMaxFrameSize, into: &buffer, singleRequest)
                } catch {
                    state.callEnded()
                    failure = error
                    return nil
                }
                Frame.halfClose(callID: callID).encode(into: &buffer)
            }
            let newCall = ClientCall(
                callID: callID, deadline: deadline,
                inbox: MessageInbox(highWatermark: maxBufferedResponseBytes, onDrained: drained),
                outbox: outbox, maxMessageSize: { [state] in state.peerMaxFrameSize },
                onEnd: { [state] in state.callEnded() })
            call = newCall
            return .open(newCall, buffer)
        }
        if let failure { throw failure }
        guard let call else { throw RPCError.unavailable("the connection takes no more calls") }
        return call
    }

    func close() async {
        try? await channel.close()
    }
}
