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
}
