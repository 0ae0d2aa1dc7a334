import Foundation
import KeyplanAPI
import KeyplanPostgres

/// What `demo seed` moves into the past once the API has written it all, so that the demo's
/// trend charts show a trend: the closed scoring rounds into their quarters, and six months of
/// health history for every strategic account. The API can only write the present; these time
/// stamps (and the history points) are written in SQL, as the server's own role under the
/// tenant's row-level security. The journal stays as the API wrote it: it is append-only.
struct DemoHistory {
    let tenantID: UUID
    /// Closed rounds, and the quarter (counted from this one) each belongs to.
    var rounds: [(id: UUID, quarter: Int)] = []
    /// The strategic accounts, with their owner's client and their story.
    var accounts: [(id: UUID, owner: KeyplanClient, entry: DemoCatalog.Account)] = []

    /// A customer's scores (per criterion) in the round `quarter` quarters from this one: the
    /// catalog's current and earlier rounds, and before them the same trend followed backwards at
    /// half its pace, within the scale (1–10).
    static func scores(_ entry: DemoCatalog.Account, quarter: Int) -> [Int] {
        switch quarter {
        case 0: return entry.currentScores
        case -1: return entry.earlierScores
        default:
            let back = Double(-1 - quarter)
            return zip(entry.earlierScores, entry.currentScores).map { earlier, current in
                min(10, max(1, Int((Double(earlier) - Double(current - earlier) * back / 2).rounded())))
            }
        }
    }

    /// Days before today of the backdated health points: every two weeks from 26 weeks to 6
    /// weeks ago. None falls within the drop window (30 days by default), so the past never
    /// puts an account at risk on its own; the story's present does.
    static let healthDays = Array(stride(from: 182, through: 42, by: -14))

    /// An account's health over the past months: from where its story started to today's
    /// `current` score — better for an account whose scores fell, worse for one whose rose — with
    /// a small wobble, so the chart looks measured rather than drawn.
    static func healthHistory(_ entry: DemoCatalog.Account, current: Double, wobble phase: Double) -> [(daysAgo: Int, score: Double)] {
        let change = entry.currentScores.reduce(0, +) - entry.earlierScores.reduce(0, +)
        let start = min(100, max(0, current - min(30, max(-30, 4 * Double(change)))))
        let oldest = Double(healthDays.first ?? 1)
        return healthDays.map { days in
            let score = current + (start - current) * Double(days) / oldest + 2.5 * sin(Double(days) / 9 + phase)
            return (days, HealthReport.rounded(min(100, max(0, score))))
        }
    }

    /// Rewrites the closed rounds' times, then reads each strategic account's health through the
    /// API (its first computation, on the backdated rounds) and writes its past before it.
    func backdate(in database: PostgresClient) async throws {
        // Each closed round opened ten days into its quarter, was answered five days later and closed after thirty.
        let ids = rounds.map(\.id), openedDaysAgo = rounds.map { DemoDates.daysSinceQuarterStart(offset: $0.quarter) - 10 }
        try await inTenant(database) { connection in
            try await connection.query(
                """
                UPDATE scoring_rounds r SET opened_at = now() - b.days * interval '1 day',
                    closed_at = now() - (b.days - 30) * interval '1 day', updated_at = now() - (b.days - 30) * interval '1 day'
                FROM unnest(\(ids)::uuid[], \(openedDaysAgo)::int8[]) AS b (id, days)
                WHERE r.id = b.id
                """)
            // The demo's people are made up (example.* addresses): what the story told them is not mailed.
            try await connection.query("UPDATE notifications SET mailed_at = now() WHERE mailed_at IS NULL")
            try await connection.query(
                """
                UPDATE scorecard_responses s SET submitted_at = r.opened_at + interval '5 days', updated_at = r.opened_at + interval '5 days'
                FROM scoring_rounds r WHERE r.id = s.round_id AND r.id = ANY (\(ids)::uuid[])
                """)
        }

        var accountIDs: [UUID] = [], days: [Int] = [], scores: [Double] = [], bands: [String] = []
        for (index, account) in accounts.enumerated() {
            let current = try await account.owner.health(of: account.id).report.score
            for point in Self.healthHistory(account.entry, current: current, wobble: Double(index)) {
                accountIDs.append(account.id)
                days.append(point.daysAgo)
                scores.append(point.score)
                bands.append(HealthReport.Band(score: point.score).rawValue)
            }
        }
        try await inTenant(database) { connection in
            try await connection.query(
                """
                INSERT INTO account_health_history (tenant_id, account_id, computed_at, score, band)
                SELECT \(tenantID), p.account_id, now() - p.days * interval '1 day', p.score::numeric(5, 2), p.band
                FROM unnest(\(accountIDs)::uuid[], \(days)::int8[], \(scores)::float8[], \(bands)::text[]) AS p (account_id, days, score, band)
                """)
        }
    }

    /// Runs `body` in one transaction of the demo tenant: row-level security lets it reach the
    /// tenant's rows only, as it does the server.
    private func inTenant(_ database: PostgresClient, _ body: (PostgresConnection) async throws -> Void) async throws {
        try await database.withTransaction { connection in
            try await connection.query("SELECT set_config('app.tenant_id', \(tenantID.uuidString.lowercased()), true)")
            try await body(connection)
        }
    }
}
