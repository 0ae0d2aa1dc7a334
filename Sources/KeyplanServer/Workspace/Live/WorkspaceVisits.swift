import Foundation
import KeyplanPostgres

/// Reads of account workspaces per user and day (`workspace_visits`), the "who looks at the
/// plan" half of engagement.
///
/// ``SecuredRoutes`` counts every authorized account-scoped call as a visit: this statement goes
/// with the call's own transaction, last (so the row's lock is held only while it commits), and
/// costs no round trip of its own. A read's transaction does not wait for its WAL flush, so a crash
/// may lose the last few visits: a statistic, not worth a disk write per read.
enum WorkspaceVisits {
    /// Counts one visit of `userID` to `accountID` today.
    static func record(tenantID: UUID, accountID: UUID, userID: UUID) -> PostgresQuery {
        """
        INSERT INTO workspace_visits AS v (tenant_id, account_id, user_id, day)
        VALUES (\(tenantID), \(accountID), \(userID), current_date)
        ON CONFLICT (tenant_id, account_id, user_id, day) DO UPDATE SET views = v.views + 1, last_at = now()
        """
    }
}
