import Foundation
import KeyplanAPI
import KeyplanPostgres

/// An account's activity feed and the customer's engagement, read from the journal and
/// `workspace_visits` in the transaction's tenant.
struct WorkspaceActivity {
    let transaction: TenantTransaction

    /// A page of changes newest first, before change `before`; a customer's page holds shared
    /// changes only (filtered in SQL by ``WorkspaceJournal``).
    func page(
        of accountID: UUID, before: Int64?, limit: Int, for principal: Principal
    ) async throws -> (changes: [WorkspaceChange], nextBefore: Int64?) {
        let changes = try await WorkspaceJournal(transaction: transaction).changes(
            of: accountID, where: "(\(before)::bigint IS NULL OR c.id < \(before))", for: principal, order: .newestFirst,
            limit: limit + 1)
        let page = Array(changes.prefix(limit))
        return (page, changes.count > limit ? page.last?.id : nil)
    }

    /// The customer's edits and visits over the last 30 and 90 days, and the latest activity of
    /// each side.
    func engagement(of accountID: UUID) async throws -> Engagement {
        let row = try await transaction.query(
            """
            WITH edits AS (
                SELECT c.actor_kind, c.at FROM workspace_changes c WHERE c.account_id = \(accountID)
            ), visits AS (
                SELECT u.kind, v.user_id, v.day, v.views, v.last_at
                FROM workspace_visits v JOIN users u ON u.tenant_id = v.tenant_id AND u.id = v.user_id
                WHERE v.account_id = \(accountID)
            )
            SELECT
                (SELECT count(*) FROM edits WHERE actor_kind = 'customer' AND at > now() - interval '30 days') AS edits_30,
                (SELECT count(*) FROM edits WHERE actor_kind = 'customer' AND at > now() - interval '90 days') AS edits_90,
                (SELECT coalesce(sum(views), 0) FROM visits WHERE kind = 'customer' AND day > current_date - 30) AS views_30,
                (SELECT coalesce(sum(views), 0) FROM visits WHERE kind = 'customer' AND day > current_date - 90) AS views_90,
                (SELECT count(DISTINCT user_id) FROM visits WHERE kind = 'customer' AND day > current_date - 30) AS visitors_30,
                (SELECT count(DISTINCT user_id) FROM visits WHERE kind = 'customer' AND day > current_date - 90) AS visitors_90,
                (SELECT count(DISTINCT day) FROM visits WHERE kind = 'customer' AND day > current_date - 30) AS days_30,
                (SELECT count(DISTINCT day) FROM visits WHERE kind = 'customer' AND day > current_date - 90) AS days_90,
                greatest((SELECT max(at) FROM edits WHERE actor_kind = 'customer'), (SELECT max(last_at) FROM visits WHERE kind = 'customer')) AS customer_last,
                greatest((SELECT max(at) FROM edits WHERE actor_kind = 'seller'), (SELECT max(last_at) FROM visits WHERE kind = 'seller')) AS seller_last
            """)[0]
        func window(_ days: Int) throws -> Engagement.Window {
            Engagement.Window(
                days: days, customerEdits: try row.decode(Int.self, column: "edits_\(days)"),
                customerViews: try row.decode(Int.self, column: "views_\(days)"),
                customerVisitors: try row.decode(Int.self, column: "visitors_\(days)"),
                customerVisitDays: try row.decode(Int.self, column: "days_\(days)"))
        }
        return Engagement(
            last30Days: try window(30), last90Days: try window(90),
            lastCustomerActivityAt: try row.decode(Date?.self, column: "customer_last"),
            lastSellerActivityAt: try row.decode(Date?.self, column: "seller_last"))
    }
}
