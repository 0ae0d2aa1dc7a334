import Foundation
import KeyplanPostgres
import Testing

@testable import KeyplanServer

@Suite("JSON rows for batched writes")
struct JSONRowsTests {
    /// Whatever a status message or a client address holds arrives in PostgreSQL unchanged.
    @Test func everyStringRoundTripsThroughJSONBToRecordset() async throws {
        let strings = ["", "plain", #"quote " and \ backslash"#, "new\nline\ttab\r", "\u{1}\u{1f}control", "Zoë “curly” — 東京 🚀", "\u{7f}del"]
        var rows = JSONRows()
        for (index, text) in strings.enumerated() {
            rows.row { row in
                row.field("n", index)
                row.field("text", text)
                row.field("id", index == 0 ? nil : UUID(uuidString: "00000000-0000-0000-0000-00000000000\(index)"))
                row.field("at", 1_796_620_238.115252)
            }
        }
        try await IdentityTestServer.with { server in
            let back = try await server.client.query(
                """
                SELECT r.n, r.text, r.id, r.at FROM jsonb_to_recordset(\(rows.json)::jsonb) AS r(n int8, text text, id uuid, at float8) ORDER BY r.n
                """)
            #expect(try back.map { try $0.decode(String.self, column: "text") } == strings)
            #expect(try back[0].decode(UUID?.self, column: "id") == nil)
            #expect(try back[3].decode(UUID?.self, column: "id") == UUID(uuidString: "00000000-0000-0000-0000-000000000003"))
            #expect(try back[1].decode(Double.self, column: "at") == 1_796_620_238.115252)
        }
    }
}
