import Foundation
import KeyplanMail
import KeyplanRPC
import KeyplanServer
import KeyplanWire
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import Testing

@testable import keyplan_server

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
        _ = try await client.unary(ServerHealth.check, request: ServerHealth.Request())
        let body = try await httpGet(port: metricsAddress.port ?? 0, path: "/metrics")
        #expect(body.contains(#"rpc_server_calls_total{method="keyplan.ServerHealth/Check",code="OK"} 1"#))
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

    @Test("configuration: webhooks reach private addresses only where the operator allows it")
    func webhookAddressSetting() throws {
        #expect(try ServerConfiguration.resolve(flags: .init(), environment: [:], configFilePath: nil).metrics.webhookAllowPrivateAddresses == false)
        let fromEnvironment = try ServerConfiguration.resolve(
            flags: .init(), environment: ["KEYPLAN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"], configFilePath: nil)
        #expect(fromEnvironment.metrics.webhookAllowPrivateAddresses)
        var flags = ServerConfiguration.Overrides()
        flags.webhookAllowPrivateAddresses = false
        let overridden = try ServerConfiguration.resolve(
            flags: flags, environment: ["KEYPLAN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"], configFilePath: nil)
        #expect(overridden.metrics.webhookAllowPrivateAddresses == false)
        #expect(throws: ServerConfiguration.ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: .init(), environment: ["KEYPLAN_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "yes"], configFilePath: nil)
        }
    }

    @Test("configuration: mail needs a relay and a sender; the password may come from a file; bad settings say what to do")
    func mailSettings() throws {
        func mail(_ environment: [String: String], flags: ServerConfiguration.Overrides = .init()) throws -> MailConfiguration? {
            try ServerConfiguration.resolveMail(flags: flags, environment: environment, configFilePath: nil)
        }
        #expect(try mail([:]) == nil, "no relay, no mail")
        let configured = try #require(
            try mail([
                "KEYPLAN_SMTP_URL": "smtps://mailer:s3cret@smtp.acme.example", "KEYPLAN_MAIL_FROM": "Acme Plans <plans@acme.example>",
                "KEYPLAN_PORTAL_URL": "https://plans.acme.example/", "KEYPLAN_MAIL_MAX_ATTEMPTS": "5",
            ]))
        #expect(configured.relay.host == "smtp.acme.example" && configured.relay.port == 465 && configured.relay.security == .implicitTLS)
        #expect(configured.relay.credentials?.password == "s3cret" && !"\(configured.relay)".contains("s3cret"), "never shown")
        #expect(configured.from.address == "plans@acme.example" && configured.from.displayName == "Acme Plans")
        #expect(configured.portalURL?.absoluteString == "https://plans.acme.example/")
        #expect(configured.delivery.maxAttempts == 5 && configured.delivery.maxRefusals == 3)

        // The password from a file (its trailing newline dropped), with a flag beating the environment.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let passwordFile = folder.appendingPathComponent("password").path
        try "pä ss:word@1\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        var flags = ServerConfiguration.Overrides()
        flags.smtpPasswordFile = passwordFile
        flags.mailFrom = "plans@acme.example"
        let fromFile = try #require(
            try mail(["KEYPLAN_SMTP_URL": "smtp+starttls://mailer@smtp.acme.example:587", "KEYPLAN_MAIL_FROM": "x@y.example"], flags: flags))
        #expect(fromFile.relay.credentials == .init(user: "mailer", password: "pä ss:word@1") && fromFile.relay.security == .startTLS)
        #expect(fromFile.from.address == "plans@acme.example" && fromFile.portalURL == nil)

        for (environment, expected) in [
            (["KEYPLAN_MAIL_FROM": "plans@acme.example"], "no SMTP relay: set --smtp-url"),
            (["KEYPLAN_SMTP_URL": "smtp://smtp.acme.example"], "mail needs a sender: set --mail-from"),
            (["KEYPLAN_SMTP_URL": "smtp://smtp.acme.example", "KEYPLAN_MAIL_FROM": "not an address"], "--mail-from: invalid email address"),
            (
                ["KEYPLAN_SMTP_URL": "http://smtp.acme.example", "KEYPLAN_MAIL_FROM": "plans@acme.example"],
                "is not an smtp://, smtps:// or smtp+starttls:// URL"
            ),
            (["KEYPLAN_SMTP_URL": "smtp://u:p@smtp.acme.example", "KEYPLAN_MAIL_FROM": "plans@acme.example"], "would travel as plain text"),
            (
                [
                    "KEYPLAN_SMTP_URL": "smtp://smtp.acme.example", "KEYPLAN_MAIL_FROM": "plans@acme.example",
                    "KEYPLAN_PORTAL_URL": "plans.acme.example",
                ],
                "is not an http(s) address"
            ),
            (
                ["KEYPLAN_SMTP_URL": "smtp://smtp.acme.example", "KEYPLAN_MAIL_FROM": "plans@acme.example", "KEYPLAN_MAIL_POLL_SECONDS": "0"],
                "must be positive"
            ),
        ] {
            #expect {
                _ = try mail(environment)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
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
        #expect(throws: ServerConfiguration.ConfigurationError(message: "maxFrameSize must be at least 16384, the protocol's minimum")) {
            try ServerConfiguration.resolve(flags: .init(), environment: ["KEYPLAN_MAX_FRAME_SIZE": "64"], configFilePath: nil)
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
