import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `keyplan scorecards` through the built binary, as an admin and as an invited customer.
    @Test func scorecardsFromTemplateToTrend() async throws {
        try await withCLIServer { server, folder in
            let (_, adminGrant) = try await server.bootstrapTenant(slug: "acme")
            let server127 = "127.0.0.1:\(server.port)"
            _ = try await json(
                LoginResult.self, ["login", "--server", server127, "--tenant", "acme", "--email", "admin@acme.example", "--name", "admin"],
                input: "admin-password\n")
            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Initech", "--context", "admin"])
            let invitation = try await server.client(adminGrant.token).createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "buyer@initech.example", role: .customerEditor))
            _ = try await server.anonymous.acceptInvitation(token: invitation.token, password: "buyer password 1", displayName: "Bea Buyer")
            _ = try await json(
                LoginResult.self, ["login", "--server", server127, "--tenant", "acme", "--email", "buyer@initech.example", "--name", "buyer"],
                input: "buyer password 1\n")
            let admin = ["--context", "admin"], buyer = ["--context", "buyer"]
            let accountID = account.id.uuidString

            let criteriaFile = folder.appendingPathComponent("criteria.json")
            try Data(#"[{"name": "Value delivered", "description": "What we brought", "weight": 2}, {"name": "Trust", "weight": 1}]"#.utf8).write(
                to: criteriaFile)
            let template = try await json(
                ScorecardTemplate.self,
                [
                    "scorecards", "template-create", "--name", "Customer value", "--criteria-file", criteriaFile.path, "--criterion",
                    "Responsiveness: 1.5",
                ] + admin)
            #expect(
                template.criteria.map(\.name) == ["Responsiveness", "Value delivered", "Trust"] && template.criteria.map(\.weight) == [1.5, 2, 1])
            let badCriterion = try await keyplan(["scorecards", "template-create", "--name", "Bad", "--criterion", "Trust"] + admin)
            #expect(badCriterion.status != 0 && badCriterion.errors.contains("\"Name:weight\""))
            let zeroWeight = try await failure(["scorecards", "template-create", "--name", "Bad", "--criterion", "Trust:0"] + admin)
            #expect(zeroWeight.code == "INVALID_ARGUMENT")
            #expect(try await json([ScorecardTemplate].self, ["scorecards", "templates"] + admin).map(\.id) == [template.id])
            let shown = try await keyplan(["scorecards", "template", template.id.uuidString] + admin)
            #expect(shown.status == 0 && shown.output.contains("Value delivered  2.00    What we brought"))

            let round = try await json(
                ScoringRound.self,
                ["scorecards", "open", "--account", accountID, "--template", template.id.uuidString, "--period", "2026-Q4"] + admin)
            #expect(round.period == "2026-Q4" && round.isOpen)
            let rounds = try await json([ScoringRound].self, ["scorecards", "rounds", "--account", accountID] + buyer)
            #expect(rounds.map(\.id) == [round.id] && rounds.first?.answeredByMe == false)

            let roundID = round.id.uuidString
            let response = try await json(
                ScorecardResponse.self,
                [
                    "scorecards", "answer", "--account", accountID, roundID, "--score", "value delivered:8", "--score", "Trust:6", "--comment",
                    "good quarter",
                ] + buyer)
            #expect(response.answers.map(\.score) == [8, 6] && response.version == 1)
            let unknown = try await keyplan(["scorecards", "answer", "--account", accountID, roundID, "--score", "Speed:3"] + buyer)
            #expect(unknown.status != 0 && unknown.errors.contains("no criterion “Speed”"))
            let detail = try await json(RoundDetail.self, ["scorecards", "show", "--account", accountID, roundID] + buyer)
            #expect(detail.responses.count == 1 && detail.criteria.allSatisfy { $0.weight == nil })
            let refused = try await keyplan(["scorecards", "results"] + buyer)
            #expect(
                refused.status != 0 && refused.errors.contains("only the account team") && !refused.errors.contains("readInternal"),
                "\(refused.errors)")
            #expect(try await failure(["scorecards", "results"] + buyer).code == "PERMISSION_DENIED")

            // (2 × 8 + 1 × 6) ÷ 3; responsiveness was skipped.
            let results = try await json(RoundResults.self, ["scorecards", "results", "--account", accountID, roundID] + admin)
            #expect(results.results.overall == 22.0 / 3 && results.results.respondentCount == 1 && results.results.responseRate == 1)
            let table = try await keyplan(["scorecards", "results", "--account", accountID, roundID] + admin)
            #expect(table.status == 0, "\(table.errors)")
            #expect(table.output.contains("criterion        weight  mean  min  max  sd    n"))
            #expect(table.output.contains("Value delivered  2.00    8.00  8    8    0.00  1"))
            #expect(table.output.contains("Responsiveness   1.50    -     -    -    -     0"))
            #expect(table.output.contains("overall (weighted): 7.33 on 1-10") && table.output.contains("responses: 1 of 1 invited (100%)"))
            #expect(table.output.contains("strongest: Value delivered") && table.output.contains("weakest: Trust"))

            let unversioned = try await keyplan(["scorecards", "close", "--account", "Initech", "2026-Q4"] + admin)
            #expect(unversioned.status != 0 && unversioned.errors.contains("--version"), "closing names the version read")
            let closed = try await json(
                ScoringRound.self, ["scorecards", "close", "--account", "Initech", "2026-Q4", "--version", String(round.version)] + admin)
            #expect(!closed.isOpen)
            let late = try await failure(["scorecards", "answer", roundID, "--score", "Trust:9"] + buyer)
            #expect(late.code == "FAILED_PRECONDITION")

            let next = try await json(
                ScoringRound.self,
                ["scorecards", "open", "--account", accountID, "--template", template.id.uuidString, "--period", "2027-Q1"] + admin)
            _ = try await json(
                ScorecardResponse.self,
                ["scorecards", "answer", "--account", accountID, next.id.uuidString, "--score", "Value delivered:9", "--score", "Trust:9"] + buyer)
            let trend = try await json(
                ScorecardTrend.self, ["scorecards", "trend", "--account", accountID, "--template", template.id.uuidString] + admin)
            #expect(trend.points.map(\.period) == ["2026-Q4", "2027-Q1"] && trend.points.last?.overall == 9)
            let trendTable = try await keyplan(["scorecards", "trend", "--account", accountID, "--template", template.id.uuidString] + admin)
            #expect(trendTable.output.contains("period          overall  change  responses  Responsiveness  Value delivered  Trust"))
            #expect(trendTable.output.contains("2027-Q1 (open)  9.00     +1.67   1          -               9.00 (+1.00)     9.00 (+3.00)"))

            let archived = try await json(
                ScorecardTemplate.self, ["scorecards", "template-archive", "Customer value", "--version", String(template.version)] + admin)
            #expect(archived.archivedAt != nil && archived.inUse)
            #expect(try await json([ScorecardTemplate].self, ["scorecards", "templates"] + admin).isEmpty)
            #expect(try await json([ScorecardTemplate].self, ["scorecards", "templates", "--archived"] + admin).count == 1)
        }
    }
}
