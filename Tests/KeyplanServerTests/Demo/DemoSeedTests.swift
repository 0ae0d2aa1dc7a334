import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import Testing

/// `keyplan-server demo seed`, the built binary, on a fresh database: it prints its result and
/// nothing else, and leaves months of history behind for the trend charts.
@Suite("Demo seed")
struct DemoSeedTests {
    @Test func theSeedPrintsOnlyItsResultAndLeavesMonthsOfHistory() async throws {
        let serverBinary = CLITests.binary.deletingLastPathComponent().appendingPathComponent("keyplan-server")
        try #require(FileManager.default.isExecutableFile(atPath: serverBinary.path), "build keyplan-server first")
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-demo-\(UUID())")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: project) }

        try await IdentityTestServer.with { server in
            let password = "demo password 2026"
            let run = try await CLITests.run(
                serverBinary, ["demo", "seed", "--database-url", server.database.appURL, "--project-dir", project.path, "--password", password])
            try #require(run.status == 0, "the seed failed: \(run.errors)")

            // The result only: the tenant, its people and accounts (indented), and where the server logged.
            let logPath = project.appendingPathComponent(".keyplan/demo-seed.log").path
            let lines = run.output.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("tenant demo; every user's password: ") == true, "\(run.output)")
            #expect(
                lines.contains("  Fabrikam Energy\tstrategic") && lines.dropLast().joined().firstMatch(of: /[0-9A-F]{8}-[0-9A-F]{4}-/) == nil,
                "names, not ids")
            #expect(lines.last == "the demo server's log: \(logPath)")
            let body = lines.dropFirst().dropLast()
            #expect(
                body.count > 10 && body.allSatisfy { $0.hasPrefix("  ") },
                "not the result:\n\(body.filter { !$0.hasPrefix("  ") }.joined(separator: "\n"))")
            #expect(!run.output.contains("keyplan.") && run.errors.isEmpty, "log lines in the output: \(run.errors)")
            let log = try String(contentsOfFile: logPath, encoding: .utf8)
            #expect(log.contains("keyplan.rpc.server:") && log.contains("listening"), "the server's log went to its file")

            let admin = server.client(try await server.anonymous.signIn(tenantSlug: "demo", email: "ada@northwind.example", password: password).token)
            let strategic = try await admin.portfolio(PortfolioQuery(status: .strategic)).accounts
            try #require(strategic.count >= 3)
            let template = try #require(try await admin.scorecardTemplates().first { $0.name == "Customer value" })
            let threeMonths = 90 * 86_400.0
            for account in strategic {
                // The health chart: several points over at least three months.
                let history = try await admin.health(of: account.id).history
                #expect(history.count >= 3, "\(account.name): \(history.count) health points")
                if let first = history.first, let last = history.last {
                    #expect(last.at.timeIntervalSince(first.at) >= threeMonths, "\(account.name): health from \(first.at) to \(last.at)")
                }
                // The scorecard trend: an overall score in at least three periods, spread over three months.
                let scored = try await admin.scorecardTrend(accountID: account.id, templateID: template.id).points.filter { $0.overall != nil }
                #expect(Set(scored.map(\.period)).count >= 3, "\(account.name): \(scored.map(\.period))")
                let opened = scored.map(\.openedAt)
                if let earliest = opened.min(), let latest = opened.max() {
                    #expect(latest.timeIntervalSince(earliest) >= threeMonths, "\(account.name): rounds opened from \(earliest) to \(latest)")
                }
            }
            // The story's present stays as told: Fabrikam's scorecard fell in the last quarter.
            let fabrikam = try #require(strategic.first { $0.name == "Fabrikam Energy" })
            #expect(try await admin.health(of: fabrikam.id).report.reasons.contains("the scorecard fell from 8.1 to 6"))
        }
    }
}
