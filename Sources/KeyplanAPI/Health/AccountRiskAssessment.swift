extension AccountRisk {
    /// Whether an account is at risk under `settings`, and why: below the threshold, or fallen by
    /// at least the drop threshold since `earlierScore`. The fall, when there is one, is the
    /// first reason; the weak signals' reasons follow.
    public static func assess(
        accountID: UUID, accountName: String, report: HealthReport, earlierScore: Double?, settings: HealthSettings
    ) -> AccountRisk? {
        let fell = earlierScore.map { $0 - report.score >= settings.dropThreshold } ?? false
        guard report.score < settings.riskThreshold || fell else { return nil }
        var reasons = report.reasons
        if fell, let earlierScore {
            reasons.insert(
                "health fell from \(Int(earlierScore.rounded())) to \(Int(report.score.rounded())) in \(HealthEvaluation.days(settings.dropWindowDays))",
                at: 0)
        }
        return AccountRisk(accountID: accountID, accountName: accountName, score: report.score, band: report.band, earlierScore: earlierScore, reasons: reasons)
    }
}

import struct Foundation.UUID
