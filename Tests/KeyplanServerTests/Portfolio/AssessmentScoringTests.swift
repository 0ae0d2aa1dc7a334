import Foundation
import KeyplanAPI
import Testing

@Suite("Assessment scoring")
struct AssessmentScoringTests {
    let defaults = PortfolioSettings.defaults

    @Test func scoresAreWeightedMeansOnZeroToHundred() {
        #expect(defaults.score(AssessmentAnswers(value: [5, 5, 5], relationship: [5, 5, 5, 5, 5])).value == 100)
        #expect(defaults.score(AssessmentAnswers(value: [1, 1, 1], relationship: [1, 1, 1, 1, 1])).relationship == 0)
        // (2 + 3 + 4) / (3 × 4) = 75 %
        #expect(defaults.score(AssessmentAnswers(value: [3, 4, 5], relationship: [1, 1, 1, 1, 1])).value == 75)
        var weighted = defaults
        weighted.valueWeights = [2, 1, 0]
        // (4 × 2 + 0 × 1) / (3 × 4) = 66.666… → 66.67
        #expect(weighted.score(AssessmentAnswers(value: [5, 1, 3], relationship: [1, 1, 1, 1, 1])).value == Decimal(string: "66.67"))
        weighted.relationshipWeights = [0, 0, 0, 0, 3]
        #expect(weighted.score(AssessmentAnswers(value: [1, 1, 1], relationship: [5, 5, 5, 5, 2])).relationship == 25)
    }

    @Test func aScoreOnTheThresholdIsStrongOrHigh() {
        // [3, 3, 3] and [1, 2, 3, 4, 5] both score exactly 50, the default thresholds.
        let onThresholds = AssessmentAnswers(value: [3, 3, 3], relationship: [1, 2, 3, 4, 5])
        let score = defaults.score(onThresholds)
        #expect(score.value == 50 && score.relationship == 50)
        #expect(score.quadrant == .strongHigh && score.priority == 1)
        var stricter = defaults
        stricter.valueThreshold = Decimal(string: "50.01")!
        #expect(stricter.score(onThresholds).quadrant == .strongLow)
        stricter.relationshipThreshold = Decimal(string: "50.01")!
        #expect(stricter.score(onThresholds).quadrant == .weakLow)
        stricter.valueThreshold = 50
        #expect(stricter.score(onThresholds).quadrant == .weakHigh)
    }

    @Test func defaultPriorityOrder() {
        #expect(Quadrant.allCases.map(defaults.priority(of:)) == [1, 2, 3, 4])
    }

    @Test func aTenantsPriorityOrder() {
        var settings = defaults
        settings.priorityOrder = [.weakLow, .strongLow, .weakHigh]
        #expect(settings.problem == nil)
        #expect(settings.priority(of: .strongHigh) == 1)
        #expect(settings.priority(of: .weakLow) == 2)
        #expect(settings.priority(of: .strongLow) == 3)
        #expect(settings.priority(of: .weakHigh) == 4)
        #expect(settings.score(AssessmentAnswers(value: [1, 1, 1], relationship: [1, 1, 1, 1, 1])).priority == 2)
    }

    @Test func invalidSettingsAndAnswersAreExplained() {
        var settings = defaults
        settings.priorityOrder = [.weakLow, .weakLow, .weakHigh]
        #expect(settings.problem?.contains("priority order") == true)
        settings = defaults
        settings.priorityOrder = [.strongHigh, .weakLow, .weakHigh]
        #expect(settings.problem != nil)
        settings = defaults
        settings.valueWeights = [0, 0, 0]
        #expect(settings.problem?.contains("value weight") == true)
        settings = defaults
        settings.relationshipThreshold = Decimal(string: "50.001")!
        #expect(settings.problem?.contains("thresholds") == true)
        settings = defaults
        settings.reviewIntervalDays = 0
        #expect(settings.problem != nil)
        #expect(defaults.problem == nil)
        #expect(AssessmentAnswers(value: [3, 3], relationship: [3, 3, 3, 3, 3]).problem != nil)
        #expect(AssessmentAnswers(value: [3, 3, 6], relationship: [3, 3, 3, 3, 3]).problem?.contains("between 1 and 5") == true)
        #expect(AssessmentAnswers(value: [3, 3, 3], relationship: [0, 3, 3, 3, 3]).problem != nil)
    }
}

@Suite("Pareto view")
struct ParetoTests {
    func entries(_ revenues: [Int]) -> [ParetoReport.Entry] {
        revenues.enumerated().map { ParetoReport.Entry(accountID: UUID(), name: "Account \($0.offset)", revenue: Decimal($0.element)) }
    }

    @Test func knownData() {
        // 10 accounts, total 1000: the top 2 bring 700 (70 %); 500 + 200 + 100 reach 800 exactly.
        let group = ParetoReport.Group(currency: "EUR", entries: entries([5, 100, 200, 10, 50, 500, 20, 10, 5, 100]).shuffled())
        #expect(group.accountCount == 10)
        #expect(group.totalRevenue == 1000)
        #expect(group.topFifthCount == 2)
        #expect(group.topFifthShare == 70)
        #expect(group.coreForEightyPercent.map(\.revenue) == [500, 200, 100])
    }

    @Test func roundsTheTopFifthUpAndTheShareToTwoDecimals() {
        // 9 accounts: ⌈9/5⌉ = 2; total 300, top two 150 + 50 = 200 → 66.67 %; 80 % = 240 takes four.
        let group = ParetoReport.Group(currency: "USD", entries: entries([150, 50, 30, 20, 20, 10, 10, 5, 5]))
        #expect(group.topFifthCount == 2)
        #expect(group.topFifthShare == Decimal(string: "66.67"))
        #expect(group.coreForEightyPercent.map(\.revenue) == [150, 50, 30, 20])
    }

    @Test func emptyAndZeroRevenue() {
        let zero = ParetoReport.Group(currency: "USD", entries: entries([0, 0]))
        #expect(zero.topFifthShare == 0 && zero.coreForEightyPercent.isEmpty && zero.topFifthCount == 1)
        let none = ParetoReport.Group(currency: "USD", entries: [])
        #expect(none.accountCount == 0 && none.topFifthCount == 0)
    }
}
