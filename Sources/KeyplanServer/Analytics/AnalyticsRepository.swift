import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The tenant's portfolio analytics, computed in SQL: seven set-based statements per scope sent in
/// one pipeline (one round trip), meant to run in one repeatable-read transaction so that they
/// describe the same moment.
struct AnalyticsRepository {
    let transaction: TenantTransaction

    /// The analytics of the accounts in `scope`.
    func portfolio(_ scope: ObjectiveScope) async throws -> PortfolioAnalytics {
        try await portfolio([scope])[0]
    }

    /// The analytics of each scope, from one round trip. Grouping runs the same statements once per
    /// group (five for the objectives): simple and exactly the filtered report's figures, at five
    /// times the cost of one report.
    func portfolio(_ scopes: [ObjectiveScope]) async throws -> [PortfolioAnalytics] {
        let results = try await transaction.pipeline { batch in
            for scope in scopes { Self.append(scope, to: &batch) }
        }
        return try scopes.indices.map { index in
            try Self.analytics(Array(results[(index * Self.statements)..<((index + 1) * Self.statements)]), objective: scopes[index].objective)
        }
    }

    private static let statements = 7

    private static func append(_ scope: ObjectiveScope, to batch: inout PostgresPipeline) {
        let inScope = scope.condition
        batch.append(
            """
            SELECT count(*) FILTER (WHERE a.status = 'strategic') AS strategic,
                   count(*) FILTER (WHERE a.status = 'candidate') AS other
            FROM accounts a WHERE \(inScope)
            """)
        batch.append(
            """
            WITH plans AS (
                SELECT a.id,
                       EXISTS (SELECT FROM goals g WHERE g.account_id = a.id) AS goals,
                       EXISTS (SELECT FROM contacts c WHERE c.account_id = a.id AND c.decision_role = 'decision_maker') AS map,
                       EXISTS (SELECT FROM scoring_rounds r JOIN scorecard_responses s ON s.round_id = r.id
                               WHERE r.account_id = a.id AND s.updated_at > now() - interval '180 days') AS scorecard,
                       EXISTS (SELECT FROM actions x WHERE x.account_id = a.id AND x.updated_at > now() - interval '90 days') AS action_plan
                FROM accounts a WHERE a.status = 'strategic' AND \(inScope)
            )
            SELECT count(*) FILTER (WHERE goals) AS goals, count(*) FILTER (WHERE map) AS map,
                   count(*) FILTER (WHERE scorecard) AS scorecard, count(*) FILTER (WHERE action_plan) AS action_plan,
                   count(*) FILTER (WHERE goals AND map AND scorecard AND action_plan) AS complete
            FROM plans
            """)
        batch.append(
            """
            SELECT count(*) FILTER (WHERE x.status = 'done' AND x.due_on IS NOT NULL AND x.completed_at > now() - interval '12 months') AS done,
                   count(*) FILTER (WHERE x.status = 'done' AND x.due_on IS NOT NULL AND x.completed_at > now() - interval '12 months'
                                    AND x.completed_at::date <= x.due_on) AS on_time,
                   count(*) FILTER (WHERE x.status IN ('open', 'in_progress', 'blocked') AND x.due_on < current_date) AS overdue
            FROM actions x JOIN accounts a ON a.id = x.account_id WHERE a.status = 'strategic' AND \(inScope)
            """)
        batch.append(
            """
            WITH activity AS (
                SELECT v.account_id, v.day FROM workspace_visits v JOIN users u ON u.id = v.user_id
                WHERE u.kind = 'customer' AND v.day > current_date - 90
                UNION ALL
                SELECT c.account_id, c.at::date FROM workspace_changes c WHERE c.actor_kind = 'customer' AND c.at > now() - interval '90 days'
                UNION ALL
                SELECT r.account_id, s.updated_at::date FROM scorecard_responses s JOIN scoring_rounds r ON r.id = s.round_id
                WHERE s.updated_at > now() - interval '90 days'
            ), latest AS (
                SELECT account_id, max(day) AS last_day FROM activity GROUP BY account_id
            )
            SELECT count(*) FILTER (WHERE l.last_day > current_date - 30) AS active_30, count(*) AS active_90,
                   (SELECT count(*) FROM workspace_changes c JOIN accounts a ON a.id = c.account_id
                    WHERE a.status = 'strategic' AND \(inScope) AND c.actor_kind = 'customer' AND c.at > now() - interval '30 days') AS edits_30
            FROM latest l JOIN accounts a ON a.id = l.account_id WHERE a.status = 'strategic' AND \(inScope)
            """)
        batch.append(
            """
            WITH round_scores AS (
                SELECT r.account_id, r.template_id, r.opened_at, r.id,
                       100 * (sum(c.weight * c.mean) / sum(c.weight) - t.scale_min) / (t.scale_max - t.scale_min) AS overall
                FROM scoring_rounds r JOIN accounts a ON a.id = r.account_id AND a.status = 'strategic' AND \(inScope)
                JOIN scorecard_templates t ON t.id = r.template_id
                JOIN LATERAL (
                    SELECT k.weight, avg(s.score) AS mean FROM scorecard_answers s JOIN scorecard_criteria k ON k.id = s.criterion_id
                    WHERE s.round_id = r.id GROUP BY k.id, k.weight
                ) AS c ON true
                GROUP BY r.account_id, r.template_id, r.opened_at, r.id, t.scale_min, t.scale_max
            ), ranked AS (
                SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY opened_at DESC, id DESC) AS n FROM round_scores
            ), latest AS (
                SELECT l.account_id, l.overall,
                       (SELECT p.overall FROM round_scores p WHERE p.account_id = l.account_id AND p.template_id = l.template_id
                          AND (p.opened_at, p.id) < (l.opened_at, l.id) ORDER BY p.opened_at DESC, p.id DESC LIMIT 1) AS previous
                FROM ranked l WHERE l.n = 1
            )
            SELECT count(*) AS scored, avg(overall)::float8 AS average_latest, avg(overall - previous)::float8 AS average_change,
                   count(*) FILTER (WHERE overall > previous) AS improved, count(*) FILTER (WHERE overall < previous) AS declined
            FROM latest
            """)
        batch.append(
            """
            WITH bounds AS MATERIALIZED (\(RevenueWindow.bounds))
            SELECT r.currency,
                   coalesce(sum(r.amount) FILTER (WHERE a.status = 'strategic' AND r.period >= b.year_ago), 0) AS strategic_last,
                   coalesce(sum(r.amount) FILTER (WHERE a.status = 'strategic' AND r.period < b.year_ago), 0) AS strategic_previous,
                   coalesce(sum(r.amount) FILTER (WHERE a.status <> 'strategic' AND r.period >= b.year_ago), 0) AS other_last,
                   coalesce(sum(r.amount) FILTER (WHERE a.status <> 'strategic' AND r.period < b.year_ago), 0) AS other_previous
            FROM bounds b CROSS JOIN account_revenue r JOIN accounts a ON a.id = r.account_id
            WHERE a.status <> 'archived' AND \(inScope) AND r.period >= b.two_years_ago AND r.period < b.this_month
            GROUP BY r.currency ORDER BY r.currency
            """)
        batch.append(
            """
            SELECT count(*) FILTER (WHERE a.status = 'strategic') AS strategic_closed,
                   count(*) FILTER (WHERE a.status = 'strategic' AND o.won) AS strategic_won,
                   count(*) FILTER (WHERE a.status <> 'strategic') AS other_closed,
                   count(*) FILTER (WHERE a.status <> 'strategic' AND o.won) AS other_won
            FROM opportunities o JOIN accounts a ON a.id = o.account_id
            WHERE a.status <> 'archived' AND \(inScope) AND o.won IS NOT NULL AND o.close_date > current_date - 365
            """)
    }

