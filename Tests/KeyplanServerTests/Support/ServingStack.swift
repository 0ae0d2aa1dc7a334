import Foundation
import KeyplanGateway
import KeyplanPostgres
import KeyplanRPC
import KeyplanTestSupport
import Logging
import NIOCore
import ServiceLifecycle

@testable import KeyplanServer

/// What `keyplan-server serve` runs, in one test process: a database client, Keyplan's services,
/// an RPC server and its HTTP side (gateway and portal) on free loopback ports, each doing its
/// background work (in tasks here, in a `ServiceGroup` there) and stopped in the same order: the
/// servers drain, then the services' background work ends (queued audit rows written), then the
/// database client closes.
struct ServingStack: Sendable {
    let client: PostgresClient
    let services: KeyplanServices
    let server: RPCServer
    let port: Int
    /// The HTTP port: the Connect gateway and the portal.
    let httpPort: Int
    /// The HTTP side runs in a service group of its own, so that stopping it is a graceful shutdown, as in `serve`.
    private let httpGroup: ServiceGroup
    private let httpTask: Task<Void, any Error>
    private let clientTask: Task<Void, Never>
    private let servicesTask: Task<Void, any Error>
    private let serverTask: Task<Void, any Error>

    static func start(
        databaseURL: String, configuration: IdentityConfiguration, tls: TestCertificate? = nil,
        logger: Logger = Logger(label: "test.keyplan"), interceptors: [any ServerInterceptor] = [],
        gatewayLimits: GatewayConfiguration.Limits = GatewayConfiguration.Limits(), webhooks: WebhookConfiguration = .defaults,
        mail: OutgoingMail? = nil
    ) async throws -> ServingStack {
        let client = PostgresClient(configuration: try PostgresConfiguration(connectionString: databaseURL))
        let clientTask = Task { await client.run() }
        let services: KeyplanServices
        do {
            services = try KeyplanServices(database: client, configuration: configuration, mail: mail, webhooks: webhooks, logger: logger)
        } catch {
            clientTask.cancel()
            await clientTask.value
            throw error
        }
        let servicesTask = Task { try await services.run() }
        var serverConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0)
        serverConfiguration.timeouts.shutdownGracePeriod = .seconds(5)
        serverConfiguration.tls = tls.map { .init(certificateChainPath: $0.certificate, privateKeyPath: $0.key) }
        let server = RPCServer(
            configuration: serverConfiguration, services: services.services, interceptors: interceptors + services.interceptors, logger: logger)
        let address = try await server.start()
        let serverTask = Task { try await server.run() }
        let http = GatewayServer(
            configuration: GatewayConfiguration(host: "127.0.0.1", port: 0, tls: serverConfiguration.tls, limits: gatewayLimits),
            rpcServer: server, openAPI: try APICatalogue(server: server).openAPI(), logger: logger)
        let httpGroup = ServiceGroup(configuration: .init(services: [.init(service: http)], logger: logger))
        let httpTask = Task { try await httpGroup.run() }
        let httpAddress = await http.boundAddress()
        return ServingStack(
            client: client, services: services, server: server, port: address.port ?? 0, httpPort: httpAddress?.port ?? 0,
            httpGroup: httpGroup, httpTask: httpTask, clientTask: clientTask, servicesTask: servicesTask, serverTask: serverTask)
    }

    func stop() async {
        await httpGroup.triggerGracefulShutdown()
        _ = try? await httpTask.value
        server.beginGracefulShutdown()
        _ = try? await serverTask.value
        servicesTask.cancel()
        _ = try? await servicesTask.value
        clientTask.cancel()
        await clientTask.value
    }
}

/// A database client whose background work runs until ``stop()``, for a fixture that opens one
/// of its own (a second connection pool, an owner's connection).
struct RunningClient: Sendable {
    let client: PostgresClient
    private let task: Task<Void, Never>

    init(url: String) throws {
        let client = PostgresClient(configuration: try PostgresConfiguration(connectionString: url))
        self.client = client
        self.task = Task { await client.run() }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}
