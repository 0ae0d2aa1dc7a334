import Foundation
import KeyplanPostgres
import Testing

@Suite("Pipeline and LISTEN/NOTIFY")
struct PostgresPipelineTests {
    @Test func pipelineReturnsEachStatementsResultInOrder() async throws {
        try await withTestClient { client, _ in
            let results = try await client.pipeline { batch in
                batch.append("SELECT 1::int4 AS n")
                batch.append("SELECT \("zwei")::text AS s")
                batch.append("SELECT generate_series(1, 3)::int8 AS i")
            }
            #expect(results.count == 3)
            #expect(try results[0].single(Int32.self, column: "n") == 1)
            #expect(try results[1].single(String.self, column: "s") == "zwei")
            #expect(try results[2].map { try $0.decode(Int.self, column: "i") } == [1, 2, 3])
        }
    }

    @Test func pipelineIsOneRoundTripAndOneImplicitTransaction() async throws {
        try await withTestClient(asOwner: true) { client, _ in
            try await client.query("CREATE TABLE items (id int PRIMARY KEY)")
            let error = await expectPostgresError {
                try await client.pipeline { batch in
                    batch.append("INSERT INTO items VALUES (1)")
                    batch.append("INSERT INTO items VALUES (1)")  // duplicate: fails
                    batch.append("INSERT INTO items VALUES (2)")  // aborted
                }
            }
            #expect(error?.kind == .uniqueViolation)
            let count = try await client.query("SELECT count(*) AS n FROM items").single(Int.self, column: "n")
            #expect(count == 0)

            let results = try await client.pipeline { batch in
                for id in 1...50 { batch.append("INSERT INTO items VALUES (\(id))") }
            }
            #expect(results.compactMap(\.affectedRows) == Array(repeating: 1, count: 50))
            // The connection left pipeline mode and works as usual.
            let total = try await client.query("SELECT count(*) AS n FROM items").single(Int.self, column: "n")
            #expect(total == 50)
        }
    }

    @Test func notificationsReachListeners() async throws {
        try await withTestClient { client, _ in
            let stream = try await client.listen(channel: "account_changes")
            let other = try await client.listen(channel: "other channel")
            try await client.notify(channel: "account_changes", payload: "Zoë's account ✓")
            try await client.notify(channel: "other channel", payload: "second")

            let received = await nextNotification(stream)
            #expect(received?.channel == "account_changes")
            #expect(received?.payload == "Zoë's account ✓")
            #expect(await nextNotification(other)?.payload == "second")
        }
    }

    @Test func notificationsInARolledBackTransactionAreNotDelivered() async throws {
        struct Abort: Error {}
        try await withTestClient { client, _ in
            let stream = try await client.listen(channel: "changes")
            _ = try? await client.withTransaction { connection in
                try await connection.query("SELECT pg_notify('changes', 'rolled back')")
                throw Abort()
            }
            try await client.notify(channel: "changes", payload: "committed")
            #expect(await nextNotification(stream)?.payload == "committed")
        }
    }

    @Test func aStatementIsPreparedOnceASessionAndEachCallIsOneRoundTrip() async throws {
        let one = PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .seconds(5), maximumWaiters: 10)
        try await withTestClient(pool: one) { client, _ in
            let before = client.trafficSnapshot
            for value in 1...3 {
                #expect(try await client.query("SELECT \(Int32(value)) + 1 AS n").single(Int32.self, column: "n") == Int32(value) + 1)
            }
            _ = try await client.pipeline { batch in
                batch.append("SELECT 1")
                batch.append("SELECT 2")
            }
            let after = client.trafficSnapshot
            #expect(after.roundTrips - before.roundTrips == 4)
            #expect(after.statements - before.statements == 5)
            let prepared = try await client.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = 'SELECT $1 + 1 AS n'")
            #expect(try prepared.single(Int.self, column: "n") == 1, "the three calls shared one prepared statement")
        }
    }

    /// After DDL changes a prepared statement's result type, the server refuses the statement's
    /// cached plan: a statement run on its own is prepared anew and sent again at once; inside a
    /// transaction the transaction fails once (it cannot be resent), and the next one succeeds.
    @Test func aStatementWhoseResultTypeChangedIsPreparedAgain() async throws {
        let one = PostgresConfiguration.Pool(maximumConnections: 1, leaseTimeout: .seconds(5), maximumWaiters: 10)
        try await withTestClient(asOwner: true, pool: one) { client, _ in
            try await client.query("CREATE TABLE items (v int4)")
            try await client.query("INSERT INTO items VALUES (7)")
            #expect(try await client.query("SELECT v FROM items").single(Int32.self, column: "v") == 7)
            try await client.query("ALTER TABLE items ALTER v TYPE text")
            #expect(try await client.query("SELECT v FROM items").single(String.self, column: "v") == "7")

            try await client.query("ALTER TABLE items ALTER v TYPE int8 USING v::int8")
            let error = await expectPostgresError {
                try await client.withTransaction { try await $0.query("SELECT v FROM items").single(Int64.self, column: "v") }
            }
            #expect(error?.sqlState == "0A000")
            #expect(try await client.withTransaction { try await $0.query("SELECT v FROM items").single(Int64.self, column: "v") } == 7)
        }
    }
}