    private static func analytics(_ results: [PostgresRows], objective: AccountObjective?) throws -> PortfolioAnalytics {
        let counts = results[0][0], plans = results[1][0], actions = results[2][0], engagement = results[3][0]
        let scorecards = results[4][0], wins = results[6][0]
        return PortfolioAnalytics(
            strategicAccounts: try counts.decode(Int.self, column: "strategic"),
            otherAccounts: try counts.decode(Int.self, column: "other"),
            completeness: PlanCompleteness(
                withGoals: try plans.decode(Int.self, column: "goals"), withMap: try plans.decode(Int.self, column: "map"),
                withCurrentScorecard: try plans.decode(Int.self, column: "scorecard"),
                withCurrentActionPlan: try plans.decode(Int.self, column: "action_plan"),
                complete: try plans.decode(Int.self, column: "complete")),
            execution: PlanExecution(
                doneWithDueDate: try actions.decode(Int.self, column: "done"), doneOnTime: try actions.decode(Int.self, column: "on_time"),
                overdueNow: try actions.decode(Int.self, column: "overdue")),
            engagement: CustomerEngagement(
                activeAccounts30: try engagement.decode(Int.self, column: "active_30"),
                activeAccounts90: try engagement.decode(Int.self, column: "active_90"),
                customerEdits30: try engagement.decode(Int.self, column: "edits_30")),
            scorecards: ScorecardTrends(
                scoredAccounts: try scorecards.decode(Int.self, column: "scored"),
                averageLatest: try scorecards.decode(Double?.self, column: "average_latest").map(HealthReport.rounded),
                averageChange: try scorecards.decode(Double?.self, column: "average_change").map(HealthReport.rounded),
                improved: try scorecards.decode(Int.self, column: "improved"), declined: try scorecards.decode(Int.self, column: "declined")),
            revenueGrowth: try results[5].map { row in
                RevenueGrowth(
                    currency: try row.decode(String.self, column: "currency"),
                    strategicLast12: try row.decode(Decimal.self, column: "strategic_last"),
                    strategicPrevious12: try row.decode(Decimal.self, column: "strategic_previous"),
                    otherLast12: try row.decode(Decimal.self, column: "other_last"),
                    otherPrevious12: try row.decode(Decimal.self, column: "other_previous"))
            },
            winRate: WinRate(
                strategicClosed: try wins.decode(Int.self, column: "strategic_closed"),
                strategicWon: try wins.decode(Int.self, column: "strategic_won"),
                otherClosed: try wins.decode(Int.self, column: "other_closed"), otherWon: try wins.decode(Int.self, column: "other_won")),
            objective: objective)
    }
}
