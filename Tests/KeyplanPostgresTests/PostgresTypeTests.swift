import Foundation
import KeyplanPostgres
import Testing

@Suite("Typed round trips")
struct PostgresTypeTests {
    /// Sends the value as a parameter, stores it in a column of `sqlType`, reads it back.
    func roundTrip<Value: PostgresEncodable & PostgresDecodable & Equatable>(
        _ value: Value?, as sqlType: String, on client: PostgresClient
    ) async throws -> Value? {
        try await client.withTransaction { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE round_trip (v \(sqlType)) ON COMMIT DROP"))
            try await connection.query("INSERT INTO round_trip (v) VALUES (\(value))")
            // The type in the text: each type's read is its own prepared statement (a statement
            // whose result type changed fails once inside a transaction; see PostgresPipelineTests).
            return try await connection.query(PostgresQuery(unsafeSQL: "SELECT v FROM round_trip -- \(sqlType)")).single(Value?.self, column: "v")
        }
    }

    func expectRoundTrip<Value: PostgresEncodable & PostgresDecodable & Equatable>(
        _ values: [Value], as sqlType: String, on client: PostgresClient
    ) async throws {
        for value in values {
            #expect(try await roundTrip(value, as: sqlType, on: client) == value, "\(sqlType)")
        }
        #expect(try await roundTrip(Value?.none, as: sqlType, on: client) == nil, "NULL \(sqlType)")
    }

