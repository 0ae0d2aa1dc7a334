import Foundation
import KeyplanRPC
import KeyplanWire
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import Testing

@Suite("Operations: TLS, metrics, configuration, timers")
struct OperationsTests {
    @Test("TLS: a client that trusts the server's certificate makes calls over TLS")
    func tls() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                             "-keyout", key, "-out", certificate]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)

        var configuration = TestServer.configuration
        configuration.tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        let server = try await TestServer.start(configuration: configuration)
        let client = server.client { $0.tls = .init(trustRootsPath: certificate, serverHostname: "localhost") }
        let echoed = try await client.unary(TestMethods.echo, request: TestMessage(text: "secret"))
        #expect(echoed.text == "secret")
        let plain = server.client { $0.backoff.maxAttempts = 1; $0.connectTimeout = .seconds(1) }
        let error = await #expect(throws: RPCError.self) { try await plain.unary(TestMethods.echo, request: TestMessage()) }
        #expect(error?.code == .unavailable)
        await plain.close()
        await client.close()
        await server.stop()
    }

    @Test("the Prometheus endpoint serves call metrics on its own port")
    func prometheus() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let endpoint = PrometheusEndpoint(registry: registry, port: 0)
        let address = try await endpoint.start()
        let endpointTask = Task { try await endpoint.run() }
        try await withServerAndClient(interceptors: [MetricsServerInterceptor(factory: factory)]) { _, client in
            _ = try await client.unary(TestMethods.echo, request: TestMessage())
            _ = try? await client.unary(TestMethods.fail, request: TestMessage(number: 5, text: "nope"))
        }
        let body = try await httpGet(port: address.port ?? 0, path: "/metrics")
        #expect(body.contains(#"rpc_server_calls_total{method="keyplan.test.TestService/Echo",code="OK"} 1"#))
        #expect(body.contains(#"rpc_server_calls_total{method="keyplan.test.TestService/Fail",code="NOT_FOUND"} 1"#))
        #expect(body.contains("rpc_server_call_duration_seconds"))
        endpointTask.cancel()
        _ = try? await endpointTask.value
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

    @Test("a peer that does not answer keepalive pings is closed")
    func keepalive() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.keepaliveInterval = .milliseconds(100)
        // Long enough for a real client on a busy machine (other suites share the event loops).
        configuration.timeouts.keepaliveTimeout = .seconds(1)
        try await withServerAndClient(configuration: configuration) { server, client in
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(RawConnection.preface)
            #expect(closed)
            #expect(frames.contains { if case .ping = $0 { true } else { false } })
            // A real client answers pings and stays connected across several intervals.
            _ = try await client.unary(TestMethods.echo, request: TestMessage())
            try await Task.sleep(for: .milliseconds(1500))
            let answer = try await client.unary(TestMethods.echo, request: TestMessage(text: "alive"))
            #expect(answer.text == "alive")
        }
    }

    @Test("an idle connection gets GOAWAY and is closed")
    func idle() async throws {
        var configuration = TestServer.configuration
        configuration.timeouts.idle = .milliseconds(150)
        try await withServerAndClient(configuration: configuration) { server, _ in
            let raw = try await RawConnection.connect(port: server.port)
            let (frames, closed) = try await raw.exchange(RawConnection.preface + Array(buffer: Frame.pong(1).encoded()))
            #expect(closed)
            guard case .goAway(let goAway)? = frames.last else {
                Issue.record("expected GOAWAY, got \(frames)")
                return
            }
            #expect(goAway.code == .ok)
            #expect(goAway.message.contains("idle"))
        }
    }
}

/// A minimal HTTP/1.0 GET over a raw connection, returning the whole response.
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

@Suite("Service lifecycle")
struct ServiceLifecycleTests {
    @Test("in a ServiceGroup, a graceful shutdown drains the server and the metrics endpoint, and run returns")
    func serviceGroup() async throws {
        var logger = Logger(label: "test.lifecycle")
        logger.logLevel = .critical
        let probe = Probe()
        let server = RPCServer(configuration: TestServer.configuration, services: [TestService(probe: probe)], logger: logger)
        let endpoint = PrometheusEndpoint(registry: PrometheusCollectorRegistry(), port: 0, logger: logger)
        let address = try await server.start()
        let group = ServiceGroup(services: [server, endpoint], logger: logger)
        let running = Task { try await group.run() }
        let client = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        let inFlight = Task { try await client.unary(TestMethods.sleep, request: TestMessage(number: 200, text: "lifecycle")) }
        #expect(await probe.waitUntil { $0.started.contains("lifecycle") })
        await group.triggerGracefulShutdown()
        #expect(try await inFlight.value.text == "lifecycle")
        try await running.value
        await client.close()
    }
}
