import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    struct QuadrantPoint: Decodable {
        var name: String
        var relationship: String
        var value: String
    }

    /// `keyplan import`, `keyplan portfolio` and its quadrant through the built binary.
    @Test func importAssessListAndDrawTheQuadrant() async throws {
        try await withCLIServer { server, folder in
            _ = try await server.bootstrapTenant(slug: "acme")
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")

            let csv = folder.appendingPathComponent("accounts.csv")
            try Data("Id,Name,AnnualRevenue,CurrencyIsoCode\r\nA1,Acme,900000,EUR\r\nA2,Globex,100000,EUR\r\nA3,,5,EUR\r\n".utf8).write(to: csv)
            let imported = try await keyplan(["import", "accounts", csv.path])
            #expect(imported.status == 2, "rejected rows make the exit status 2")
            #expect(
                imported.output.contains("2 inserted, 0 updated, 1 rejected") && imported.output.contains("line 4, column Name: required, but empty"))
            #expect(imported.errors.contains("3/3 rows"), "a progress bar on standard error")

            let page = try await json(PortfolioPage.self, ["portfolio", "list", "--sort", "name"])
            #expect(page.accounts.map(\.name) == ["Acme", "Globex"])
            let acme = try #require(page.accounts.first)
            #expect(acme.name == "Acme")
            _ = try await json(Assessment.self, ["portfolio", "assess", "--account", "Acme", "--value", "5,5,4", "--relationship", "4,4,5,5,4"])
            let badAnswers = try await failure(["portfolio", "assess", "--account", "Acme", "--value", "5,5", "--relationship", "4,4,5,5,4"])
            #expect(badAnswers.code == "INVALID_ARGUMENT")
            let revenue = try await json(
                RevenueHistory.self, ["portfolio", "revenue", "--account", "Acme", "--period", "2026-01", "--amount", "75000.25"])
            #expect(revenue.entries == [.init(period: "2026-01", amount: Decimal(string: "75000.25")!, currency: "EUR")])
            let pareto = try await json(ParetoReport.self, ["portfolio", "pareto"])
            #expect(pareto.groups.first?.topFifthShare == 90)

            let svg = folder.appendingPathComponent("quadrant.svg")
            let points = try await json([QuadrantPoint].self, ["portfolio", "quadrant", "--svg", svg.path])
            #expect(points.map(\.name) == ["Acme"])
            #expect(try String(contentsOf: svg, encoding: .utf8).contains("<title>Acme (candidate)</title>"))
            let text = try await keyplan(["portfolio", "quadrant"])
            #expect(text.status == 0 && text.output.contains("A Acme (relationship 85, value 91.67"))

            let latin1 = folder.appendingPathComponent("latin1.csv")
            try Data([0x49, 0x64, 0x2C, 0x4E, 0x61, 0x6D, 0x65, 0x0A, 0x42, 0x31, 0x2C, 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x0A]).write(to: latin1)
            let refused = try await keyplan(["import", "accounts", latin1.path])
            #expect(refused.status != 0 && refused.errors.contains("line 2: the file is not UTF-8"))

            // Over the size limit: refused before it is read (a sparse file, so the test stays cheap).
            let huge = folder.appendingPathComponent("huge.csv")
            FileManager.default.createFile(atPath: huge.path, contents: nil)
            let handle = try FileHandle(forWritingTo: huge)
            try handle.truncate(atOffset: UInt64(CSVDocument.Limits.defaults.maximumBytes + 1))
            try handle.close()
            let oversized = try await keyplan(["import", "accounts", huge.path])
            #expect(oversized.status != 0 && oversized.errors.contains("more than the limit of \(CSVDocument.Limits.defaults.maximumBytes)"))
        }
    }
}
