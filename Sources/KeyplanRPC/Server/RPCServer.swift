public import Logging
import Metrics
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
public import NIOSSL
public import ServiceLifecycle

/// A Keyplan RPC server: a SwiftNIO TCP listener (TLS optional) answering the registered services.
///
/// It is a swift-service-lifecycle `Service`: run it in a `ServiceGroup` and a graceful shutdown
/// (e.g. on SIGTERM) stops accepting connections, sends GOAWAY on each, lets in-flight calls
/// finish within ``ServerConfiguration/Timeouts/shutdownGracePeriod``, then closes what is left.
/// Every server also answers `keyplan.ServerHealth/Check` and `keyplan.Reflection/ListMethods`.
public final class RPCServer: Service, Sendable {
    private enum Phase {
        case idle
        case listening(any Channel)
        case shuttingDown
        case stopped
    }

    let configuration: ServerConfiguration
    let router: RPCRouter
    let interceptors: [any ServerInterceptor]
    let logger: Logger
    private let group: any EventLoopGroup
    private let phase = NIOLockedValueBox(Phase.idle)
    private let connections = NIOLockedValueBox([ObjectIdentifier: any Channel]())
    /// This server's connection handlers still alive: a closed connection leaves none.
    let connectionHandlers = LiveObjects()
    private let shutdownRequested: EventLoopPromise<Void>
    private let shuttingDown: NIOLockedValueBox<Bool>
    private let openConnections = Gauge(label: "rpc_server_open_connections")
    private let refusedConnections = Counter(label: "rpc_server_refused_connections_total")

