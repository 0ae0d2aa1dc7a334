import Foundation
import KeyplanAPI
import KeyplanPostgres
import Testing

@testable import KeyplanServer

/// The accounts CSV against a real server: the import's columns, Keyplan's additions, and a
/// round trip through the import that changes nothing.
@Suite("Accounts export")
struct AccountsExportTests {
    static let accounts = """
        Id,Name,Industry,BillingCountry,AnnualRevenue,Potential Revenue,CurrencyIsoCode,Owner Email
        001A,Acme,Manufacturing,Germany,1500000.50,2000000,EUR,admin@acme.example
        001B,"Globex, ""the"" Inc.",Energy,,250000,,USD,
        001C,Initech,,France,,,EUR,

        """

    @Test func exportImportExportIsByteIdenticalAndChangesNothing() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            #expect(try await client.importRows(.accounts, try CSVDocument(bytes: Array(Self.accounts.utf8))).inserted == 3)
            let acme = try #require(try await client.portfolio(PortfolioQuery(sort: .name)).accounts.first { $0.externalID == "001A" })
            _ = try await client.updateProfile(UpdateProfileRequest(accountID: acme.id, objective: .retention, status: .strategic))
            _ = try await client.assess(
                AssessRequest(accountID: acme.id, answers: AssessmentAnswers(value: [5, 4, 5], relationship: [4, 4, 3, 5, 4])))

            let first = try await client.exportAccounts()
            #expect(first.fileName == "accounts.csv" && first.contentType == "text/csv; charset=utf-8")
            let document = try CSVDocument(bytes: Array(first.content.utf8))
            #expect(
                document.header == [
                    "Id", "Name", "Industry", "BillingCountry", "AnnualRevenue", "Potential Revenue", "CurrencyIsoCode", "Owner Email",
                    "Objective", "Status", "Value Score", "Relationship Score", "Quadrant", "Priority", "Assessed At", "Health Score", "Health Band",
                ])
            #expect(document.records.map { $0.fields[0] } == ["001A", "001B", "001C"])
            let acmeRow = document.records[0].fields
            #expect(
                Array(acmeRow[0..<10]) == [
                    "001A", "Acme", "Manufacturing", "Germany", "1500000.5", "2000000", "EUR", "admin@acme.example", "retention", "strategic",
                ])
            #expect(acmeRow[12] == "strong_high" && acmeRow[13] == "1" && !acmeRow[14].isEmpty && !acmeRow[15].isEmpty && !acmeRow[16].isEmpty)
            #expect(document.records[1].fields[1] == "Globex, \"the\" Inc." && first.content.contains("\"Globex, \"\"the\"\" Inc.\""))

            func snapshot() async throws -> String {
                try await server.inTenant(tenant) { connection in
                    try await connection.query(
                        """
                        SELECT (SELECT string_agg(to_jsonb(a)::text, E'\\n' ORDER BY a.id) FROM accounts a) || E'\\n' ||
                               (SELECT coalesce(string_agg(to_jsonb(t)::text, E'\\n' ORDER BY t.account_id, t.user_id), '') FROM account_team t) AS rows
                        """)[0].decode(String.self, column: "rows")
                }
            }
            let before = try await snapshot()
            let report = try await client.importRows(.accounts, document)
            #expect(report.inserted == 0 && report.updated == 3 && report.rejected.isEmpty)
            #expect(try await snapshot() == before)
            #expect(try await client.exportAccounts().content == first.content)

            // By objective: only Acme.
            let retention = try CSVDocument(bytes: Array(try await client.exportAccounts(objective: .retention).content.utf8))
            #expect(retention.records.map { $0.fields[0] } == ["001A"])
        }
    }
}
