import ArgumentParser
import Foundation
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `keyplan-server serve`: runs the RPC server and its Prometheus endpoint until SIGTERM/SIGINT.
///
/// Settings come from defaults, then `--config`, then `KEYPLAN_*` environment variables, then
/// flags: a later source wins (``ServerConfiguration/resolve(flags:environment:configFilePath:)``).
/// Without a database URL the server starts (or reuses) the private local cluster.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Keyplan RPC server.",
        discussion: """
            Every flag has an environment variable KEYPLAN_<FLAG> (e.g. KEYPLAN_PORT) and a key in the \
            JSON config file (e.g. "port"); flags beat the environment, which beats the file.
            """
    )

    @Option(help: "A JSON config file. Default: $KEYPLAN_CONFIG, else none.")
    var config: String?

    @Option(help: "The address to listen on. Default: 127.0.0.1.")
    var host: String?

    @Option(help: "The RPC port; 0 picks a free one. Default: 7400.")
    var port: Int?

    @Option(help: "A PEM certificate chain; with --tls-private-key, the server speaks TLS.")
    var tlsCertificate: String?

    @Option(help: "The PEM private key for --tls-certificate.")
    var tlsPrivateKey: String?

    @Option(help: "The largest frame payload accepted, in bytes. Default: 4194304.")
    var maxFrameSize: UInt32?

    @Option(help: "Calls one connection may have open at once. Default: 1000.")
    var maxConcurrentCalls: Int?

    @Option(help: "How long in-flight calls may run after shutdown begins. Default: 30.")
    var shutdownGraceSeconds: Double?

    @Option(help: "The address of the Prometheus /metrics endpoint. Default: 127.0.0.1.")
    var metricsHost: String?

    @Option(help: "The port of the Prometheus /metrics endpoint. Default: 9400.")
    var metricsPort: Int?

    @Option(help: "The server role's database URL or libpq string. Default: $KEYPLAN_DATABASE_URL, else the private local cluster.")
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Default: $KEYPLAN_LOG_LEVEL, else info.")
    var logLevel: String?

    @OptionGroup var project: ProjectOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level = try Self.logLevel(logLevel ?? environment["KEYPLAN_LOG_LEVEL"] ?? "info")
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "keyplan.server")

        let resolved: (server: ServerConfiguration, metrics: ServerConfiguration.MetricsAddress)
        do {
            resolved = try ServerConfiguration.resolve(
                flags: flagOverrides, environment: environment,
                configFilePath: config ?? environment["KEYPLAN_CONFIG"])
        } catch let error as ServerConfiguration.ConfigurationError {
            throw ValidationError(error.message)
        }

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let database = try await openDatabase(environment: environment, logger: logger)
        let keyplan = try KeyplanServices(database: database, logger: logger)
        let server = RPCServer(
            configuration: resolved.server,
            services: keyplan.services,
            interceptors: [LoggingServerInterceptor(), MetricsServerInterceptor()] + keyplan.interceptors,
            logger: logger)
        let metrics = PrometheusEndpoint(registry: registry, host: resolved.metrics.host, port: resolved.metrics.port)

        // Graceful shutdown runs in reverse order: the server drains its calls, then the services'
        // background work ends (the queued audit rows are written), then the database closes.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: database), .init(service: keyplan), .init(service: server), .init(service: metrics)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// The flags, as the highest-precedence source of settings.
    private var flagOverrides: ServerConfiguration.Overrides {
        var overrides = ServerConfiguration.Overrides()
        overrides.host = host
        overrides.port = port
        overrides.tlsCertificate = tlsCertificate
        overrides.tlsPrivateKey = tlsPrivateKey
        overrides.maxFrameSize = maxFrameSize
        overrides.maxConcurrentCalls = maxConcurrentCalls
        overrides.shutdownGraceSeconds = shutdownGraceSeconds
        overrides.metricsHost = metricsHost
        overrides.metricsPort = metricsPort
        return overrides
    }

    /// The database client, once a connection has shown that the database answers, so a bad URL
    /// or password fails at start with one line rather than on the first call.
    private func openDatabase(environment: [String: String], logger: Logger) async throws -> PostgresClient {
        let url: String
        if let given = databaseURL ?? environment["KEYPLAN_DATABASE_URL"] {
            url = given
        } else {
            let local = try await project.localCluster.start()
            logger.info("using the private local database", metadata: ["port": "\(local.port)", "database": "\(local.name)"])
            url = local.appURL
        }
        let configuration = try PostgresConfiguration(connectionString: url)
        try await PostgresClient.withClient(configuration: configuration) { client in
            try await client.query("SELECT 1")
        }
        return PostgresClient(configuration: configuration)
    }

    private static func logLevel(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("unknown log level '\(text)'")
        }
        return level
    }
}
