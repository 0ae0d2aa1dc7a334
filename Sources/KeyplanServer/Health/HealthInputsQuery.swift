import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Gathers the ``HealthInputs`` of many accounts of the transaction's tenant in one statement,
/// set-based, so that recomputing a large tenant costs one round trip per batch.
struct HealthInputsQuery {
    let transaction: TenantTransaction

    /// The inputs of `accounts` (those that exist), by account id.
    func inputs(of accounts: [UUID]) async throws -> [UUID: HealthInputs] {
        let rows = try await transaction.query(
            """
            WITH scope AS (
                SELECT a.id, a.currency, a.assessed_at FROM accounts a WHERE a.id = ANY (\(accounts)::uuid[])
            ), key_contacts AS (
                SELECT c.account_id, c.decision_role = 'decision_maker' AS decides,
                       EXISTS (SELECT FROM contact_relationships r WHERE r.contact_id = c.id AND r.strength = 'strong') AS covered
                FROM contacts c JOIN scope ON scope.id = c.account_id
                WHERE c.decision_role = 'decision_maker' OR c.influence = 'high'
            ), coverage AS (
                SELECT account_id, count(*) AS key_contacts, count(*) FILTER (WHERE covered) AS key_covered,
                       count(*) FILTER (WHERE decides) AS deciders, count(*) FILTER (WHERE decides AND covered) AS deciders_covered
                FROM key_contacts GROUP BY account_id
            ), threads AS (
                SELECT r.account_id, array_agg(DISTINCT u.display_name) AS sellers
                FROM contact_relationships r JOIN scope ON scope.id = r.account_id JOIN users u ON u.id = r.user_id
                WHERE r.strength = 'strong' GROUP BY r.account_id
            ), round_scores AS (
                -- Each answered round's overall score: Σ weight × mean / Σ weight over its criteria.
                SELECT sr.account_id, sr.template_id, sr.opened_at, sr.id, t.scale_min, t.scale_max,
                       sum(criterion.weight * criterion.mean) / sum(criterion.weight) AS overall
                FROM scoring_rounds sr JOIN scope ON scope.id = sr.account_id
                JOIN scorecard_templates t ON t.id = sr.template_id
                JOIN LATERAL (
                    SELECT c.weight, avg(a.score) AS mean FROM scorecard_answers a JOIN scorecard_criteria c ON c.id = a.criterion_id
                    WHERE a.round_id = sr.id GROUP BY c.id, c.weight
                ) AS criterion ON true
                GROUP BY sr.account_id, sr.template_id, sr.opened_at, sr.id, t.scale_min, t.scale_max
            ), latest_round AS (
                SELECT DISTINCT ON (account_id) * FROM round_scores ORDER BY account_id, opened_at DESC, id DESC
            ), previous_round AS (
                -- The round before the latest, of the same template (so both are on one scale).
                SELECT DISTINCT ON (p.account_id) p.account_id, p.overall FROM round_scores p
                JOIN latest_round l ON l.account_id = p.account_id AND l.template_id = p.template_id AND l.id <> p.id
                    AND (p.opened_at, p.id) < (l.opened_at, l.id)
                ORDER BY p.account_id, p.opened_at DESC, p.id DESC
            ), customer_days AS (
                SELECT v.account_id, v.day FROM workspace_visits v JOIN scope ON scope.id = v.account_id
                JOIN users u ON u.id = v.user_id WHERE u.kind = 'customer'
                UNION
                SELECT c.account_id, c.at::date FROM workspace_changes c JOIN scope ON scope.id = c.account_id WHERE c.actor_kind = 'customer'
                UNION
                SELECT sr.account_id, r.updated_at::date FROM scorecard_responses r JOIN scoring_rounds sr ON sr.id = r.round_id
                JOIN scope ON scope.id = sr.account_id
            ), engagement AS (
                SELECT account_id, current_date - max(day) AS days_since,
                       count(*) FILTER (WHERE day > current_date - 90) AS active_days
                FROM customer_days GROUP BY account_id
            ), action_state AS (
                SELECT a.account_id,
                       count(*) FILTER (WHERE a.due_on < current_date) AS overdue,
                       coalesce(max(current_date - a.due_on) FILTER (WHERE a.due_on < current_date), 0) AS worst_overdue,
                       count(*) FILTER (WHERE a.status = 'blocked' OR a.updated_at < now() - interval '30 days') AS stalled
                FROM actions a JOIN scope ON scope.id = a.account_id
                WHERE a.status IN ('open', 'in_progress', 'blocked') GROUP BY a.account_id
            ), bounds AS MATERIALIZED (\(RevenueWindow.bounds)
            ), revenue AS (
                -- The last 12 full months against the 12 before, in the account's currency.
                SELECT r.account_id,
                       sum(r.amount) FILTER (WHERE r.period >= b.year_ago) AS last_12,
                       sum(r.amount) FILTER (WHERE r.period < b.year_ago) AS previous_12
                FROM bounds b CROSS JOIN account_revenue r JOIN scope ON scope.id = r.account_id
                WHERE r.currency = scope.currency AND r.period >= b.two_years_ago AND r.period < b.this_month
                GROUP BY r.account_id
            )
            SELECT scope.id,
                   coalesce(coverage.key_contacts, 0) AS key_contacts, coalesce(coverage.key_covered, 0) AS key_covered,
                   coalesce(coverage.deciders, 0) AS deciders, coalesce(coverage.deciders_covered, 0) AS deciders_covered,
                   coalesce(threads.sellers, '{}') AS sellers,
                   latest_round.overall::float8 AS latest_score, previous_round.overall::float8 AS previous_score,
                   coalesce(latest_round.scale_min, 1)::int8 AS scale_min, coalesce(latest_round.scale_max, 10)::int8 AS scale_max,
                   engagement.days_since::int8 AS days_since_customer, coalesce(engagement.active_days, 0) AS active_days,
                   coalesce(action_state.overdue, 0) AS overdue, coalesce(action_state.worst_overdue, 0)::int8 AS worst_overdue,
                   coalesce(action_state.stalled, 0) AS stalled,
                   revenue.last_12, revenue.previous_12,
                   (current_date - scope.assessed_at::date)::int8 AS days_since_assessment,
                   coalesce((SELECT review_interval_days FROM portfolio_settings), 180)::int8 AS review_interval
            FROM scope
            LEFT JOIN coverage ON coverage.account_id = scope.id
            LEFT JOIN threads ON threads.account_id = scope.id
            LEFT JOIN latest_round ON latest_round.account_id = scope.id
            LEFT JOIN previous_round ON previous_round.account_id = scope.id
            LEFT JOIN engagement ON engagement.account_id = scope.id
            LEFT JOIN action_state ON action_state.account_id = scope.id
            LEFT JOIN revenue ON revenue.account_id = scope.id
            """)
        var inputs: [UUID: HealthInputs] = [:]
        for row in rows {
            let scale = Double(try row.decode(Int.self, column: "scale_min"))...Double(try row.decode(Int.self, column: "scale_max"))
            inputs[try row.decode(UUID.self, column: "id")] = HealthInputs(
                keyContacts: try row.decode(Int.self, column: "key_contacts"),
                keyContactsCovered: try row.decode(Int.self, column: "key_covered"),
                decisionMakers: try row.decode(Int.self, column: "deciders"),
                decisionMakersCovered: try row.decode(Int.self, column: "deciders_covered"),
                stronglyConnectedSellers: try row.decode([String].self, column: "sellers").sorted(),
                latestScorecard: try row.decode(Double?.self, column: "latest_score"),
                previousScorecard: try row.decode(Double?.self, column: "previous_score"),
                scorecardScale: scale,
                daysSinceCustomerActivity: try row.decode(Int?.self, column: "days_since_customer"),
                customerActiveDays90: try row.decode(Int.self, column: "active_days"),
                overdueActions: try row.decode(Int.self, column: "overdue"),
                worstOverdueDays: try row.decode(Int.self, column: "worst_overdue"),
                stalledActions: try row.decode(Int.self, column: "stalled"),
                revenueLast12Months: try row.decode(Decimal?.self, column: "last_12"),
                revenuePrevious12Months: try row.decode(Decimal?.self, column: "previous_12"),
                daysSinceAssessment: try row.decode(Int?.self, column: "days_since_assessment"),
                reviewIntervalDays: try row.decode(Int.self, column: "review_interval"))
        }
        return inputs
    }
}
