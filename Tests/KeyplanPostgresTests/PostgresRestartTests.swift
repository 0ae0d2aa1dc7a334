import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres
import Testing

@Suite("PostgreSQL restart")
struct PostgresRestartTests {
    @Test func poolKeepsWorkingAcrossARestart() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: packageDirectory.appendingPathComponent("Schema")) { cluster in
            let database = try await cluster.start()
            let pool = PostgresConfiguration.Pool(maximumConnections: 2, leaseTimeout: .seconds(5), maximumWaiters: 10)
            let configuration = try PostgresConfiguration(connectionString: database.appURL, pool: pool)
            try await PostgresClient.withClient(configuration: configuration) { client in
                // Two pooled connections, both idle when the server goes away.
                async let first = client.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")
                async let second = client.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")
                let before = Set(try await [first, second].map { try $0.single(Int32.self, column: "pid") })
                #expect(before.count == 2)

                try await cluster.restart()

                for _ in 0..<4 {
                    let pid = try await client.query("SELECT pg_backend_pid() AS pid").single(Int32.self, column: "pid")
                    #expect(!before.contains(pid))
                }
            }
        }
    }

    @Test func queryDuringAnOutageFailsClearlyAndTheNextOneAfterItSucceeds() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: packageDirectory.appendingPathComponent("Schema")) { cluster in
            let database = try await cluster.start()
            let configuration = try PostgresConfiguration(connectionString: database.appURL)
            try await PostgresClient.withClient(configuration: configuration) { client in
                try await client.query("SELECT 1")
                try await cluster.stop()
                let error = await expectPostgresError { try await client.query("SELECT 1") }
                #expect(error?.kind == .connectionFailed)
                #expect(error.map { "\($0)".contains("\n") } == false)
                _ = try await cluster.start()
                let value = try await client.query("SELECT 42 AS v").single(Int32.self, column: "v")
                #expect(value == 42)
            }
        }
    }

    @Test func listenerListensAgainAfterARestart() async throws {
        try await LocalCluster.withTemporaryCluster(schemaDirectory: packageDirectory.appendingPathComponent("Schema")) { cluster in
            let database = try await cluster.start()
            let configuration = try PostgresConfiguration(connectionString: database.appURL)
            try await PostgresClient.withClient(configuration: configuration) { client in
                let stream = try await client.listen(channel: "plans")
                // Subscribers learn that notifications may have been lost while it was away.
                let resumed = Task {
                    for await event in stream where event == .resumed { return true }
                    return false
                }
                try await cluster.restart()
                // The listener reconnects in the background; notify until it hears (at most ~5 s).
                let sender = Task {
                    for attempt in 0..<50 {
                        try? await client.notify(channel: "plans", payload: "after restart \(attempt)")
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                let received = await nextNotification(stream, within: .seconds(10))
                sender.cancel()
                #expect(received?.payload.hasPrefix("after restart") == true)
                let sawResumed = await withTaskGroup(of: Bool.self) { group in
                    group.addTask { await resumed.value }
                    group.addTask {
                        try? await Task.sleep(for: .seconds(5))
                        return false
                    }
                    defer {
                        group.cancelAll()
                        resumed.cancel()
                    }
                    return await group.next() ?? false
                }
                #expect(sawResumed)
            }
        }
    }
}
