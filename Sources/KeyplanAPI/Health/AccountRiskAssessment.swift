public import Foundation

extension HealthSettings {
    /// What "at risk" means, in one place: a score below the risk threshold, or a fall of at
    /// least the drop threshold from `earlierScore` (the highest score since the drop window
    /// began). The server applies it to strategic accounts only, for the risk list and for each
    /// account's health alike.
    public func isAtRisk(score: Double, earlierScore: Double?) -> Bool {
        score < riskThreshold || hasFallen(score: score, from: earlierScore)
    }

    func hasFallen(score: Double, from earlierScore: Double?) -> Bool {
        earlierScore.map { $0 - score >= dropThreshold } ?? false
    }
}

extension AccountRisk {
    /// The account's entry on the risk list under `settings`, or `nil` when it is not at risk
    /// (``HealthSettings/isAtRisk(score:earlierScore:)``). The fall, when there is one, is the
    /// first reason; the weak signals' reasons follow.
    public static func assess(
        accountID: UUID, accountName: String, objective: AccountObjective? = nil, report: HealthReport, earlierScore: Double?,
        settings: HealthSettings
    ) -> AccountRisk? {
        guard settings.isAtRisk(score: report.score, earlierScore: earlierScore) else { return nil }
        var reasons = report.reasons
        if settings.hasFallen(score: report.score, from: earlierScore), let earlierScore {
            reasons.insert(
                "health fell from \(Int(earlierScore.rounded())) to \(Int(report.score.rounded())) in \(HealthEvaluation.days(settings.dropWindowDays))",
                at: 0)
        }
        return AccountRisk(
            accountID: accountID, accountName: accountName, score: report.score, band: report.band, earlierScore: earlierScore, reasons: reasons,
            objective: objective)
    }
}
