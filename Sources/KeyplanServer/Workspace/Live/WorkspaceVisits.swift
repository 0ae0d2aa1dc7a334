import Foundation
import KeyplanPostgres

/// Reads of account workspaces per user and day (`workspace_visits`), the "who looks at the
/// plan" half of engagement.
///
/// ``SecuredRoutes`` counts every authorized account-scoped call as a visit, in the transaction
/// that looks the caller's relation up (one more statement, no extra round trip to another
/// connection). That transaction commits without waiting for the WAL flush
/// (`synchronous_commit = off`): a visit is a statistic, and losing the last few on a crash is
/// better than making every read wait for a disk write.
struct WorkspaceVisits {
    let connection: PostgresConnection

    /// Counts one visit of `userID` to `accountID` today.
    func record(tenantID: UUID, accountID: UUID, userID: UUID) async throws {
        try await connection.query("""
            WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
            INSERT INTO workspace_visits AS v (tenant_id, account_id, user_id, day)
            SELECT \(tenantID), \(accountID), \(userID), current_date FROM relaxed
            ON CONFLICT (tenant_id, account_id, user_id, day) DO UPDATE SET views = v.views + 1, last_at = now()
            """)
    }
}
