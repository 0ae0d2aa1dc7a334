import Foundation
@testable import keyplan_server
import KeyplanRPC
import KeyplanWire
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import Testing

@Suite("The server's operations: metrics endpoint, configuration sources")
struct ServerOperationsTests {
    @Test("the Prometheus endpoint serves call metrics on its own port, and a graceful shutdown stops it with the server")
    func prometheus() async throws {
        var logger = Logger(label: "test.operations")
        logger.logLevel = .critical
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let server = RPCServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: [],
            interceptors: [MetricsServerInterceptor(factory: factory)], logger: logger)
        let endpoint = PrometheusEndpoint(registry: registry, port: 0, logger: logger)
        let address = try await server.start()
        let metricsAddress = try await endpoint.start()
        let group = ServiceGroup(services: [server, endpoint], logger: logger)
        let running = Task { try await group.run() }
        let client = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        _ = try await client.unary(Health.check, request: Health.Request())
        let body = try await httpGet(port: metricsAddress.port ?? 0, path: "/metrics")
        #expect(body.contains(#"rpc_server_calls_total{method="keyplan.Health/Check",code="OK"} 1"#))
        #expect(body.contains("rpc_server_call_duration_seconds"))
        await client.close()
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test("configuration: flags beat environment, which beats the config file, which beats defaults")
    func configurationPrecedence() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-config-\(UUID().uuidString).json")
        try Data(#"{"host": "0.0.0.0", "port": 7001, "maxConcurrentCalls": 50, "metricsPort": 9001, "idleTimeoutSeconds": 60}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var flags = ServerConfiguration.Overrides()
        flags.port = 7003
        let resolved = try await ServerConfiguration.load(
            flags: flags, environment: ["KEYPLAN_PORT": "7002", "KEYPLAN_MAX_CONCURRENT_CALLS": "70", "UNRELATED": "x"],
            configFilePath: file.path)
        #expect(resolved.server.host == "0.0.0.0")  // file
        #expect(resolved.server.port == 7003)  // flag over env over file
        #expect(resolved.server.limits.maxConcurrentCallsPerConnection == 70)  // env over file
        #expect(resolved.server.timeouts.idle == .seconds(60))  // file
        #expect(resolved.server.limits.maxFrameSize == FrameParser.defaultMaxFrameSize)  // default
        #expect(resolved.metrics.port == 9001)
    }

    @Test("configuration errors name the bad value")
    func configurationErrors() {
        #expect(throws: ServerConfiguration.ConfigurationError(message: "KEYPLAN_PORT=eighty is not a valid Int")) {
            try ServerConfiguration.resolve(flags: .init(), environment: ["KEYPLAN_PORT": "eighty"], configFilePath: nil)
        }
        #expect(throws: ServerConfiguration.ConfigurationError(message: "TLS needs both a certificate and a private key")) {
            try ServerConfiguration.resolve(flags: .init(), environment: ["KEYPLAN_TLS_CERTIFICATE": "/c.pem"], configFilePath: nil)
        }
        #expect(throws: ServerConfiguration.ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: .init(), environment: [:], configFilePath: "/nonexistent/keyplan.json")
        }
    }
}

/// A minimal HTTP/1.1 GET over a raw connection, returning the whole response.
func httpGet(port: Int, path: String) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
        var response = ""
        for try await chunk in inbound { response += String(buffer: chunk) }
        return response
    }
}
