import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Templates, rounds, answers, results and trends against a real server, as sellers and customers.
@Suite("Scorecards")
struct ScorecardTests {
    static let criteria = [
        CriterionDraft(name: "Value delivered", description: "What our work brought you", weight: 2),
        CriterionDraft(name: "Trust", weight: 1),
        CriterionDraft(name: "Responsiveness", weight: 1),
    ]

    @Test func customersAnswerAndSellersReadTheResults() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let admin = try await world.client(for: .admin)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let viewer = try await world.client(for: .customerViewer)
            let editorID = try #require(world.users[.customerEditor]).user, viewerID = try #require(world.users[.customerViewer]).user

            let template = try await admin.createScorecardTemplate(CreateTemplateRequest(name: " Customer value ", criteria: Self.criteria))
            #expect(template.name == "Customer value" && template.scale == .defaults && !template.inUse)
            #expect(template.criteria.map(\.name) == ["Value delivered", "Trust", "Responsiveness"] && template.criteria.map(\.weight) == [2, 1, 1])
            let (value, trust, speed) = (template.criteria[0].id, template.criteria[1].id, template.criteria[2].id)

            let round = try await seller.openScoringRound(OpenRoundRequest(accountID: world.accountA, templateID: template.id, period: " 2026-Q4 "))
            #expect(round.period == "2026-Q4" && round.isOpen && round.responseCount == 0 && round.templateName == "Customer value")
            #expect(try await seller.scorecardTemplate(template.id).inUse)
            // Each invited customer is told, nobody else.
            let told = try await server.inTenant(world.acme) { connection in
                try await connection.query(
                    "SELECT recipient_id, message FROM notifications WHERE kind = 'scoring_round_opened' AND subject_id = \(round.id)"
                )
                .map { (recipient: try $0.decode(UUID.self, column: "recipient_id"), message: try $0.decode(String.self, column: "message")) }
            }
            #expect(Set(told.map(\.recipient)) == [editorID, viewerID])
            #expect(told.allSatisfy { $0.message == "Your scores, please: “Customer value” for 2026-Q4 with Account A" })

