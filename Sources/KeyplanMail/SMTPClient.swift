public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL
import NIOTLS

/// Delivers messages to one ``SMTPRelay``, a connection per message.
///
/// ``send(_:from:to:)`` runs ``SMTPClientStateMachine`` over a NIO channel: replies are parsed and acted on
/// on the channel's event loop, which never waits; the calling task awaits the outcome.
public struct SMTPClient: Sendable {
    public let relay: SMTPRelay
    private let group: any EventLoopGroup
    private let sslContext: NIOSSLContext?
    private let logger: Logger

    /// Checks the relay's settings and, for TLS, reads the trust roots (a file read: make the client once,
    /// off the event loops).
    public init(
        relay: SMTPRelay, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "keyplan.mail")
    ) throws(SMTPError) {
        // The name goes into EHLO as is: a domain or an address literal, nothing that could end the line.
        guard !relay.clientName.isEmpty, relay.clientName.utf8.count <= 255,
            relay.clientName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { throw SMTPError(.invalidRequest, "the client name \(relay.clientName.debugDescription) is not a domain") }
        if let credentials = relay.credentials, (credentials.user + credentials.password).utf8.contains(0) {
            throw SMTPError(.invalidRequest, "the SMTP user or password contains a NUL, which AUTH PLAIN cannot carry")
        }
        guard relay.commandTimeout > .zero else { throw SMTPError(.invalidRequest, "the command timeout must be positive") }
        self.relay = relay
        self.group = eventLoopGroup
        self.logger = logger
        if relay.security == .plain {
            self.sslContext = nil
        } else {
            do {
                var configuration = TLSConfiguration.makeClientConfiguration()
                if let path = relay.trustRootsPath { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path)) }
                self.sslContext = try NIOSSLContext(configuration: configuration)
            } catch {
                throw SMTPError(.invalidRequest, "cannot set up TLS for \(relay): \(error)")
            }
        }
    }

    /// Delivers `message` from `sender` to `recipients` (the envelope: `message`'s To header is not consulted).
    /// Returns when the relay has accepted the message; throws an ``SMTPError`` that says whether to retry.
    public func send(_ message: MailMessage, from sender: MailAddress, to recipients: [MailAddress]) async throws(SMTPError) -> DeliveryReceipt {
        guard !recipients.isEmpty else { throw SMTPError(.invalidRequest, "a delivery needs at least one recipient") }
        let delivery = SMTPClientStateMachine.Delivery(
            clientName: relay.clientName, security: relay.security, credentials: relay.credentials, sender: sender, recipients: recipients,
            message: message.rendered())
        let timeout = TimeAmount(relay.commandTimeout)
        let tls = sslContext.map { SMTPClientHandler.TLS(context: $0, serverHostname: Self.isIPAddress(relay.host) ? nil : relay.host) }
        let implicitTLS = relay.security == .implicitTLS
        var logger = self.logger
        logger[metadataKey: "smtp.relay"] = "\(relay.host):\(relay.port)"

        let connection: (channel: any Channel, outcome: EventLoopFuture<DeliveryReceipt>)
        do {
            connection = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .connect(host: relay.host, port: relay.port) { [logger] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
                        }
                        let handler = SMTPClientHandler(
                            machine: SMTPClientStateMachine(delivery: delivery), tls: tls, timeout: timeout, eventLoop: channel.eventLoop,
                            logger: logger)
                        do {
                            try channel.pipeline.syncOperations.addHandler(handler)
                        } catch {
                            handler.abandon()
                            throw error
                        }
                        return (channel, handler.outcome)
                    }
                }
        } catch {
            throw SMTPError(.connectionFailed, "cannot connect to \(relay.host):\(relay.port): \(error)")
        }
        do {
            return try await withTaskCancellationHandler {
                try await connection.outcome.get()
            } onCancel: {
                connection.channel.close(promise: nil)
            }
        } catch let error as SMTPError {
            logger.debug("SMTP delivery failed", metadata: ["error": "\(error)"])
            throw error
        } catch {
            throw SMTPError(.connectionLost, "\(error)")
        }
    }

    /// A certificate for an IP address is checked against the address, and SNI carries host names only.
    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// Feeds one connection's replies to its ``SMTPClientStateMachine`` and carries out its actions.
