import KeyplanRPC
import Logging
import NIOCore
import NIOPosix
import Testing

/// A real server on a free loopback port, and clients for it.
struct TestServer {
    let server: RPCServer
    let address: SocketAddress
    let probe: Probe
    let runTask: Task<Void, any Error>

    var port: Int { address.port ?? 0 }

    /// Test timeouts: short, so timeout tests are quick, but generous for the rest.
    static var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.timeouts.shutdownGracePeriod = .seconds(5)
        return configuration
    }

    static func start(
        configuration: ServerConfiguration = TestServer.configuration,
        interceptors: [any ServerInterceptor] = [],
        extraServices: [any RPCService] = []
    ) async throws -> TestServer {
        let probe = Probe()
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        let server = RPCServer(
            configuration: configuration, services: [TestService(probe: probe)] + extraServices,
            interceptors: interceptors, logger: logger)
        let address = try await server.start()
        let runTask = Task { try await server.run() }
        return TestServer(server: server, address: address, probe: probe, runTask: runTask)
    }

    func client(
        configure: (inout ClientConfiguration) -> Void = { _ in },
        interceptors: [any ClientInterceptor] = []
    ) -> RPCClient {
        var configuration = ClientConfiguration(host: address.ipAddress ?? "127.0.0.1", port: port)
        configure(&configuration)
        return RPCClient(configuration: configuration, interceptors: interceptors)
    }

    func stop() async {
        server.beginGracefulShutdown()
        _ = try? await runTask.value
    }
}

/// Runs `body` with a started server and a client, then closes both.
func withServerAndClient(
    configuration: ServerConfiguration = TestServer.configuration,
    interceptors: [any ServerInterceptor] = [],
    clientInterceptors: [any ClientInterceptor] = [],
    _ body: (TestServer, RPCClient) async throws -> Void
) async throws {
    let server = try await TestServer.start(configuration: configuration, interceptors: interceptors)
    let client = server.client(interceptors: clientInterceptors)
    do {
        try await body(server, client)
    } catch {
        await client.close()
        await server.stop()
        throw error
    }
    await client.close()
    await server.stop()
}

/// Checks that a healthy client on the same server still gets answers.
func expectStillServing(_ client: RPCClient) async throws {
    let echoed = try await client.unary(TestMethods.echo, request: TestMessage(number: 1, text: "still here"))
    #expect(echoed.text == "still here")
}
