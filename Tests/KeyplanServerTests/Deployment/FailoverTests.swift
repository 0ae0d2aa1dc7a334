import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import NIOConcurrencyHelpers
import Testing

@testable import KeyplanServer

/// The HA database formation of `scripts/ha-formation` (pg_auto_failover: a monitor, a primary, a
/// synchronous standby) under a real `keyplan-server serve` process that knows both nodes
/// (`target_session_attrs=read-write`). The primary's machine is lost mid-load — its keeper and
/// postmaster killed with SIGKILL — and the failover manager promotes the standby.
@Suite("Deployment: database failover", .serialized, .timeLimit(.minutes(4)))
struct FailoverTests {
    /// The formation in a folder of its own, on three ports from `base`.
    struct Formation {
        let folder: URL
        let appURL: String
        let ownerURL: String

        static let script = packageDirectory.appendingPathComponent("scripts/ha-formation").path

        /// Starts a formation; once more on other ports if the first start fails (a port taken meanwhile: the
        /// monitor's postgres then binds IPv6 only, and nothing reaches it on 127.0.0.1). A failed start is
        /// stopped, so that no process of it outlives the test.
        static func start() async throws -> Formation {
            do {
                return try await startOnce()
            } catch {
                return try await startOnce()
            }
        }

        private static func startOnce() async throws -> Formation {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-ha-\(UUID().uuidString.prefix(8))")
            // Three consecutive ports below Linux's ephemeral range (32768-60999), where no connection's own port
            // can take them (31,000 + 3 × 2,000 reached into it: a CI run met a port taken that way).
            let base = 20_000 + 3 * Int.random(in: 0..<3_000)
            let output: String
            do {
                output = try await run([Self.script, "start", folder.path, "\(base)"])
            } catch {
                _ = try? await run([Self.script, "stop", folder.path])
                throw error
            }
            var urls: [String: String] = [:]
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { urls[parts[0]] = parts[1] }
            }
            return Formation(
                folder: folder, appURL: try #require(urls["KEYPLAN_DATABASE_URL"], "\(output)"),
                ownerURL: try #require(urls["KEYPLAN_MIGRATION_DATABASE_URL"]))
        }

        func killPrimary() async throws -> String { try await Self.run([Self.script, "kill-primary", folder.path]) }
        func state() async throws -> String { try await Self.run([Self.script, "state", folder.path]) }

        func stop() async {
            _ = try? await Self.run([Self.script, "stop", folder.path])
            try? FileManager.default.removeItem(at: folder)
        }

        /// Runs the script (spawned with default signal handling: see `Subprocess`); what it printed,
        /// or the error with its output.
        static func run(_ arguments: [String]) async throws -> String {
            let output = try await Subprocess.run("/bin/bash", arguments)
            guard output.status == 0 else { throw DeploymentFailure(message: "\(arguments.dropFirst().first ?? "") failed: \(output.text)") }
            return output.text
        }
    }

    struct Load: Sendable {
        var acknowledged: [String] = []
        var failures: [String: Int] = [:]
        var reads = 0
    }

    @Test func aLostPrimaryLosesNoAcknowledgedWriteAndTheServerRecoversWithoutRestart() async throws {
        let formation = try await Formation.start()
        do {
            let owner = PostgresClient(configuration: try PostgresConfiguration(connectionString: formation.ownerURL))
            let ownerTask = Task { await owner.run() }
            _ = try await Migrator(schemaDirectory: packageDirectory.appendingPathComponent("Schema")).migrate(owner)
            ownerTask.cancel()
            let app = PostgresClient(configuration: try PostgresConfiguration(connectionString: formation.appURL))
            let appTask = Task { await app.run() }
            defer { appTask.cancel() }
            let tenant = try await TenantBootstrap(database: app, passwords: .insecureForTesting).create(
                name: "Acme", slug: "acme", adminEmail: "admin@acme.example", adminName: "Ada Admin", adminPassword: "admin-password")

            let server = try await ServerProcessUnderTest.start(databaseURL: formation.appURL)
            defer { server.kill() }
            let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: server.port))
            let anonymous = KeyplanClient(rpc: rpc)
            let token = try await anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password").token
            // Retries long enough to outlast the failover (about ten seconds here): every write keyed.
            let retry = RetryPolicy(maximumAttempts: 60, initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(1000))
            let client = KeyplanClient(rpc: rpc, token: token, timeout: .seconds(10), retry: retry)
            let account = try await client.createAccount(CreateAccountRequest(name: "Globex")).id

