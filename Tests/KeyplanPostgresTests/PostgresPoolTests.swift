import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres
import Testing

@Suite("Pool, cancellation, timeouts")
struct PostgresPoolTests {
    let onePool = PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .milliseconds(300), maximumWaiters: 10)

    /// Leases the pool's only connection for `seconds`; returns once it is leased.
    func holdOnlyConnection(_ client: PostgresClient, seconds: Double) async -> Task<Void, any Error> {
        let (leased, signal) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await client.withConnection { connection in
                signal.yield()
                try await connection.query("SELECT pg_sleep(\(seconds))")
            }
        }
        for await _ in leased { break }
        return holder
    }

    /// With the only connection held, a query waits out the 300 ms lease timeout and fails with it.
    func expectLeaseTimeout(_ client: PostgresClient) async {
        let holder = await holdOnlyConnection(client, seconds: 2)
        let start = ContinuousClock.now
        let error = await expectPostgresError { try await client.query("SELECT 1") }
        let waited = ContinuousClock.now - start
        #expect(error?.kind == .poolTimeout)
        #expect(waited >= .milliseconds(250) && waited < .seconds(1.5))
        holder.cancel()
        _ = await holder.result
    }

    @Test func exhaustedPoolGivesATimeoutError() async throws {
        try await withTestClient(pool: onePool) { client, _ in
            await expectLeaseTimeout(client)
            // Once free again, the connection serves the next caller.
            let two = try await client.query("SELECT 2 AS two").single(Int32.self, column: "two")
            #expect(two == 2)
        }
    }

    /// The deadline keeper drops the deadlines of waiters served meanwhile; a waiter queued after many
    /// of them must still time out on time.
    @Test func aWaiterTimesOutAfterManyServedWaiters() async throws {
        try await withTestClient(pool: PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .milliseconds(300), maximumWaiters: 50)) {
            client, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 { group.addTask { try await client.query("SELECT 1") } }
                try await group.waitForAll()
            }
            await expectLeaseTimeout(client)
        }
    }

    @Test func cancellingTheCallerCancelsTheRunningQuery() async throws {
        try await withTestClient { client, _ in
            let start = ContinuousClock.now
            let sleeper = Task { try await client.query("SELECT pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))
            sleeper.cancel()
            let result = await sleeper.result
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .milliseconds(300) + .seconds(1))
            #expect((result.failure as? PostgresError)?.kind == .queryCanceled)
            #expect((result.failure as? PostgresError)?.sqlState == "57014")
        }
    }

    @Test func queryDeadlineCancelsTheQuery() async throws {
        try await withTestClient { client, _ in
            let start = ContinuousClock.now
            let error = await expectPostgresError { try await client.query("SELECT pg_sleep(30)", timeout: .milliseconds(300)) }
            #expect(error?.kind == .queryCanceled)
            #expect(ContinuousClock.now - start < .seconds(1.3))
        }
    }

    @Test func statementTimeoutIsSetPerPool() async throws {
        let session = PostgresConfiguration.Session(statementTimeout: .milliseconds(250), connectTimeout: .seconds(5), applicationName: "test")
        try await withTestClient(session: session) { client, _ in
            let setting = try await client.query("SELECT current_setting('statement_timeout') AS t").single(String.self, column: "t")
            #expect(setting == "250ms")
            // No JIT unless asked for: compiling costs more than Keyplan's queries take.
            let jit = try await client.query("SELECT current_setting('jit') AS j").single(String.self, column: "j")
            #expect(jit == "off")
            let error = await expectPostgresError { try await client.query("SELECT pg_sleep(5)") }
            #expect(error?.kind == .queryCanceled)
        }
    }

    @Test func cancelledStatementLeavesTheConnectionUsable() async throws {
        try await withTestClient(pool: onePool) { client, _ in
            _ = await expectPostgresError { try await client.query("SELECT pg_sleep(30)", timeout: .milliseconds(100)) }
            let answer = try await client.query("SELECT 'still here'::text AS s").single(String.self, column: "s")
            #expect(answer == "still here")
        }
    }

    @Test func brokenConnectionIsReplaced() async throws {
        try await withTestClient(pool: onePool) { client, database in
            let first = try await client.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid")
            // Kill the pooled connection's backend from another session of the same role.
            let other = try PostgresConfiguration(connectionString: database.appURL)
            try await PostgresClient.withClient(configuration: other) { killer in
                try await killer.query("SELECT pg_terminate_backend(\(first))")
            }
            try await Task.sleep(for: .milliseconds(100))
            let second = try await client.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid")
            #expect(second != first)
        }
    }

    @Test func connectionLostMidQueryIsReportedAsSuchAndReplaced() async throws {
        try await withTestClient(pool: onePool) { client, database in
            let other = try PostgresConfiguration(connectionString: database.appURL)
            let error = await expectPostgresError {
                try await client.withConnection { connection in
                    let pid = try await connection.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid")
                    let killer = Task {
                        try await Task.sleep(for: .milliseconds(200))
                        try await PostgresClient.withClient(configuration: other) { try await $0.query("SELECT pg_terminate_backend(\(pid))") }
                    }
                    defer { killer.cancel() }
                    try await connection.query("SELECT pg_sleep(5)")
                }
            }
            #expect(error?.kind == .connectionLost)
            let answer = try await client.query("SELECT 'replaced'::text AS s").single(String.self, column: "s")
            #expect(answer == "replaced")
        }
    }

    @Test func concurrentCallersShareTheBoundedPool() async throws {
        let pool = PostgresConfiguration.Pool(maximumConnections: 3, leaseTimeout: .seconds(10), maximumWaiters: 100)
        try await withTestClient(pool: pool) { client, _ in
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        try await client.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.01)").single(Int32.self, column: "pid")
                    }
                }
                return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
            #expect(pids.count <= 3)
        }
    }

    @Test func callerCancelledWhileWaitingForAConnectionLeavesTheQueue() async throws {
        try await withTestClient(pool: PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .seconds(10), maximumWaiters: 10)) {
            client, _ in
            let holder = await holdOnlyConnection(client, seconds: 1)
            let start = ContinuousClock.now
            let waiter = Task { try await client.query("SELECT 1") }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            let error = await waiter.result.failure as? PostgresError
            #expect(error?.kind == .cancelled)
            #expect(ContinuousClock.now - start < .milliseconds(900))
            _ = try await holder.value
        }
    }

    @Test func oneConnectionUsedByTwoTasksAtOnceIsAnErrorNotACrash() async throws {
        try await withTestClient { client, _ in
            try await client.withConnection { connection in
                async let slow = connection.query("SELECT pg_sleep(0.5)")
                try await Task.sleep(for: .milliseconds(100))
                let misuse = await expectPostgresError { try await connection.query("SELECT 1") }
                #expect(misuse?.kind == .misuse)
                _ = try await slow
            }
        }
    }

    @Test func tooManyWaitersFailAtOnce() async throws {
        let pool = PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .seconds(5), maximumWaiters: 1)
        try await withTestClient(pool: pool) { client, _ in
            let holder = await holdOnlyConnection(client, seconds: 1)
            // Two more callers, one queue place: one waits and succeeds, the other fails at once.
            let start = ContinuousClock.now
            let outcomes = await withTaskGroup(of: (PostgresError.Kind?, Duration).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let error = await expectPostgresError { try await client.query("SELECT 1") }
                        return (error?.kind, ContinuousClock.now - start)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let failed = outcomes.filter { $0.0 != nil }
            #expect(failed.count == 1)
            #expect(failed.first?.0 == .poolTimeout)
            #expect(failed.first.map { $0.1 < .milliseconds(500) } == true)
            _ = try await holder.value
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
