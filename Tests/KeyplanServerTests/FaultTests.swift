import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// A Keyplan server on a PostgreSQL cluster of its own, which a test may stop and start.
struct StoppableServer {
    let cluster: LocalCluster
    let stack: ServingStack
    let rpc: RPCClient
    let admin: KeyplanClient
    let accountID: UUID

    /// Runs `body` with a server on a new temporary cluster, a tenant and its admin signed in, and
    /// one account; stops everything afterwards.
    static func with<Result>(_ body: (StoppableServer) async throws -> Result) async throws -> Result {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: packageDirectory.appendingPathComponent("Schema")) { cluster in
            let database = try await cluster.start()
            let stack = try await ServingStack.start(databaseURL: database.appURL, configuration: testIdentityConfiguration())
            let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: stack.port))
            do {
                _ = try await TenantBootstrap(database: stack.client, passwords: .insecureForTesting).create(
                    name: "Acme", slug: "acme", adminEmail: "admin@acme.example", adminName: "Ada Admin", adminPassword: "admin-password")
                let grant = try await KeyplanClient(rpc: rpc).signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
                // No retries: these tests see each call's own outcome (the keyed-retry test asks for them).
                let admin = KeyplanClient(rpc: rpc, token: grant.token, retry: .never)
                let account = try await admin.createAccount(CreateAccountRequest(name: "Globex"))
                let result = try await body(StoppableServer(cluster: cluster, stack: stack, rpc: rpc, admin: admin, accountID: account.id))
                await rpc.close()
                await stack.stop()
                return result
            } catch {
                await rpc.close()
                await stack.stop()
                throw error
            }
        }
    }
}

@Suite("Faults: an unreachable database", .serialized)
struct FaultTests {
    /// While the database is down every call answers UNAVAILABLE (retryable, and saying why), not
    /// INTERNAL; once it is back, writes succeed again within a second, without restarting the server.
    @Test func aStoppedDatabaseIsUnavailableAndWritesResumeWhenItIsBack() async throws {
        try await StoppableServer.with { server in
            _ = try await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "Before"))
            try await server.cluster.stop()

            let read = await rpcError { _ = try await server.admin.goals(accountID: server.accountID) }
            let write = await rpcError { _ = try await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "During")) }
            let signIn = await rpcError {
                _ = try await KeyplanClient(rpc: server.rpc, retry: .never).signIn(
                    tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
            }
            let unknownToken = await rpcError {
                _ = try await KeyplanClient(rpc: server.rpc, token: "kps_not-a-cached-token", retry: .never).whoAmI()
            }
            for error in [read, write, signIn, unknownToken] {
                #expect(error?.code == .unavailable, "\(String(describing: error))")
                #expect(error?.message.contains("database is unreachable") == true, "\(String(describing: error))")
            }

            _ = try await server.cluster.start()
            let back = ContinuousClock.now
            var written: GoalView?
            while written == nil, ContinuousClock.now - back < .seconds(5) {
                written = try? await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "After"))
                if written == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let took = ContinuousClock.now - back
            #expect(written != nil)
            #expect(took < .seconds(1), "the first write succeeded \(took) after the database returned")
            let titles = try await server.admin.goals(accountID: server.accountID).nodes.map(\.goal.title)
            #expect(Set(titles) == ["Before", "After"])
        }
    }

    /// Backends terminated under the server (an administrator, a failover): calls either succeed on a
    /// fresh connection or answer UNAVAILABLE, never INTERNAL, and the next ones succeed.
    @Test func terminatedBackendsAreUnavailableNotInternal() async throws {
        try await StoppableServer.with { server in
            _ = try await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "Warm the pool"))
            for round in 0..<3 {
                // Connections in use are killed too: calls are in flight while it happens.
                let calls = (0..<8).map { index in
                    Task {
                        await statusCode {
                            _ = try await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "Round \(round) goal \(index)"))
                        }
                    }
                }
                #expect(try await server.cluster.terminateServerSessions() > 0)
                for call in calls {
                    let code = await call.value
                    #expect(code == .ok || code == .unavailable, "a call ended \(code)")
                }
            }
            #expect(await statusCode { _ = try await server.admin.goals(accountID: server.accountID) } == .ok)
        }
    }

    /// What a failover does to the server's connections, with the client's retries on: every write in
    /// flight when the backends are killed succeeds in the end (UNAVAILABLE is retried under the same
    /// idempotency key), and none is written twice — a retry of a write that did commit before its
    /// answer was lost gets that write's answer.
    @Test func keyedRetriesRideOutTerminatedBackendsWithoutDuplicates() async throws {
        try await StoppableServer.with { server in
            var admin = server.admin
            admin.retry = RetryPolicy(maximumAttempts: 20, initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(500))
            _ = try await admin.createGoal(accountID: server.accountID, GoalDraft(title: "Warm the pool"))
            var expected: Set<String> = ["Warm the pool"]
            for round in 0..<3 {
                let calls = (0..<8).map { index in
                    Task { [admin] in
                        try await admin.createGoal(accountID: server.accountID, GoalDraft(title: "Round \(round) goal \(index)")).id
                    }
                }
                #expect(try await server.cluster.terminateServerSessions() > 0)
                for (index, call) in calls.enumerated() {
                    do {
                        _ = try await call.value
                    } catch {
                        Issue.record("round \(round) goal \(index) failed: \(error)")
                    }
                    expected.insert("Round \(round) goal \(index)")
                }
            }
            let titles = try await admin.goals(accountID: server.accountID).nodes.map(\.goal.title)
            #expect(titles.count == expected.count, "written twice: \(titles.count - Set(titles).count)")
            #expect(Set(titles) == expected)
        }
    }

    /// A watch held open across a database stop longer than its catch-up tick keeps its stream, and
    /// once the database is back delivers every change, each once.
    @Test func aWatchRidesOutADatabaseStop() async throws {
        try await StoppableServer.with { server in
            let before = try await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "Before the stop"))
            let received = try await server.admin.watch(accountID: server.accountID, after: 0) { changes in
                var summaries = [try #require(try await changes.next()).summary]
                #expect(summaries == ["Goal “\(before.title)” created"])
                try await server.cluster.stop()
                try await Task.sleep(for: .seconds(11))
                _ = try await server.cluster.start()
                var written: GoalView?
                while written == nil {
                    written = try? await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "After the stop"))
                    if written == nil { try await Task.sleep(for: .milliseconds(50)) }
                }
                _ = try await server.admin.createGoal(accountID: server.accountID, GoalDraft(title: "And another"))
                summaries.append(try #require(try await changes.next(within: .seconds(10))).summary)
                summaries.append(try #require(try await changes.next(within: .seconds(10))).summary)
                // Nothing twice: the next tick's catch-up finds nothing new.
                await #expect(throws: WatchTimedOut.self) { _ = try await changes.next(within: .seconds(6)) }
                return summaries
            }
            #expect(received == ["Goal “Before the stop” created", "Goal “After the stop” created", "Goal “And another” created"])
        }
    }
}
