import KeyplanRPC
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Serves a Prometheus registry as `GET /metrics` on its own HTTP port, apart from the RPC port.
///
/// Bootstrap swift-metrics with `PrometheusMetricsFactory(registry:)` on the same registry, so
/// everything recorded through swift-metrics (e.g. by ``MetricsServerInterceptor``) shows here.
final class PrometheusEndpoint: Service, Sendable {
    private let registry: PrometheusCollectorRegistry
    private let host: String
    private let port: Int
    private let group: any EventLoopGroup
    private let logger: Logger
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    /// - Parameters: host and port default to `127.0.0.1:9400`.
    public init(
        registry: PrometheusCollectorRegistry, host: String = "127.0.0.1", port: Int = 9400,
        logger: Logger = Logger(label: "keyplan.metrics"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
        self.group = eventLoopGroup
    }

    /// Binds and returns the address (useful with port 0). Idempotent.
    @discardableResult
    public func start() async throws -> SocketAddress {
        if let existing = channel.withLockedValue({ $0 }), let address = existing.localAddress { return address }
        let registry = self.registry
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry))
                }
            }
            .bind(host: host, port: port)
            .get()
        channel.withLockedValue { $0 = bound }
        logger.info("serving metrics", metadata: ["address": "\(bound.localAddress.map { "\($0)" } ?? "?")"])
        guard let address = bound.localAddress else { throw RPCError(code: .unavailable, message: "metrics endpoint has no address") }
        return address
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        try await start()
        guard let bound = channel.withLockedValue({ $0 }) else { return }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await bound.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            bound.close(promise: nil)
        }
    }
}

/// Answers `GET /metrics` with the registry's text exposition; anything else with 404.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private var requestHead: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead = head
        case .body:
            break
        case .end:
            guard let head = requestHead else { return }
            requestHead = nil
            let found = head.method == .GET && head.uri.split(separator: "?").first == "/metrics"
            var body = context.channel.allocator.buffer(capacity: 4096)
            if found {
                body.writeBytes(registry.emitToBuffer())
            } else {
                body.writeString("not found\n")
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: found ? .ok : .notFound, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let keepAlive = head.isKeepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [context = NIOLoopBound(context, eventLoop: context.eventLoop)] _ in
                if !keepAlive { context.value.close(promise: nil) }
            }
        }
    }
}
