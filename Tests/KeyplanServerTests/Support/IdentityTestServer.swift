import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanTestSupport
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import Testing

@testable import KeyplanServer

/// The package's folder, found from this file's path.
let packageDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The test run's private cluster (`.keyplan/pg-test`), started on first use.
let testCluster = LocalCluster(configuration: .testing(projectDirectory: packageDirectory))

/// Identity settings for tests: cheap password hashing, a tight throttle.
func testIdentityConfiguration(_ change: (inout IdentityConfiguration) -> Void = { _ in }) -> IdentityConfiguration {
    var configuration = IdentityConfiguration(passwords: .insecureForTesting)
    configuration.throttle = .init(window: .seconds(60), failuresPerAccount: 3, failuresPerAddress: 1000)
    change(&configuration)
    return configuration
}

/// A real Keyplan server over a fresh migrated database, on a free loopback port, with a log
/// that records every line it writes.
struct IdentityTestServer {
    let database: LocalDatabase
    let stack: ServingStack
    let rpc: RPCClient
    let log: RecordedLog
    var client: PostgresClient { stack.client }
    var server: RPCServer { stack.server }
    var port: Int { stack.port }
    /// The HTTP port: the Connect gateway and the portal.
    var httpPort: Int { stack.httpPort }

    /// A Keyplan client without a credential.
    var anonymous: KeyplanClient { KeyplanClient(rpc: rpc) }

    func client(_ token: String?) -> KeyplanClient { KeyplanClient(rpc: rpc, token: token) }

    /// Runs `body` with a started server, then stops it and drops the database.
    static func with<Result>(
        configuration: IdentityConfiguration = testIdentityConfiguration(),
        tls: TestCertificate? = nil, webhooks: WebhookConfiguration = .defaults,
        mail: OutgoingMail? = nil,
        _ body: (IdentityTestServer) async throws -> Result
    ) async throws -> Result {
        let database = try await testCluster.createTestDatabase()
        let log = RecordedLog()
        var logger = Logger(label: "test.keyplan") { _ in log.handler() }
        logger.logLevel = .trace
        let stack = try await ServingStack.start(
            databaseURL: database.appURL, configuration: configuration, tls: tls, logger: logger, interceptors: [LoggingServerInterceptor()],
            webhooks: webhooks, mail: mail)
        var clientConfiguration = ClientConfiguration(host: "127.0.0.1", port: stack.port)
        clientConfiguration.tls = tls.map { .init(trustRootsPath: $0.certificate, serverHostname: "localhost") }
        let rpc = RPCClient(configuration: clientConfiguration)
        let fixture = IdentityTestServer(database: database, stack: stack, rpc: rpc, log: log)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            print(
                "server log:\n\(log.text.split(separator: "\n").filter { !$0.hasPrefix("trace") && !$0.hasPrefix("debug") }.suffix(20).joined(separator: "\n"))"
            )
            await fixture.stop()
            throw error
        }
    }

    private func stop() async {
        await rpc.close()
        await stack.stop()
        try? await testCluster.dropDatabase(named: database.name)
    }

    /// Waits until the audit rows of the calls made so far are written (reads and refusals are
    /// written in batches).
    func flushAudit() async {
        await stack.services.auditTrail.flush()
    }

    /// Creates a tenant and its admin (password `admin-password`), signed in.
    func bootstrapTenant(slug: String) async throws -> (tenantID: UUID, admin: SessionGrant) {
        let created = try await TenantBootstrap(database: client, passwords: .insecureForTesting).create(
            name: slug.capitalized, slug: slug, adminEmail: "admin@\(slug).example", adminName: "Admin", adminPassword: "admin-password")
        let grant = try await anonymous.signIn(tenantSlug: slug, email: created.adminEmail, password: "admin-password")
        return (created.tenantID, grant)
    }

    /// Runs `body` in a transaction of `tenant` as the server's role, to arrange or inspect state.
    func inTenant<Result: Sendable>(_ tenant: UUID, _ body: (TenantTransaction) async throws -> Result) async throws -> Result {
        try await client.inTenant(tenant, body)
    }

    /// A fresh session for a user, minted directly (no password round trip).
    func mintSession(tenant: UUID, user: UUID) async throws -> String {
        try await inTenant(tenant) { connection in
            let token = SecretToken.generate(.session)
            _ = try await CredentialRepository(transaction: connection).insertSession(
                tenantID: tenant, userID: user, token: token, clientAddress: nil, sessions: IdentityConfiguration.Sessions.defaults)
            return token.text
        }
    }
}

/// Every log line written through its handlers, message and metadata, for tests to search.
final class RecordedLog: Sendable {
    private let lines = NIOLockedValueBox([String]())

    var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    func handler() -> Handler { Handler(log: self) }

    struct Handler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

/// The status code a call ends with (`.ok` when it succeeds).
func statusCode(_ body: () async throws -> Void) async -> StatusCode {
    do {
        try await body()
        return .ok
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}

/// The status codes of `count` concurrent runs of `body`, in the order they end.
func concurrentStatusCodes(_ count: Int, _ body: @escaping @Sendable () async throws -> Void) async -> [StatusCode] {
    await withTaskGroup(of: StatusCode.self) { group in
        for _ in 0..<count { group.addTask { await statusCode(body) } }
        return await group.reduce(into: []) { $0.append($1) }
    }
}

/// The error a call fails with, or `nil` when it succeeds.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "\(error)")
    }
}
