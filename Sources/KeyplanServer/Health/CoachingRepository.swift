import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The facts coaching prompts are made of, for every strategic account of the transaction's
/// tenant in one statement, with the seller who owns each account.
struct CoachingRepository {
    let transaction: TenantTransaction

    func items(ownedBy sellerID: UUID?) async throws -> [CoachingItem] {
        let rows = try await transaction.query(
            """
            WITH owned AS (
                -- The account's owner: the one set on the profile, else an owner on its team.
                SELECT a.id, a.name, coalesce(a.owner_id, (
                    SELECT t.user_id FROM account_team t WHERE t.account_id = a.id AND t.role = 'owner' ORDER BY t.user_id LIMIT 1)) AS owner_id
                FROM accounts a WHERE a.status = 'strategic'
            ), scope AS (
                SELECT * FROM owned WHERE \(sellerID)::uuid IS NULL OR owner_id = \(sellerID)
            ), goal_counts AS (
                -- A goal is co-authored when a customer wrote it, changed it last, or changed it
                -- at any time before (the journal keeps every change, metrics included).
                SELECT g.account_id, count(*) AS goals, count(*) FILTER (WHERE creator.kind = 'customer' OR editor.kind = 'customer' OR EXISTS (
                           SELECT FROM workspace_changes c
                           WHERE c.entity_id = g.id AND c.entity = 'goal' AND c.actor_kind = 'customer')) AS co_authored
                FROM goals g JOIN scope ON scope.id = g.account_id
                JOIN users creator ON creator.id = g.created_by JOIN users editor ON editor.id = g.updated_by
                GROUP BY g.account_id
            ), latest_review AS (
                SELECT DISTINCT ON (r.account_id) r.account_id, r.next_review_on FROM roadmap_reviews r JOIN scope ON scope.id = r.account_id
                ORDER BY r.account_id, r.held_on DESC, r.created_at DESC
            ), gaps AS (
                SELECT c.account_id, count(*) AS gaps, max(current_date - c.created_at::date) AS oldest
                FROM contacts c JOIN scope ON scope.id = c.account_id
                WHERE (c.decision_role = 'decision_maker' OR c.influence = 'high')
                  AND NOT EXISTS (SELECT FROM contact_relationships r WHERE r.contact_id = c.id AND r.strength = 'strong')
                GROUP BY c.account_id
            ), open_actions AS (
                SELECT a.account_id, a.id, a.due_on FROM actions a JOIN scope ON scope.id = a.account_id
                WHERE a.status IN ('open', 'in_progress', 'blocked')
            ), slipping AS (
                SELECT o.account_id,
                       count(*) FILTER (WHERE o.due_on < current_date) AS overdue,
                       count(*) FILTER (WHERE o.due_on >= current_date AND EXISTS (
                           SELECT FROM workspace_changes c, jsonb_array_elements(c.fields) AS f
                           WHERE c.entity_id = o.id AND c.entity = 'action' AND f->>'field' = 'dueOn'
                             AND f->>'before' IS NOT NULL AND f->>'after' > f->>'before')) AS postponed
                FROM open_actions o GROUP BY o.account_id
            )
            SELECT scope.id, scope.name, scope.owner_id, u.display_name AS owner_name,
                   coalesce(goal_counts.goals, 0) AS goals, coalesce(goal_counts.co_authored, 0) AS co_authored,
                   latest_review.account_id IS NOT NULL AS review_held,
                   (current_date - latest_review.next_review_on)::int8 AS review_overdue,
                   coalesce(gaps.gaps, 0) AS gaps, coalesce(gaps.oldest, 0)::int8 AS oldest_gap,
                   coalesce(slipping.overdue, 0) AS overdue, coalesce(slipping.postponed, 0) AS postponed
            FROM scope
            LEFT JOIN users u ON u.id = scope.owner_id
            LEFT JOIN goal_counts ON goal_counts.account_id = scope.id
            LEFT JOIN latest_review ON latest_review.account_id = scope.id
            LEFT JOIN gaps ON gaps.account_id = scope.id
            LEFT JOIN slipping ON slipping.account_id = scope.id
            """)
        return try rows.map { row in
            let inputs = CoachingInputs(
                goals: try row.decode(Int.self, column: "goals"),
                coAuthoredGoals: try row.decode(Int.self, column: "co_authored"),
                reviewOverdueDays: try row.decode(Int?.self, column: "review_overdue"),
                reviewHeld: try row.decode(Bool.self, column: "review_held"),
                coverageGaps: try row.decode(Int.self, column: "gaps"),
                oldestGapDays: try row.decode(Int.self, column: "oldest_gap"),
                overdueActions: try row.decode(Int.self, column: "overdue"),
                postponedActions: try row.decode(Int.self, column: "postponed"))
            return CoachingItem(
                accountID: try row.decode(UUID.self, column: "id"), accountName: try row.decode(String.self, column: "name"),
                sellerID: try row.decode(UUID?.self, column: "owner_id"), sellerName: try row.decode(String?.self, column: "owner_name"),
                prompts: CoachingPrompt.prompts(for: inputs))
        }
    }
}
