import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `keyplan whitespace` through the built binary: the catalogue and cells by name, the grid
    /// as text, JSON and SVG, the co-editing refusal, the roll-up.
    @Test func whitespaceMapByName() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the keyplan product first: \(Self.binary.path)")
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Acme Buyer"])
            _ = try await json(GoalView.self, ["goals", "create", "--account", "Acme", "--title", "Grow EMEA"])

            let analytics = try await json(Solution.self, ["whitespace", "solutions", "add", "--name", "Analytics", "--description", "Predictive"])
            _ = try await json(Solution.self, ["whitespace", "solutions", "add", "--name", "Cloud"])
            #expect(try await json([Solution].self, ["whitespace", "solutions", "list"]).map(\.name) == ["Analytics", "Cloud"])

            let idea = try await json(
                WhitespaceCell.self,
                [
                    "whitespace", "add", "--account", "Acme", "--unit", "Plant operations", "--solution", "Analy", "--status", "opportunity",
                    "--value", "120000", "--idea", "Predict outages", "--goal", "Grow EMEA", "--shared",
                ])
            #expect(idea.solutionID == analytics.id && idea.shared && idea.annualValue == 120_000 && idea.goalIDs.count == 1)
            let rival = try await json(
                WhitespaceCell.self,
                [
                    "whitespace", "add", "--unit", "Finance", "--solution", "Cloud", "--status", "competitor", "--served-by", "competitor",
                    "--competitor", "Initrode", "--contract-end", "2027-06-30",
                ])
            #expect(rival.competitor == "Initrode" && rival.contractEndsOn?.description == "2027-06-30" && !rival.shared)

            let grid = try await keyplan(["whitespace", "grid", "--account", "Acme"])
            #expect(grid.status == 0 && grid.output.contains("opportunity: 120k USD (shared)") && grid.output.contains("competitor: Initrode"))
            #expect(try await json(WhitespaceGrid.self, ["whitespace", "grid"]).cells.count == 2)
            let picture = folder.appendingPathComponent("whitespace.svg").path
            #expect(try await keyplan(["whitespace", "grid", "--svg", picture]).output.contains("wrote \(picture) (2 cells)"))
            #expect(try String(contentsOfFile: picture, encoding: .utf8).contains("data-status=\"competitor\""))

            let updated = try await json(
                WhitespaceCell.self,
                ["whitespace", "update", "--unit", "finance", "--solution", "Cloud", "--version", "1", "--served-by", "us", "--status", "in_use"])
            #expect(updated.version == 2 && updated.competitor == "" && updated.status == .inUse)
            let stale = try await keyplan(["whitespace", "update", "--unit", "Finance", "--solution", "Cloud", "--version", "1", "--note", "late"])
            #expect(
                stale.status != 0 && stale.errors.contains("The whitespace cell now reads:") && stale.errors.contains("--version 2"),
                "\(stale.errors)")
            let missing = try await keyplan(["whitespace", "update", "--unit", "Legal", "--solution", "Cloud", "--version", "1"])
            #expect(missing.status != 0 && missing.errors.contains("has no cell for Cloud yet"))

            let history = try await keyplan(["history", "--record", "Finance × Cloud"])
            #expect(history.status == 0 && history.output.contains("Whitespace “Finance × Cloud” updated"), "\(history.output)")
            let rollup = try await json(WhitespaceRollup.self, ["whitespace", "rollup"])
            #expect(rollup.groups.first?.totalPotential == 120_000 && rollup.groups.first?.byAccount.first?.id == account.id)
            let report = try await keyplan(["analytics"])
            #expect(report.output.contains("whitespace potential (") && report.output.contains("solution: Analytics  "), "\(report.output)")
            _ = try await json([String: UUID].self, ["whitespace", "remove", "--unit", "Finance", "--solution", "Cloud", "--version", "2"])
            #expect(try await json(WhitespaceGrid.self, ["whitespace", "grid"]).cells.map(\.id) == [idea.id])
            let help = try await keyplan(["whitespace", "add", "--help"])
            #expect(help.output.contains("Examples:") && help.output.contains("keyplan whitespace add --account Globex"))
        }
    }
}