final class SMTPClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct TLS: Sendable {
        let context: NIOSSLContext
        let serverHostname: String?
    }

    private var machine: SMTPClientStateMachine
    private var parser = SMTPReplyParser()
    private let tls: TLS?
    private let timeout: TimeAmount
    private let logger: Logger
    private let promise: EventLoopPromise<DeliveryReceipt>
    private var reported = false
    private var timer: Scheduled<Void>?
    /// Set when this handler put TLS on the connection (STARTTLS): only then is a finished handshake an event.
    private var upgradingToTLS = false

    var outcome: EventLoopFuture<DeliveryReceipt> { promise.futureResult }

    init(machine: SMTPClientStateMachine, tls: TLS?, timeout: TimeAmount, eventLoop: any EventLoop, logger: Logger) {
        self.machine = machine
        self.tls = tls
        self.timeout = timeout
        self.logger = logger
        self.promise = eventLoop.makePromise()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armTimer(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        // A connection attempt that lost the race to another address (happy eyeballs) ends here, unreported.
        abandon()
    }

    /// Fails the outcome if nothing was reported: a promise must not be dropped unfulfilled.
    func abandon() {
        report(.failure(SMTPError(.connectionLost, "the connection closed")))
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimer(context)  // for the TLS handshake, if any, and the greeting
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if case .report(let error) = machine.connectionClosed() { report(.failure(error)) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data).readableBytesView)
        while !machine.isFinished {
            let reply: SMTPReply?
            do {
                reply = try parser.next()
            } catch {
                carryOut(machine.failed(.protocolViolation, "the relay sent \(error)"), context)
                return
            }
            guard let reply else { return }
            logger.trace("SMTP reply", metadata: ["reply": "\(reply)"])
            carryOut(machine.replyReceived(reply), context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if upgradingToTLS, let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            upgradingToTLS = false
            switch machine.tlsEstablished() {
            case .send(let bytes): send(bytes, context)
            case .reportAndClose(let error): reportAndClose(error, context)
            case .none: break
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let kind: SMTPError.Kind = error is NIOSSLError || error is BoringSSLError ? .tlsFailed : .connectionLost
        carryOut(machine.failed(kind, "\(error)"), context)
    }

    // MARK: Actions

    private func carryOut(_ action: SMTPClientStateMachine.OnReply, _ context: ChannelHandlerContext) {
        switch action {
        case .send(let bytes):
            send(bytes, context)
        case .startTLS:
            startTLS(context)
        case .report(let result, let quit):
            report(result)
            send(quit, context)
        case .reportAndClose(let error):
            reportAndClose(error, context)
        case .close:
            close(context)
        case .none:
            break
        }
    }

    private func carryOut(_ action: SMTPClientStateMachine.OnFailure, _ context: ChannelHandlerContext) {
        switch action {
        case .reportAndClose(let error): reportAndClose(error, context)
        case .close: close(context)
        case .none: break
        }
    }

    private func startTLS(_ context: ChannelHandlerContext) {
        // Whatever came after the 220 arrived in plain text and must not pass for what the relay says over TLS.
        guard !parser.hasUnreadBytes else {
            carryOut(machine.failed(.protocolViolation, "the relay sent more plain text after agreeing to STARTTLS"), context)
            return
        }
        do {
            guard let tls else { throw SMTPError(.tlsFailed, "no TLS context") }
            try context.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname), position: .first)
            upgradingToTLS = true
            armTimer(context)
        } catch {
            carryOut(machine.failed(.tlsFailed, "cannot start TLS: \(error)"), context)
        }
    }

    private func send(_ bytes: [UInt8], _ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        armTimer(context)
    }

    private func reportAndClose(_ error: SMTPError, _ context: ChannelHandlerContext) {
        report(.failure(error))
        close(context)
    }

    private func close(_ context: ChannelHandlerContext) {
        timer?.cancel()
        context.close(promise: nil)
    }

    private func report(_ result: Result<DeliveryReceipt, SMTPError>) {
        guard !reported else { return }
        reported = true
        switch result {
        case .success(let receipt):
            logger.debug("SMTP relay accepted the message", metadata: ["reply": "\(receipt.reply)"])
            promise.succeed(receipt)
        case .failure(let error):
            promise.fail(error)
        }
    }

    /// Each command's answer is due within the timeout of its sending.
    private func armTimer(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = handler.value
            switch handler.machine.timedOut() {
            case .reportAndClose(let error): handler.reportAndClose(error, context)
            case .close: handler.close(context)
            case .none: break
            }
        }
    }
}
