public import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import KeyplanRPC
public import Logging
public import NIOCore
import NIOPosix
import NIOSSL
public import ServiceLifecycle
import Synchronization

/// The HTTP side of a Keyplan server, on its own port: the Connect gateway onto the RPC server's handlers,
/// the web portal at `/`, and the gateway's OpenAPI document at `/openapi.json`.
///
/// A swift-service-lifecycle `Service` (Hummingbird's application underneath): run it in the server's
/// `ServiceGroup`, and a graceful shutdown stops it accepting and lets requests in flight finish.
public final class GatewayServer: Service, Sendable {
    private let configuration: GatewayConfiguration
    private let dispatcher: GatewayDispatcher
    private let openAPI: ByteBuffer
    private let logger: Logger
    private let address = Mutex<(bound: SocketAddress?, waiters: [CheckedContinuation<SocketAddress?, Never>], stopped: Bool)>(
        (nil, [], false))

    /// - Parameters:
    ///   - rpcServer: the server whose handlers, interceptors and limits calls reach.
    ///   - openAPI: the gateway's OpenAPI document, served as it is.
    public init(configuration: GatewayConfiguration, rpcServer: RPCServer, openAPI: Data, logger: Logger = Logger(label: "keyplan.http")) {
        self.configuration = configuration
        self.dispatcher = rpcServer.gateway
        self.openAPI = ByteBuffer(bytes: openAPI)
        self.logger = logger
    }

    /// The address it listens on once running (useful with port 0); `nil` if it stopped without listening.
    public func boundAddress() async -> SocketAddress? {
        await withCheckedContinuation { continuation in
            let known: SocketAddress?? = address.withLock { state in
                if let bound = state.bound { return .some(bound) }
                if state.stopped { return .some(nil) }
                state.waiters.append(continuation)
                return .none
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    public func run() async throws {
        defer { settleAddress(nil, stopped: true) }
        let tls = try await makeTLSConfiguration()
        let router = Router(context: GatewayRequestContext.self)
        router.addMiddleware { SecurityHeaders(tls: tls != nil) }
        let session = SessionCookie(secure: tls != nil)
        let openCalls = OpenCalls()
        let connect = ConnectHandler(dispatcher: dispatcher, limits: configuration.limits, session: session, openCalls: openCalls)
        router.post(":service/:method") { request, context in await connect.post(request, context: context) }
        router.get(":service/:method") { request, context in await connect.get(request, context: context) }
        let openAPI = self.openAPI
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: openAPI))
        }
        Portal(dispatcher: dispatcher, session: session, limits: configuration.limits).register(on: router)
        UnsubscribePage(dispatcher: dispatcher, limits: configuration.limits).register(on: router)

        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionClosedHandler(openCalls: openCalls)], idleTimeout: TimeAmount(configuration.limits.idleTimeout))
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(configuration: http), tlsConfiguration: $0) } ?? .http1(configuration: http)
        let application = Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Keyplan",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.limits.maxConnections, logger: logger)),
            onServerRunning: { [weak self] channel in
                self?.settleAddress(channel.localAddress, stopped: false)
            },
            logger: logger)
        // Hummingbird's shutdown waits for every request in flight; a watch would hold it for good.
        try await withGracefulShutdownHandler {
            try await application.run()
        } onGracefulShutdown: {
            openCalls.shutDown()
        }
    }

    private func settleAddress(_ bound: SocketAddress?, stopped: Bool) {
        if let bound {
            let scheme = configuration.tls == nil ? "http" : "https"
            logger.info(
                "serving the portal and the HTTP/JSON gateway",
                metadata: ["url": "\(scheme)://\(configuration.host):\(bound.port ?? configuration.port)/"])
        }
        let waiters = address.withLock { state in
            if let bound { state.bound = bound }
            if stopped { state.stopped = true }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        let answer = address.withLock { $0.bound }
        for waiter in waiters { waiter.resume(returning: answer) }
    }

    private func makeTLSConfiguration() async throws -> TLSConfiguration? {
        try await configuration.tls?.loadServerConfiguration()
    }
}