            _ = try await editor.answerScorecard(
                AnswerRequest(
                    accountID: world.accountA, roundID: round.id,
                    answers: [.init(criterionID: value, score: 6), .init(criterionID: trust, score: 7), .init(criterionID: speed, score: 4)],
                    comment: "solid"))
            // The viewer skips responsiveness.
            let viewerResponse = try await viewer.answerScorecard(
                AnswerRequest(
                    accountID: world.accountA, roundID: round.id,
                    answers: [.init(criterionID: trust, score: 9), .init(criterionID: value, score: 10)]))
            #expect(
                viewerResponse.version == 1 && viewerResponse.answers.map(\.criterionID) == [value, trust], "answers come back in template order")

            let report = try await seller.scorecardResults(accountID: world.accountA, roundID: round.id)
            let results = report.results
            #expect(results.criteria.map(\.mean) == [8, 8, 4] && results.criteria.map(\.standardDeviation) == [2, 1, 0])
            #expect(results.criteria.map(\.minimum) == [6, 7, 4] && results.criteria.map(\.maximum) == [10, 9, 4])
            #expect(results.overall == 7 && results.respondentCount == 2 && results.invitedCount == 2 && results.responseRate == 1)
            #expect(results.strongest == [value, trust] && results.weakest == [speed])
            #expect(report.round.responseCount == 2)

            // A customer sees the round, the criteria without weights, and only their own answers.
            let editorView = try await editor.scoringRound(accountID: world.accountA, roundID: round.id)
            #expect(editorView.responses.map(\.respondentID) == [editorID] && editorView.responses.first?.comment == "solid")
            #expect(
                editorView.criteria.map(\.name) == ["Value delivered", "Trust", "Responsiveness"]
                    && editorView.criteria.allSatisfy { $0.weight == nil })
            #expect(editorView.round.answeredByMe && editorView.round.responseCount == nil)
            let listed = try await viewer.scoringRounds(accountID: world.accountA)
            #expect(listed.map(\.id) == [round.id] && listed.first?.responseCount == nil && listed.first?.answeredByMe == true)
            // Sellers see every response, with weights.
            let sellerView = try await seller.scoringRound(accountID: world.accountA, roundID: round.id)
            #expect(Set(sellerView.responses.map(\.respondentID)) == [editorID, viewerID] && sellerView.criteria.map(\.weight) == [2, 1, 1])
            #expect(sellerView.responses.first { $0.respondentID == editorID }?.answers.count == 3)

            // Sellers do not answer, customers do not read results or trends.
            let onlyValue = [CriterionScore(criterionID: value, score: 5)]
            #expect(
                await statusCode {
                    _ = try await seller.answerScorecard(AnswerRequest(accountID: world.accountA, roundID: round.id, answers: onlyValue))
                } == .permissionDenied)
            #expect(await statusCode { _ = try await editor.scorecardResults(accountID: world.accountA, roundID: round.id) } == .permissionDenied)
            #expect(await statusCode { _ = try await viewer.scorecardTrend(accountID: world.accountA, templateID: template.id) } == .permissionDenied)
            #expect(
                await statusCode {
                    _ = try await editor.closeScoringRound(accountID: world.accountA, roundID: round.id, expectedVersion: round.version)
                } == .permissionDenied)
            #expect(await statusCode { _ = try await editor.scorecardTemplates() } == .permissionDenied)

            // Answering again replaces the answers; a stale version gets the current response.
            let replaced = try await viewer.answerScorecard(
                AnswerRequest(accountID: world.accountA, roundID: round.id, answers: onlyValue, expectedVersion: 1))
            #expect(replaced.version == 2 && replaced.answers == onlyValue && replaced.id == viewerResponse.id)
            let stale = await rpcError {
                _ = try await viewer.answerScorecard(
                    AnswerRequest(accountID: world.accountA, roundID: round.id, answers: onlyValue, expectedVersion: 1))
            }
            #expect(stale?.code == .aborted)
            #expect(try stale?.currentRecord(as: ScorecardResponse.self)?.version == 2)
            let after = try await seller.scorecardResults(accountID: world.accountA, roundID: round.id).results
            #expect(after.criteria.map(\.mean) == [5.5, 7, 4] && after.respondentCount == 2)

            // The journal: the round is shared history; responses are internal (sellers only).
            let customerHistory = try await editor.history(accountID: world.accountA, entityID: round.id)
            #expect(
                customerHistory.map(\.summary) == ["Scoring round “Customer value” 2026-Q4 opened"] && customerHistory.first?.visibility == .shared)
            #expect(try await viewer.history(accountID: world.accountA, entityID: viewerResponse.id).isEmpty)
            let responseHistory = try await seller.history(accountID: world.accountA, entityID: viewerResponse.id)
            #expect(responseHistory.map(\.operation) == [.created, .updated] && responseHistory.allSatisfy { $0.visibility == .internal })
            // Summaries carry no score.
            #expect(
                responseHistory.map(\.summary) == [
                    "Scorecard “Customer value” 2026-Q4 answered", "Scorecard “Customer value” 2026-Q4 answers changed",
                ])
            #expect(responseHistory.last?.fields.contains(FieldChange(field: "score: Trust", before: "9", after: nil)) == true)

            // Closed: answers are final.
            let closed = try await seller.closeScoringRound(accountID: world.accountA, roundID: round.id, expectedVersion: round.version)
            #expect(!closed.isOpen && closed.closedAt != nil && closed.version == 2)
            #expect(
                await statusCode {
                    _ = try await editor.answerScorecard(AnswerRequest(accountID: world.accountA, roundID: round.id, answers: onlyValue))
                } == .failedPrecondition)
            #expect(
                await statusCode {
                    _ = try await seller.closeScoringRound(accountID: world.accountA, roundID: round.id, expectedVersion: closed.version)
                } == .failedPrecondition)
            #expect(try await seller.history(accountID: world.accountA, entityID: round.id).map(\.operation) == [.created, .updated])

            // Another tenant's customer finds nothing; another account's id finds no round.
            let stranger = try await world.client(for: .otherTenantCustomer)
            #expect(await statusCode { _ = try await stranger.scoringRound(accountID: world.accountA, roundID: round.id) } == .notFound)
            #expect(
                await statusCode {
                    _ = try await stranger.answerScorecard(AnswerRequest(accountID: world.accountA, roundID: round.id, answers: onlyValue))
                } == .notFound)
            #expect(await statusCode { _ = try await stranger.scoringRound(accountID: world.accountC, roundID: round.id) } == .notFound)
            #expect(await statusCode { _ = try await admin.scoringRound(accountID: world.accountB, roundID: round.id) } == .notFound)
            let globexAdmin = try await server.anonymous.signIn(tenantSlug: "globex", email: "admin@globex.example", password: "admin-password")
            #expect(await statusCode { _ = try await server.client(globexAdmin.token).scorecardTemplate(template.id) } == .notFound)
        }
    }

    @Test func roundsTemplatesAndTrends() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let admin = try await world.client(for: .admin)
            let seller = try await world.client(for: .teamMember)
            let editor = try await world.client(for: .customerEditor)
            let template = try await admin.createScorecardTemplate(
                CreateTemplateRequest(name: "Customer value", scale: ScoreScale(minimum: 0, maximum: 5), criteria: Self.criteria))
            let (value, trust) = (template.criteria[0].id, template.criteria[1].id)

            // Templates: admins create and archive, sellers read; names are unique, input checked.
            #expect(
                await statusCode {
                    _ = try await admin.createScorecardTemplate(CreateTemplateRequest(name: "customer VALUE", criteria: Self.criteria))
                } == .alreadyExists)
            #expect(
                await statusCode { _ = try await seller.createScorecardTemplate(CreateTemplateRequest(name: "Mine", criteria: Self.criteria)) }
                    == .permissionDenied)
            let duplicated = await rpcError {
                _ = try await admin.createScorecardTemplate(
                    CreateTemplateRequest(name: "Twice", criteria: [.init(name: "Trust", weight: 1), .init(name: "trust", weight: 2)]))
            }
            #expect(duplicated?.code == .invalidArgument && duplicated?.message.contains("named twice") == true)
            #expect(
                await statusCode {
                    _ = try await admin.createScorecardTemplate(
                        CreateTemplateRequest(name: "Weightless", criteria: [.init(name: "Trust", weight: 0)]))
                } == .invalidArgument)
            let old = try await admin.createScorecardTemplate(
                CreateTemplateRequest(name: "Old survey", criteria: [.init(name: "Overall", weight: 1)]))
            #expect(try await seller.scorecardTemplates().map(\.name) == ["Customer value", "Old survey"])
            #expect(try await admin.archiveScorecardTemplate(old.id, expectedVersion: old.version).archivedAt != nil)
            #expect(try await seller.scorecardTemplates().map(\.name) == ["Customer value"])
            #expect(try await seller.scorecardTemplates(includeArchived: true).count == 2)
            #expect(await statusCode { _ = try await seller.scorecardTemplate(UUID()) } == .notFound)
            #expect(await statusCode { _ = try await admin.archiveScorecardTemplate(UUID(), expectedVersion: 1) } == .notFound)

            // Rounds: one per account, template and period; archived templates open none; periods checked.
            let q3 = try await seller.openScoringRound(OpenRoundRequest(accountID: world.accountA, templateID: template.id, period: "2026-Q3"))
            #expect(
                await statusCode {
                    _ = try await seller.openScoringRound(OpenRoundRequest(accountID: world.accountA, templateID: template.id, period: "2026-Q3"))
                } == .alreadyExists)
            #expect(
                await statusCode {
                    _ = try await seller.openScoringRound(OpenRoundRequest(accountID: world.accountA, templateID: old.id, period: "2026-Q3"))
                } == .failedPrecondition)
            #expect(
                await statusCode {
                    _ = try await seller.openScoringRound(OpenRoundRequest(accountID: world.accountA, templateID: UUID(), period: "2026-Q3"))
                } == .notFound)
            for period in ["", String(repeating: "9", count: 51), "2026;Q3"] {
                #expect(
                    await statusCode {
                        _ = try await seller.openScoringRound(OpenRoundRequest(accountID: world.accountA, templateID: template.id, period: period))
                    } == .invalidArgument)
            }
            let past = OpenRoundRequest(
                accountID: world.accountA, templateID: template.id, period: "2026-Q1", closesAt: Date().addingTimeInterval(-60))
            #expect(await statusCode { _ = try await seller.openScoringRound(past) } == .invalidArgument)

            // Answers are checked against the round's criteria and scale (0 to 5 here).
            for (answers, message) in [
                ([CriterionScore](), "at least one"), ([.init(criterionID: value, score: 6)], "from 0 to 5"),
                ([.init(criterionID: value, score: -1)], "from 0 to 5"), ([.init(criterionID: UUID(), score: 3)], "not a criterion"),
                ([.init(criterionID: value, score: 3), .init(criterionID: value, score: 4)], "once"),
            ] {
                let error = await rpcError {
                    _ = try await editor.answerScorecard(AnswerRequest(accountID: world.accountA, roundID: q3.id, answers: answers))
                }
                #expect(error?.code == .invalidArgument && error?.message.contains(message) == true, "\(answers)")
            }
            let tooLong = AnswerRequest(
                accountID: world.accountA, roundID: q3.id, answers: [.init(criterionID: value, score: 3)],
                comment: String(repeating: "x", count: 4001))
            #expect(await statusCode { _ = try await editor.answerScorecard(tooLong) } == .invalidArgument)
            let firstTime = AnswerRequest(
                accountID: world.accountA, roundID: q3.id, answers: [.init(criterionID: value, score: 3)], expectedVersion: 1)
            #expect(await statusCode { _ = try await editor.answerScorecard(firstTime) } == .failedPrecondition)

            // First answers sent at once: each is written or told of the other (ABORTED), none lost in between.
            let q3Answers = AnswerRequest(
                accountID: world.accountA, roundID: q3.id, answers: [.init(criterionID: value, score: 2), .init(criterionID: trust, score: 5)])
            let codes = await concurrentStatusCodes(4) { _ = try await editor.answerScorecard(q3Answers) }
            #expect(codes.allSatisfy { $0 == .ok || $0 == .aborted } && codes.contains(.ok), "\(codes)")
            let q3Response = try #require(try await editor.scoringRound(accountID: world.accountA, roundID: q3.id).responses.first)
            #expect(q3Response.version == codes.filter { $0 == .ok }.count)
            #expect(try await seller.history(accountID: world.accountA, entityID: q3Response.id).filter { $0.operation == .created }.count == 1)
            _ = try await seller.closeScoringRound(accountID: world.accountA, roundID: q3.id, expectedVersion: q3.version)
            let q4 = try await seller.openScoringRound(
                OpenRoundRequest(
                    accountID: world.accountA, templateID: template.id, period: "2026-Q4", closesAt: Date().addingTimeInterval(3600)))
            _ = try await editor.answerScorecard(
                AnswerRequest(
                    accountID: world.accountA, roundID: q4.id, answers: [.init(criterionID: value, score: 4), .init(criterionID: trust, score: 3)]))
            // A round whose closing time passed takes no more answers.
            _ = try await server.inTenant(world.acme) { connection in
                try await connection.query("UPDATE scoring_rounds SET closes_at = now() - interval '1 second' WHERE id = \(q4.id)")
            }
            #expect(
                await statusCode {
                    _ = try await editor.answerScorecard(
                        AnswerRequest(accountID: world.accountA, roundID: q4.id, answers: [.init(criterionID: value, score: 5)]))
                } == .failedPrecondition)
            #expect(try await editor.scoringRounds(accountID: world.accountA).map(\.isOpen) == [false, false])
            // Closed by a seller afterwards, it closed when its time passed.
            let q4Closed = try await seller.closeScoringRound(accountID: world.accountA, roundID: q4.id, expectedVersion: q4.version)
            #expect(q4Closed.closedAt != nil && q4Closed.closedAt == q4Closed.closesAt)

            // The trend in period order: overall (2 × 2 + 5) ÷ 3 = 3, then (2 × 4 + 3) ÷ 3.
            let trend = try await seller.scorecardTrend(accountID: world.accountA, templateID: template.id)
            #expect(trend.points.map(\.period) == ["2026-Q3", "2026-Q4"])
            #expect(trend.points.map(\.overall) == [3, 11.0 / 3])
            #expect(trend.points.last?.overallChange == 11.0 / 3 - 3)
            #expect(trend.points.map { $0.criteria.map(\.change) } == [[nil, nil, nil], [2, -2, nil]])
            #expect(trend.points.map(\.responseRate) == [0.5, 0.5], "one of the two invited customers answered")
            #expect(try await seller.scoringRounds(accountID: world.accountA, templateID: old.id).isEmpty)
            #expect(try await admin.scorecardTrend(accountID: world.accountB, templateID: template.id).points.isEmpty)
            #expect(await statusCode { _ = try await seller.scorecardTrend(accountID: world.accountA, templateID: UUID()) } == .notFound)
        }
    }
}