    /// - Parameters:
    ///   - services: the services to answer, besides health and reflection.
    ///   - interceptors: run around every handler, the first outermost.
    public init(
        configuration: ServerConfiguration,
        services: [any RPCService],
        interceptors: [any ServerInterceptor] = [],
        logger: Logger = Logger(label: "keyplan.rpc.server"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        let shuttingDown = NIOLockedValueBox(false)
        var router = RPCRouter()
        for service in services { router.register(service) }
        router.register(ServerHealthService(services: router.serviceNames, shuttingDown: shuttingDown))
        router.register(ReflectionService(catalog: router.catalog + ReflectionService.ownCatalog))
        self.shuttingDown = shuttingDown
        self.configuration = configuration
        self.router = router
        self.interceptors = interceptors
        self.logger = logger
        self.group = eventLoopGroup
        self.shutdownRequested = eventLoopGroup.any().makePromise()
    }

    // A server dropped without running (e.g. its `start()` failed on a busy port) must still
    // complete its promise: NIO traps on a promise leaked unfulfilled.
    deinit {
        shutdownRequested.succeed()
    }

    /// Binds the listener and returns its address (useful with port 0). Idempotent.
    @discardableResult
    public func start() async throws -> SocketAddress {
        if case .listening(let channel) = phase.withLockedValue({ $0 }), let address = channel.localAddress {
            return address
        }
        let sslContext = try await makeSSLContext()
        let configuration = self.configuration
        let router = self.router
        let interceptors = self.interceptors
        let logger = self.logger
        let connections = self.connections
        let openConnections = self.openConnections
        let refusedConnections = self.refusedConnections
        let connectionHandlers = self.connectionHandlers
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: configuration.transport.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.maxMessagesPerRead, value: configuration.transport.acceptsPerLoopTick)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.setCloseOnExec() }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // First: until it is set, a child process started elsewhere in the process keeps the connection open.
                    try channel.setCloseOnExec()
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    let id = ObjectIdentifier(channel)
                    let maxConnections = configuration.limits.maxConnections
                    let admitted: Int? = connections.withLockedValue { open in
                        guard open.count < maxConnections else { return nil }
                        open[id] = channel
                        return open.count
                    }
                    guard let count = admitted else {
                        logger.debug("refusing a connection: too many open", metadata: ["limit": "\(maxConnections)"])
                        refusedConnections.increment()
                        try channel.pipeline.syncOperations.addHandler(
                            ConnectionRefusalHandler(
                                message: "the server has too many connections (limit \(maxConnections))",
                                timeout: TimeAmount(configuration.timeouts.handshake)))
                        return
                    }
                    openConnections.record(count)
                    try channel.pipeline.syncOperations.addHandler(
                        ServerConnectionHandler(
                            configuration: configuration, router: router, interceptors: interceptors,
                            logger: logger, eventLoop: channel.eventLoop, live: connectionHandlers))
                    channel.closeFuture.whenComplete { _ in
                        openConnections.record(
                            connections.withLockedValue { open in
                                open[id] = nil
                                return open.count
                            })
                    }
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let stillWanted = phase.withLockedValue { phase -> Bool in
            guard case .idle = phase else { return false }
            phase = .listening(channel)
            return true
        }
        guard stillWanted else {
            try? await channel.close()
            throw RPCError.unavailable("the server is shutting down")
        }
        logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "tls": "\(sslContext != nil)"])
        if let address = channel.localAddress { return address }
        return try SocketAddress(ipAddress: configuration.host, port: configuration.port)
    }

    /// Serves until a graceful shutdown (from the service group or ``beginGracefulShutdown()``),
    /// then drains. Cancelling the task shuts down with no grace period.
    public func run() async throws {
        try await start()
        let cancelled = NIOLockedValueBox(false)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await shutdownRequested.futureResult.get()
            } onGracefulShutdown: {
                self.beginGracefulShutdown()
            }
        } onCancel: {
            cancelled.withLockedValue { $0 = true }
            self.beginGracefulShutdown()
        }
        await drain(gracePeriod: cancelled.withLockedValue { $0 } ? .zero : configuration.timeouts.shutdownGracePeriod)
    }

    /// Asks ``run()`` to stop accepting and drain. Safe to call more than once.
    public func beginGracefulShutdown() {
        shutdownRequested.succeed()
    }

    private func drain(gracePeriod: Duration) async {
        shuttingDown.withLockedValue { $0 = true }
        let listener: (any Channel)? = phase.withLockedValue { phase in
            defer { phase = .shuttingDown }
            if case .listening(let channel) = phase { return channel }
            return nil
        }
        try? await listener?.close()
        let open = connections.withLockedValue { Array($0.values) }
        logger.info("shutting down", metadata: ["connections": "\(open.count)", "grace": "\(gracePeriod)"])
        for channel in open {
            channel.triggerUserOutboundEvent(ServerConnectionHandler.GracefulShutdownEvent(), promise: nil)
        }
        let eventLoop = group.any()
        let allClosed = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: eventLoop)
        let deadline = eventLoop.scheduleTask(in: TimeAmount(gracePeriod)) {
            for channel in open {
                // The handler ends the calls still open with UNAVAILABLE, then closes; the close after it is
                // a backstop, and a no-op on a connection already closed.
                channel.triggerUserOutboundEvent(ServerConnectionHandler.GracePeriodEndedEvent(), promise: nil)
                channel.close(promise: nil)
            }
        }
        try? await allClosed.get()
        deadline.cancel()
        phase.withLockedValue { $0 = .stopped }
        logger.info("stopped")
    }

    private func makeSSLContext() async throws -> NIOSSLContext? {
        guard let tls = configuration.tls else { return nil }
        return try NIOSSLContext(configuration: await tls.loadServerConfiguration())
    }
}

extension ServerConfiguration.TLS {
    /// The server-side TLS configuration of this certificate chain and key, for every listener of the server
    /// (the RPC port and the HTTP port). Reading the PEM files is file I/O: it runs on NIO's thread pool, off
    /// the event loops and the cooperative pool.
    public func loadServerConfiguration() async throws -> TLSConfiguration {
        let (chainPath, keyPath) = (certificateChainPath, privateKeyPath)
        return try await NIOThreadPool.singleton.runIfActive {
            let chain = try NIOSSLCertificate.fromPEMFile(chainPath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        }
    }
}
