import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import NIOConcurrencyHelpers
import Testing

@testable import KeyplanServer

/// Several server processes behind a real load balancer, as `docker-compose.yml` deploys them: two
/// `keyplan-server serve` processes of the built executable on one database, HAProxy in TCP mode in
/// front. One process is stopped the way an orchestrator stops it — SIGTERM (GOAWAY, drain), then
/// SIGKILL — while clients write, read and watch through the balancer.
@Suite("Deployment: server processes behind HAProxy", .serialized, .timeLimit(.minutes(3)))
struct BalancerTests {
    /// What the load saw: acknowledged writes by title, and failed calls by status.
    struct Outcome: Sendable {
        var written: [String] = []
        var failures: [String: Int] = [:]
    }

    @Test func clientsRideOutAServerStoppedBehindTheBalancer() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Globex")).id
            let first = try await ServerProcessUnderTest.start(databaseURL: server.database.appURL)
            let second = try await ServerProcessUnderTest.start(databaseURL: server.database.appURL)
            let balancer = try await HAProxyProcess.start(backends: [first.port, second.port])
            defer {
                balancer.stop()
                first.kill()
                second.kill()
            }
            // Four connections through the balancer (round robin: two on each process), the client's
            // standard retries: every write keyed, UNAVAILABLE and GOAWAY's unprocessed calls retried.
            let rpcs = (0..<5).map { _ in RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: balancer.port)) }
            let clients = rpcs.map { KeyplanClient(rpc: $0, token: admin.token, timeout: .seconds(10)) }
            let outcome = NIOLockedValueBox(Outcome())
            let running = NIOLockedValueBox(true)
            func note(_ error: any Error) {
                let name = (error as? RPCError).map { "\($0.code)" } ?? "\(type(of: error))"
                outcome.withLockedValue { $0.failures["\(name): \(error)".prefix(160).description, default: 0] += 1 }
            }

            // A watcher resumes after the last change it saw whenever its stream ends (`watchResuming`, as `keyplan watch`).
            let watcher = clients[4]
            // Every delivery, in order: a change delivered twice (a resumption replaying it) would show twice here.
            let seen = NIOLockedValueBox([(id: Int64, summary: String)]())
            let watching = Task {
                try await watcher.watchResuming(accountID: account, after: 0, maximumResumptions: .max) { change in
                    seen.withLockedValue { $0.append((change.id, change.summary)) }
                    return true
                }
            }

            let load = (0..<4).map { index in
                Task {
                    let client = clients[index]
                    var count = 0
                    while running.withLockedValue({ $0 }) {
                        count += 1
                        do {
                            if count % 3 == 0 {
                                _ = try await client.goals(accountID: account)
                            } else {
                                let title = "client \(index) goal \(count)"
                                _ = try await client.createGoal(accountID: account, GoalDraft(title: title))
                                outcome.withLockedValue { $0.written.append(title) }
                            }
                        } catch {
                            note(error)
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(1.5))
            let writtenBefore = outcome.withLockedValue { $0.written.count }
            await first.terminate(grace: .seconds(5))
            try await Task.sleep(for: .seconds(2))
            running.withLockedValue { $0 = false }
            for task in load { await task.value }
            let result = outcome.withLockedValue { $0 }
            let writtenAfter = result.written.count - writtenBefore

            #expect(writtenBefore > 10 && writtenAfter > 10, "writes before the stop: \(writtenBefore), after: \(writtenAfter)")
            #expect(result.failures.isEmpty, "failed calls: \(result.failures)")
            let stored = try await server.inTenant(tenant) { transaction in
                try await transaction.query("SELECT title FROM goals WHERE account_id = \(account)").map {
                    try $0.decode(String.self, column: "title")
                }
            }
            #expect(stored.count == Set(stored).count, "a write was done twice")
            #expect(Set(result.written).isSubset(of: Set(stored)), "an acknowledged write is missing")

            // The watcher resumed across the stop and missed nothing: every stored goal's creation, once.
            let deadline = ContinuousClock.now + .seconds(20)
            while seen.withLockedValue({ $0.count }) < stored.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            watching.cancel()
            let summaries = seen.withLockedValue { $0.map(\.summary) }
            #expect(Set(summaries) == Set(stored.map { "Goal “\($0)” created" }), "the watcher missed or invented changes")
            #expect(summaries.count == stored.count, "the watcher saw a change twice")
            let ids = seen.withLockedValue { $0.map(\.id) }
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "the watcher saw changes out of order")
            for rpc in rpcs { await rpc.close() }
        }
    }
}