    @Test func everySupportedTypeIncludingNull() async throws {
        try await withTestClient { client, _ in
            try await expectRoundTrip([true, false], as: "boolean", on: client)
            try await expectRoundTrip([Int16.min, -1, 0, Int16.max], as: "smallint", on: client)
            try await expectRoundTrip([Int32.min, 42, Int32.max], as: "integer", on: client)
            try await expectRoundTrip([Int64.min, 0, Int64.max], as: "bigint", on: client)
            try await expectRoundTrip([Int.min, 7, Int.max], as: "bigint", on: client)
            try await expectRoundTrip([0.0, -1.5, .pi, 1e300, .infinity], as: "double precision", on: client)
            try await expectRoundTrip(
                ["", "plain", "Grüße, Zoë — 東京 🚀", "quote ' and \\ and \"", "nul-free\ttab\nnewline"],
                as: "text", on: client)
            try await expectRoundTrip([UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!], as: "uuid", on: client)
            try await expectRoundTrip([Data(), Data([0, 1, 2, 255, 0]), Data("bytes ✓".utf8)], as: "bytea", on: client)
            try await expectRoundTrip(
                [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_764_000_000.123456), Date(timeIntervalSince1970: -1_000_000.5)],
                as: "timestamptz", on: client
            )
            try await expectRoundTrip(
                ["0", "1234.56", "-0.01", "12345678901234567890.12", "0.000000001", "100000000"].map { Decimal(string: $0)! },
                as: "numeric", on: client
            )
            try await expectRoundTrip([[], ["a", "b c", "Zoë, \"quoted\"", "{braces}", ""]], as: "text[]", on: client)
            try await expectRoundTrip([[UUID(), UUID()], []], as: "uuid[]", on: client)
            try await expectRoundTrip([[1, -2, Int.max]], as: "bigint[]", on: client)
        }
    }

    /// A fragment's placeholders are renumbered after the query's own; a `$` that is no
    /// placeholder (in a string) and text beyond ASCII pass through.
    @Test func fragmentsKeepTheirParameters() async throws {
        try await withTestClient { client, _ in
            let sum: PostgresQuery = "\(Int64(2)) + \(Int64(3)) + length('€$x $1')"
            let row = try #require(
                try await client.query(
                    """
                    SELECT \(Int64(1)) AS a, \(sum) AS b, '$' || \("Zoë") AS c, \("plain") AS d
                    """
                ).first)
            #expect(try row.decode(Int64.self, column: "a") == 1)
            #expect(try row.decode(Int64.self, column: "b") == 11)
            #expect(try row.decode(String.self, column: "c") == "$Zoë")
            #expect(try row.decode(String.self, column: "d") == "plain")
        }
    }

    @Test func dateKeepsMicroseconds() async throws {
        try await withTestClient { client, _ in
            let date = try await client.query("SELECT '2025-03-04 05:06:07.123456+00'::timestamptz AS t").single(Date.self, column: "t")
            #expect(date.timeIntervalSince1970 == 1_741_064_767.123456)
        }
    }

    @Test func numericLiteralsDecodeExactly() async throws {
        try await withTestClient { client, _ in
            let row = try #require(
                try await client.query(
                    """
                    SELECT 123.4500::numeric AS a, -0.000012::numeric AS b, 10000::numeric AS c,
                           99999999999999999999.99::numeric(22,2) AS d, 0::numeric AS e,
                           -12345678901234567890123456789012345678::numeric AS f, 123456789012345678901234567890123456780::numeric AS g,
                           0.00000000000000000000000000001::numeric AS h
                    """
                ).first)
            #expect(try row.decode(Decimal.self, column: "a") == Decimal(string: "123.45"))
            #expect(try row.decode(Decimal.self, column: "b") == Decimal(string: "-0.000012"))
            #expect(try row.decode(Decimal.self, column: "c") == Decimal(10000))
            #expect(try row.decode(Decimal.self, column: "d") == Decimal(string: "99999999999999999999.99"))
            #expect(try row.decode(Decimal.self, column: "e") == 0)
            // 38 digits (beyond 64 bits), and 38 significant digits with a zero after them.
            #expect(try row.decode(Decimal.self, column: "f") == Decimal(string: "-12345678901234567890123456789012345678"))
            #expect(try row.decode(Decimal.self, column: "g") == Decimal(string: "123456789012345678901234567890123456780"))
            #expect(try row.decode(Decimal.self, column: "h") == Decimal(string: "0.00000000000000000000000000001"))
        }
    }

    @Test func numericBeyondDecimalPrecisionIsAnErrorNotARounding() async throws {
        try await withTestClient { client, _ in
            let error = await expectPostgresError {
                _ = try await client.query("SELECT 1234567890123456789012345678901234567.891::numeric AS wide").single(Decimal.self, column: "wide")
            }
            #expect(error?.kind == .decoding)
            #expect(error?.message.contains("more than 38 significant digits") == true)
        }
    }

    @Test func typeMismatchNamesTheColumn() async throws {
        try await withTestClient { client, _ in
            let row = try #require(try await client.query("SELECT 'Acme'::text AS account_name, NULL::int AS score").first)
            let mismatch = await expectPostgresError { _ = try row.decode(Int.self, column: "account_name") }
            #expect(mismatch?.kind == .decoding)
            #expect(mismatch?.column == "account_name")
            #expect(mismatch?.message.contains("account_name") == true)
            #expect(mismatch?.message.contains("text") == true)

            let null = await expectPostgresError { _ = try row.decode(Int.self, column: "score") }
            #expect(null?.kind == .decoding)
            #expect(null?.message.contains("score") == true)
            #expect(try row.decode(Int?.self, column: "score") == nil)

            let missing = await expectPostgresError { _ = try row.decode(Int.self, column: "nope") }
            #expect(missing?.message.contains("nope") == true)
        }
    }

    @Test func int32ColumnRefusesInt16() async throws {
        try await withTestClient { client, _ in
            let error = await expectPostgresError {
                _ = try await client.query("SELECT 70000::int4 AS big").single(Int16.self, column: "big")
            }
            #expect(error?.kind == .decoding)
        }
    }

    @Test func interpolatedValuesAreParametersNotSQL() async throws {
        try await withTestClient { client, _ in
            let hostile = "x'); DROP TABLE tenants; --"
            let echoed = try await client.query("SELECT \(hostile)::text AS v").single(String.self, column: "v")
            #expect(echoed == hostile)
            let count = try await client.query("SELECT count(*) AS n FROM pg_tables WHERE tablename = 'tenants'").single(Int.self, column: "n")
            #expect(count == 1)
        }
    }

    @Test func anEmbeddedQueryKeepsItsParametersInOrder() async throws {
        let condition: PostgresQuery = "v.a = \(2) AND v.b = \("two")"
        let query: PostgresQuery = "SELECT count(*) AS n FROM (VALUES (\(1), 'one'), (2, 'two')) AS v (a, b) WHERE \(condition) AND v.a > \(0)"
        #expect(query.sql.hasSuffix("WHERE v.a = $2 AND v.b = $3 AND v.a > $4"))
        #expect(query.binds.count == 4)
        try await withTestClient { client, _ in
            let count = try await client.query(query).single(Int.self, column: "n")
            #expect(count == 1)
        }
    }

    /// libpq reads a text-format parameter (numeric) up to its NUL: the next one must not run on.
    @Test func aTextFormatParameterEndsWhereTheNextBegins() async throws {
        try await withTestClient { client, _ in
            let row = try await client.query("SELECT \(Decimal(string: "1250.5")!)::text AS amount, \("notes")::text AS notes")[0]
            #expect(try row.decode(String.self, column: "amount") == "1250.5")
            #expect(try row.decode(String.self, column: "notes") == "notes")
        }
    }
}
