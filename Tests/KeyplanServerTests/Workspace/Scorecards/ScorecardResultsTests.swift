import Foundation
import KeyplanAPI
import Testing

/// The scorecard math on known answers: exact expected figures.
@Suite("Scorecard results")
struct ScorecardResultsTests {
    static let value = ScorecardCriterion(id: UUID(), name: "Value delivered", weight: 2)
    static let trust = ScorecardCriterion(id: UUID(), name: "Trust", weight: 1)
    static let speed = ScorecardCriterion(id: UUID(), name: "Responsiveness", weight: 1)
    static let criteria = [value, trust, speed]
    static let ann = UUID(), bob = UUID(), cyd = UUID()

    static func answers(_ scores: [(UUID, ScorecardCriterion, Int)]) -> [ScorecardResults.Answer] {
        scores.map { ScorecardResults.Answer(respondentID: $0.0, criterionID: $0.1.id, score: $0.2) }
    }

    @Test func meansSpreadsAndTheWeightedOverallOfTwoRespondents() throws {
        // Bob skips responsiveness.
        let results = ScorecardResults(
            criteria: Self.criteria,
            answers: Self.answers([
                (Self.ann, Self.value, 6), (Self.ann, Self.trust, 7), (Self.ann, Self.speed, 4), (Self.bob, Self.value, 10),
                (Self.bob, Self.trust, 9),
            ]),
            invitedCount: 4)
        let value = try #require(results.criterion(Self.value.id))
        #expect(
            value.mean == 8 && value.minimum == 6 && value.maximum == 10 && value.standardDeviation == 2 && value.respondentCount == 2
                && value.weight == 2)
        let trust = try #require(results.criterion(Self.trust.id))
        #expect(trust.mean == 8 && trust.minimum == 7 && trust.maximum == 9 && trust.standardDeviation == 1)
        let speed = try #require(results.criterion(Self.speed.id))
        #expect(speed.mean == 4 && speed.standardDeviation == 0 && speed.respondentCount == 1)
        // (2 × 8 + 1 × 8 + 1 × 4) ÷ 4
        #expect(results.overall == 7)
        #expect(results.respondentCount == 2 && results.invitedCount == 4 && results.responseRate == 0.5)
        // Value and trust tie for strongest, in template order.
        #expect(results.strongest == [Self.value.id, Self.trust.id])
        #expect(results.weakest == [Self.speed.id])
        #expect(results.criteria.map(\.name) == ["Value delivered", "Trust", "Responsiveness"])
    }

    @Test func theOverallCountsOnlyCriteriaWithAnswersAndUsesFractionalWeights() throws {
        let light = ScorecardCriterion(id: UUID(), name: "Light", weight: 0.5)
        let heavy = ScorecardCriterion(id: UUID(), name: "Heavy", weight: 1.5)
        let unanswered = ScorecardCriterion(id: UUID(), name: "Nobody knows", weight: 100)
        let results = ScorecardResults(
            criteria: [light, heavy, unanswered],
            answers: Self.answers([
                (Self.ann, light, 2), (Self.ann, heavy, 6), (Self.bob, light, 4), (Self.bob, heavy, 10), (Self.cyd, light, 9), (Self.cyd, heavy, 8),
            ]),
            invitedCount: 3)
        // light: 2, 4, 9 → mean 5, variance (9 + 1 + 16) ÷ 3; heavy: 6, 10, 8 → mean 8, variance 8 ÷ 3.
        #expect(results.criterion(light.id)?.mean == 5 && results.criterion(heavy.id)?.mean == 8)
        #expect(abs(try #require(results.criterion(light.id)?.standardDeviation) - (26.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(try #require(results.criterion(heavy.id)?.standardDeviation) - (8.0 / 3).squareRoot()) < 1e-12)
        // (0.5 × 5 + 1.5 × 8) ÷ 2; the unanswered criterion's weight does not count.
        #expect(results.overall == 7.25)
        #expect(results.criterion(unanswered.id)?.mean == nil && results.criterion(unanswered.id)?.respondentCount == 0)
        #expect(results.criterion(unanswered.id)?.minimum == nil && results.criterion(unanswered.id)?.standardDeviation == nil)
        #expect(results.strongest == [heavy.id] && results.weakest == [light.id])
        #expect(results.responseRate == 1)
    }

    @Test func oneRespondent() throws {
        let results = ScorecardResults(
            criteria: Self.criteria, answers: Self.answers([(Self.cyd, Self.value, 9), (Self.cyd, Self.trust, 3), (Self.cyd, Self.speed, 6)]),
            invitedCount: 5)
        #expect(results.criteria.map(\.mean) == [9, 3, 6])
        #expect(results.criteria.map(\.standardDeviation) == [0, 0, 0])
        // (2 × 9 + 3 + 6) ÷ 4
        #expect(results.overall == 6.75)
        #expect(results.respondentCount == 1 && results.responseRate == 0.2)
        #expect(results.strongest == [Self.value.id] && results.weakest == [Self.trust.id])
    }

    @Test func noResponses() {
        let results = ScorecardResults(criteria: Self.criteria, answers: [], invitedCount: 3)
        #expect(results.overall == nil && results.respondentCount == 0 && results.responseRate == 0)
        #expect(results.criteria.allSatisfy { $0.mean == nil && $0.respondentCount == 0 && $0.standardDeviation == nil })
        #expect(results.strongest.isEmpty && results.weakest.isEmpty)
        // Nobody invited: no rate at all rather than a division by zero.
        #expect(ScorecardResults(criteria: Self.criteria, answers: [], invitedCount: 0).responseRate == nil)
    }

    @Test func equalMeansHaveNoStrongestOrWeakest() {
        let results = ScorecardResults(
            criteria: Self.criteria,
            answers: Self.answers([(Self.ann, Self.value, 5), (Self.ann, Self.trust, 7), (Self.bob, Self.value, 7), (Self.bob, Self.trust, 5)]),
            invitedCount: 2)
        #expect(results.criteria.compactMap(\.mean) == [6, 6])
        #expect(results.strongest.isEmpty && results.weakest.isEmpty)
        #expect(results.overall == 6)
    }

    @Test func respondentsNoLongerInvitedStillCountAsAskedAndStrayAnswersAreIgnored() {
        let results = ScorecardResults(
            criteria: [Self.value],
            answers: Self.answers([(Self.ann, Self.value, 4), (Self.bob, Self.value, 8), (Self.cyd, Self.trust, 1)]),
            invitedCount: 1)
        #expect(results.respondentCount == 2 && results.invitedCount == 2 && results.responseRate == 1)
        #expect(results.overall == 6 && results.criteria.count == 1)
    }

    @Test func theTrendComparesEachRoundWithThePreviousOne() throws {
        let someone = WorkspaceChange.Actor(userID: UUID(), kind: .seller, displayName: "Sam", email: "sam@acme.example")
        let template = ScorecardTemplate(
            id: UUID(), name: "Customer value", scale: .defaults, criteria: [Self.value, Self.trust], createdAt: Date(), archivedAt: nil, version: 1,
            updatedBy: someone, updatedAt: Date(), inUse: true)
        func round(_ period: String) -> ScoringRound {
            ScoringRound(
                id: UUID(), accountID: UUID(), templateID: template.id, templateName: template.name, period: period, scale: .defaults,
                openedBy: someone, openedAt: Date(), closesAt: nil, closedAt: nil, isOpen: period == "2027-Q1", version: 1,
                updatedBy: someone, updatedAt: Date(), answeredByMe: false, responseCount: nil)
        }
        func results(_ scores: [(UUID, ScorecardCriterion, Int)]) -> ScorecardResults {
            ScorecardResults(criteria: template.criteria, answers: Self.answers(scores), invitedCount: 2)
        }
        let rounds = [
            (round("2026-Q3"), results([(Self.ann, Self.value, 6), (Self.ann, Self.trust, 9)])),
            (round("2026-Q4"), results([(Self.ann, Self.value, 8), (Self.bob, Self.value, 9)])),
            (round("2027-Q1"), results([(Self.ann, Self.value, 7), (Self.ann, Self.trust, 4)])),
        ]
        let trend = ScorecardTrend(template: template, rounds: rounds)
        #expect(trend.points.map(\.period) == ["2026-Q3", "2026-Q4", "2027-Q1"])
        // Overall: (2 × 6 + 9) ÷ 3 = 7, then value alone 8.5, then (2 × 7 + 4) ÷ 3 = 6.
        #expect(trend.points.map(\.overall) == [7, 8.5, 6])
        #expect(trend.points.map(\.overallChange) == [nil, 1.5, -2.5])
        #expect(trend.points.map { $0.criteria[0].mean } == [6, 8.5, 7])
        #expect(trend.points.map { $0.criteria[0].change } == [nil, 2.5, -1.5])
        // Nobody scored trust in 2026-Q4: no mean, and no change either side of it.
        #expect(trend.points.map { $0.criteria[1].mean } == [9, nil, 4])
        #expect(trend.points.map { $0.criteria[1].change } == [nil, nil, nil])
        #expect(trend.points.map(\.respondentCount) == [1, 2, 1] && trend.points.map(\.responseRate) == [0.5, 1, 0.5])
        #expect(trend.points.map(\.isOpen) == [false, false, true])
        #expect(ScorecardTrend(template: template, rounds: []).points.isEmpty)
    }

    @Test func templateValidation() {
        func problem(_ change: (inout CreateTemplateRequest) -> Void) -> String? {
            var request = CreateTemplateRequest(
                name: "Customer value", criteria: [CriterionDraft(name: "Trust", weight: 1.25), CriterionDraft(name: "Value", weight: 3)])
            change(&request)
            return request.trimmed.problem
        }
        #expect(problem { _ in } == nil)
        #expect(problem { $0.criteria = [] }?.contains("1 to 50 criteria") == true)
        #expect(problem { $0.criteria = (0...50).map { CriterionDraft(name: "C\($0)", weight: 1) } }?.contains("got 51") == true)
        #expect(problem { $0.criteria.append(CriterionDraft(name: " trust ", weight: 1)) }?.contains("named twice") == true)
        for weight in [0, -1, 1000.01, 1.005, .nan, .infinity] {
            #expect(problem { $0.criteria[0].weight = weight }?.contains("weight of “Trust”") == true, "weight \(weight)")
        }
        #expect(problem { $0.criteria[0].weight = 1000 } == nil)
        #expect(problem { $0.criteria[0].name = "  " }?.contains("criterion's name") == true)
        #expect(problem { $0.name = "" }?.contains("template's name") == true)
        #expect(problem { $0.scale = ScoreScale(minimum: 5, maximum: 5) }?.contains("scale") == true)
        #expect(problem { $0.scale = ScoreScale(minimum: 0, maximum: 101) }?.contains("scale") == true)
        #expect(problem { $0.criteria[1].description = String(repeating: "x", count: 2001) }?.contains("2000") == true)
    }
}
