import Foundation
import KeyplanRPC
import KeyplanWire
import Logging
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@Suite("Operations: TLS, timers")
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
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", key, "-out", certificate,
        ]
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
        let plain = server.client {
            $0.backoff.maxAttempts = 1
            $0.connectTimeout = .seconds(1)
        }
        let error = await #expect(throws: RPCError.self) { try await plain.unary(TestMethods.echo, request: TestMessage()) }
        #expect(error?.code == .unavailable)
        await plain.close()
        await client.close()
        await server.stop()
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

@Suite("Service lifecycle")
struct ServiceLifecycleTests {
    @Test("in a ServiceGroup, a graceful shutdown drains the server, and run returns")
    func serviceGroup() async throws {
        var logger = Logger(label: "test.lifecycle")
        logger.logLevel = .critical
        let probe = Probe()
        let server = RPCServer(configuration: TestServer.configuration, services: [TestService(probe: probe)], logger: logger)
        let address = try await server.start()
        let group = ServiceGroup(services: [server], logger: logger)
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