            let load = NIOLockedValueBox(Load())
            let running = NIOLockedValueBox(true)
            let workers = (0..<5).map { worker in
                Task {
                    var count = 0
                    while running.withLockedValue({ $0 }) {
                        count += 1
                        do {
                            if worker == 4 {
                                _ = try await client.goals(accountID: account)
                                load.withLockedValue { $0.reads += 1 }
                            } else {
                                let title = "writer \(worker) goal \(count)"
                                _ = try await client.createGoal(accountID: account, GoalDraft(title: title))
                                load.withLockedValue { $0.acknowledged.append(title) }
                            }
                        } catch {
                            let code = (error as? RPCError).map { "\($0.code)" } ?? "\(type(of: error))"
                            load.withLockedValue { $0.failures[code, default: 0] += 1 }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(2))
            let before = load.withLockedValue { $0.acknowledged.count }
            let killed = ContinuousClock.now
            let node = try await formation.killPrimary()
            // Recovery: the first write that is acknowledged after the kill, by a probe without retries,
            // whose failures meanwhile say UNAVAILABLE (retry) and come back within their deadline.
            var recovered: Duration?
            var probeFailures: [String: Int] = [:]
            var slowestFailure: Duration = .zero
            let probe = KeyplanClient(rpc: rpc, token: token, timeout: .seconds(5), retry: .never)
            while recovered == nil, ContinuousClock.now - killed < .seconds(90) {
                let started = ContinuousClock.now
                do {
                    _ = try await probe.createGoal(accountID: account, GoalDraft(title: "probe \(started - killed)"))
                    recovered = ContinuousClock.now - killed
                } catch {
                    probeFailures[(error as? RPCError).map { "\($0.code)" } ?? "\(error)", default: 0] += 1
                    slowestFailure = max(slowestFailure, ContinuousClock.now - started)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            try await Task.sleep(for: .seconds(2))
            running.withLockedValue { $0 = false }
            for worker in workers { await worker.value }
            let result = load.withLockedValue { $0 }
            print(
                """
                failover: killed \(node.trimmingCharacters(in: .whitespacesAndNewlines)); writes acknowledged before: \(before), \
                in all: \(result.acknowledged.count); reads: \(result.reads); recovered after: \(recovered.map { "\($0)" } ?? "never"); \
                failed calls by status: \(result.failures)
                """)
            print(try await formation.state())

            print("failover: the probe's failed calls by status: \(probeFailures), the slowest in \(slowestFailure)")
            let recoveredIn = try #require(recovered, "no write succeeded within 90 s of the kill")
            #expect(Set(probeFailures.keys).isSubset(of: ["UNAVAILABLE", "DEADLINE_EXCEEDED"]), "\(probeFailures)")
            #expect(slowestFailure < .seconds(6), "a call outlived its deadline")
            #expect(recoveredIn < .seconds(60))
            #expect(result.acknowledged.count > before, "nothing was written after the failover")
            #expect(result.failures.isEmpty, "with retries, no call should fail: \(result.failures)")
            // Read from the new primary directly: every acknowledged write, none twice.
            let stored = try await app.inTenant(tenant.tenantID) { transaction in
                try await transaction.query("SELECT title FROM goals WHERE account_id = \(account) AND title LIKE 'writer %'")
                    .map { try $0.decode(String.self, column: "title") }
            }
            let lost = Set(result.acknowledged).subtracting(stored)
            #expect(lost.isEmpty, "acknowledged writes lost: \(lost.count), e.g. \(lost.prefix(3))")
            #expect(stored.count == Set(stored).count, "writes done twice: \(stored.count - Set(stored).count)")
            await rpc.close()
            await formation.stop()
        } catch {
            print((try? await formation.state()) ?? "")
            await formation.stop()
            throw error
        }
    }
}
