import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One connection from a client to a server, shared by many concurrent calls.
final class ClientConnection: Sendable {
    /// What calling tasks and the event loop both read: the next call id, whether new calls may
    /// start here, the server's frame limit.
    final class SharedState: Sendable {
        private struct Values {
            var nextCallID: UInt32 = 1
            var acceptingCalls = true
            var peerMaxFrameSize = FrameParser.defaultMaxFrameSize
        }

        private let values = NIOLockedValueBox(Values())
        let onStop: @Sendable () -> Void

        init(onStop: @escaping @Sendable () -> Void) {
            self.onStop = onStop
        }

        var isAcceptingCalls: Bool { values.withLockedValue { $0.acceptingCalls } }
        var peerMaxFrameSize: UInt32 { values.withLockedValue { $0.peerMaxFrameSize } }

        func setPeerMaxFrameSize(_ size: UInt32) {
            values.withLockedValue { $0.peerMaxFrameSize = size }
        }

        func stopAcceptingCalls() {
            let wasAccepting = values.withLockedValue { values in
                defer { values.acceptingCalls = false }
                return values.acceptingCalls
            }
            if wasAccepting { onStop() }
        }

        /// The next call id, or `nil` once they are used up (the connection then takes no more calls).
        func takeCallID() -> UInt32? {
            values.withLockedValue { values in
                guard values.acceptingCalls, values.nextCallID < UInt32.max else { return nil }
                defer { values.nextCallID += 1 }
                return values.nextCallID
            }
        }
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
        onStop: @escaping @Sendable () -> Void
    ) async throws -> ClientConnection {
        let state = SharedState(onStop: onStop)
        let parts = NIOLockedValueBox<HandlerParts?>(nil)
        let serverHostname = configuration.tls?.serverHostname ?? configuration.host
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let isIP = (try? SocketAddress(ipAddress: serverHostname, port: 0)) != nil
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: isIP ? nil : serverHostname))
                    }
                    let handler = ClientConnectionHandler(configuration: configuration, connectionState: state, eventLoop: channel.eventLoop)
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
            try await handshake.get()
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
        var encodingError: (any Error)?
        try outbox.append { () -> ClientOutbound in
            guard let callID = state.takeCallID() else {
                return .frames(ByteBuffer())
            }
            let handler = self.handler
            let drained: @Sendable () -> Void = { handler.eventLoop.execute { handler.value.inboxDrained(callID) } }
            let newCall = ClientCall(
                callID: callID, deadline: deadline,
                inbox: MessageInbox(highWatermark: maxBufferedResponseBytes, onDrained: drained),
                outbox: outbox, maxMessageSize: { [state] in state.peerMaxFrameSize })
            var buffer = ByteBuffer()
            Frame.open(callID: callID, Frame.Open(method: method.fullName, timeoutMicroseconds: deadline?.timeoutMicroseconds, metadata: metadata.fields))
                .encode(into: &buffer)
            if let singleRequest {
                do {
                    try ClientCall.encodeMessage(callID: callID, maxSize: state.peerMaxFrameSize, into: &buffer, singleRequest)
                } catch {
                    encodingError = error
                    return .frames(ByteBuffer())
                }
                Frame.halfClose(callID: callID).encode(into: &buffer)
            }
            call = newCall
            return .open(newCall, buffer)
        }
        if let encodingError { throw encodingError }
        guard let call else { throw RPCError.unavailable("the connection takes no more calls") }
        return call
    }

    func close() async {
        try? await channel.close()
    }
}

