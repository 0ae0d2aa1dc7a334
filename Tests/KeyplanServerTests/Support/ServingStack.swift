import Foundation
import KeyplanPostgres
import KeyplanRPC
@testable import KeyplanServer
import Logging

/// What `keyplan-server serve` runs, in one test process: a database client, Keyplan's services
/// and an RPC server on a free loopback port, each doing its background work (in tasks here, in a
/// `ServiceGroup` there) and stopped in the same order: the server drains, then the services'
/// background work ends (queued audit rows written), then the database client closes.
struct ServingStack: Sendable {
    let client: PostgresClient
    let services: KeyplanServices
    let server: RPCServer
    let port: Int
    private let clientTask: Task<Void, Never>
    private let servicesTask: Task<Void, any Error>
    private let serverTask: Task<Void, any Error>

    static func start(
        databaseURL: String, configuration: IdentityConfiguration, tls: TestCertificate? = nil,
        logger: Logger = Logger(label: "test.keyplan"), interceptors: [any ServerInterceptor] = []
    ) async throws -> ServingStack {
        let client = PostgresClient(configuration: try PostgresConfiguration(connectionString: databaseURL))
        let clientTask = Task { await client.run() }
        let services: KeyplanServices
        do {
            services = try KeyplanServices(database: client, configuration: configuration, logger: logger)
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
        return ServingStack(
            client: client, services: services, server: server, port: address.port ?? 0,
            clientTask: clientTask, servicesTask: servicesTask, serverTask: serverTask)
    }

    func stop() async {
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
