import ArgumentParser
import Foundation
import KeyplanGateway
import KeyplanLocalDatabase
import KeyplanMail
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import Logging
import Metrics
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals

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

    @Option(help: "The HTTP port: the web portal at /, the Connect JSON gateway, /openapi.json (same host and TLS as the RPC port). Default: 7480.")
    var httpPort: Int?

    @Option(
        help:
            "The SMTP relay for mail: smtp://host:port, smtps://user:password@host, smtp+starttls://user:password@host:587. Default: none (no mail).")
    var smtpUrl: String?

    @Option(help: "A file holding the SMTP password, for an --smtp-url that names only the user.")
    var smtpPasswordFile: String?

    @Option(help: "PEM certificates to trust for the relay's TLS, instead of the system's.")
    var smtpTrustRoots: String?

    @Option(help: "The sender of every mail, e.g. \"Acme Plans <plans@acme.example>\".")
    var mailFrom: String?

    @Option(help: "A Reply-To for every mail.")
    var mailReplyTo: String?

    @Option(help: "The portal's public address, which links in mails point to, e.g. https://plans.acme.example.")
    var portalUrl: String?
    @Flag(help: "Let webhooks reach loopback and private addresses and use plain http (development, tests). Default: refused.")
    var webhookAllowPrivateAddresses = false

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

        let mailConfiguration: MailConfiguration?
        do {
            mailConfiguration = try await NIOThreadPool.singleton.runIfActive { [flagOverrides, config] in
                try ServerConfiguration.resolveMail(
                    flags: flagOverrides, environment: environment, configFilePath: config ?? environment["KEYPLAN_CONFIG"])
            }
        } catch let error as ServerConfiguration.ConfigurationError {
            throw ValidationError(error.message)
        }
        var mail: OutgoingMail?
        if let mailConfiguration { mail = try await OutgoingMail.make(mailConfiguration, logger: logger) }
        if let mail {
            logger.info("mail goes through \(mail.configuration.relay) from \(mail.configuration.from.address)")
        } else {
            logger.info("no mail relay (--smtp-url): invitations hand their token to the inviter, notifications are not mailed")
        }

        let database = try await openDatabase(environment: environment, logger: logger)
        let keyplan = try KeyplanServices(
            database: database, mail: mail, webhooks: WebhookConfiguration(allowPrivateAddresses: resolved.metrics.webhookAllowPrivateAddresses),
            logger: logger)
        let server = RPCServer(
            configuration: resolved.server,
            services: keyplan.services,
            interceptors: [LoggingServerInterceptor(), MetricsServerInterceptor()] + keyplan.interceptors,
            logger: logger)
        let metrics = PrometheusEndpoint(registry: registry, host: resolved.metrics.host, port: resolved.metrics.port)
        let http = GatewayServer(
            configuration: GatewayConfiguration(host: resolved.server.host, port: resolved.metrics.httpPort, tls: resolved.server.tls),
            rpcServer: server, openAPI: try APICatalogue(server: server).openAPI(), logger: logger)

        // Graceful shutdown runs in reverse order: the server drains its calls, then the services'
        // background work ends (the queued audit rows are written), then the database closes.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: database), .init(service: keyplan), .init(service: server), .init(service: http), .init(service: metrics),
                ],
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
        overrides.httpPort = httpPort
        overrides.smtpURL = smtpUrl
        overrides.smtpPasswordFile = smtpPasswordFile
        overrides.smtpTrustRoots = smtpTrustRoots
        overrides.mailFrom = mailFrom
        overrides.mailReplyTo = mailReplyTo
        overrides.portalURL = portalUrl
        if webhookAllowPrivateAddresses { overrides.webhookAllowPrivateAddresses = true }
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
