import Foundation
import KeyplanAPI
import Testing

/// Each signal and the total on known inputs.
@Suite("Health score")
struct HealthReportTests {
    /// An account at risk: a decision maker nobody knows well, single-threaded, the scorecard
    /// falling, quiet for 75 days, an action 10 days late, revenue down 20%, assessed 120 days ago.
    static let atRisk = HealthInputs(
        keyContacts: 4, keyContactsCovered: 1, decisionMakers: 2, decisionMakersCovered: 0,
        stronglyConnectedSellers: ["Dana", "Dana"], latestScorecard: 6.4, previousScorecard: 8.1, scorecardScale: 1...10,
        daysSinceCustomerActivity: 75, customerActiveDays90: 3, overdueActions: 2, worstOverdueDays: 10, stalledActions: 1,
        revenueLast12Months: 800_000, revenuePrevious12Months: 1_000_000, daysSinceAssessment: 120, reviewIntervalDays: 90)

    func signal(_ report: HealthReport, _ kind: HealthSignal.Kind) throws -> HealthSignal {
        try #require(report.signals.first { $0.kind == kind })
    }

    @Test func eachSignalOfAnAccountAtRisk() throws {
        let report = HealthReport(inputs: Self.atRisk, weights: .defaults)
        #expect(try signal(report, .decisionMakerCoverage).value == 12.5)  // half for no decision maker covered, half for 1 of 4
        #expect(try signal(report, .multiThreading).value == 33.33)
        #expect(try signal(report, .overdueActions).value == 0)
        #expect(try signal(report, .stalledActions).value == 75)
        #expect(try signal(report, .scorecard).value == 60)  // (6.4 − 1) / 9
        #expect(try signal(report, .scorecardTrend).value == 2.78)  // 50 + 2.5 × (60 − 78.89)
        #expect(try signal(report, .customerEngagement).value == 20)  // (15 + 25) / 2
        #expect(try signal(report, .revenueTrend).value == 0)  // 50 + 2.5 × −20
        #expect(try signal(report, .assessmentFreshness).value == 83.33)  // 100 × (270 − 120) / 180
        // Σ value × weight / 100: 2.5 + 3.33 + 0 + 3.75 + 12 + 0.14 + 2 + 0 + 4.17
        #expect(report.score == 27.89)
        #expect(report.band == .low)
        #expect(abs(report.signals.map(\.contribution).reduce(0, +) - report.score) < 0.05)
    }

    @Test func theReasonsSayWhyInWordsWeakestFirst() {
        let report = HealthReport(inputs: Self.atRisk, weights: .defaults)
        #expect(
            report.reasons == [
                "2 actions are overdue, the worst by 10 days",
                "revenue fell 20% against the 12 months before",
                "the scorecard fell from 8.1 to 6.4",
                "no strong relationship with any decision maker",
                "no customer activity in 75 days",
                "single-threaded: only Dana has a strong relationship",
            ])
    }

    @Test func thePublishedFormulaIsRelationshipTasksAndValueOverThree() {
        // relationship 50, tasks 33 (worst 1–7 days late), value (7 − 1) / 9 = 66.67
        let inputs = HealthInputs(keyContacts: 2, keyContactsCovered: 1, latestScorecard: 7, overdueActions: 1, worstOverdueDays: 3)
        #expect(HealthReport(inputs: inputs, weights: .published).score == 49.89)
        let onTime = HealthInputs(keyContacts: 2, keyContactsCovered: 2, latestScorecard: 10)
        #expect(HealthReport(inputs: onTime, weights: .published).score == 100)
    }

    @Test func aSignalWithoutDataCountsForNothingAndTheOthersShareItsWeight() throws {
        let inputs = HealthInputs(keyContacts: 1, keyContactsCovered: 1)
        let report = HealthReport(inputs: inputs, weights: .published)
        // No scorecard: coverage 100 and tasks 100 share the weight.
        #expect(report.score == 100)
        let scorecard = try signal(report, .scorecard)
        #expect(scorecard.value == nil && scorecard.contribution == 0 && scorecard.reason == nil)
        #expect(scorecard.detail == "the customer has not scored us yet")
    }

    @Test func bandsFollowThePublishedCuts() {
        #expect(HealthReport.Band(score: 67) == .high)
        #expect(HealthReport.Band(score: 66.99) == .medium)
        #expect(HealthReport.Band(score: 34) == .medium)
        #expect(HealthReport.Band(score: 33) == .low)
    }

    @Test func weightsAreChecked() {
        #expect(HealthWeights.defaults.problem == nil)
        #expect(HealthWeights(scorecard: -1).problem == "the weight of scorecard must be between 0 and 1000")
        #expect(HealthWeights().problem == "at least one weight must be above 0")
        #expect(HealthWeights(scorecard: .nan).problem != nil)
    }
}
