import Foundation
import KeyplanPostgres
import Logging
import Synchronization

/// Reads of account workspaces per user and day (`workspace_visits`), the "who looks at the
/// plan" half of engagement.
///
/// ``SecuredRoutes`` counts every authorized account-scoped call as a visit, in two parts:
/// - the day's visit itself goes with the call's own transaction, last
///   (``firstOfDay(tenantID:accountID:userID:)``): it writes only the day's first visit and
///   otherwise does nothing — no write, no row lock that concurrent readers would queue on — and
///   a customer's first visit of a day marks the account's health for recomputation (a trigger).
///   Once this process has seen it commit, the reader's later calls that day leave it out
///   (``needsFirstOfDay(tenantID:accountID:userID:)``);
/// - the views are counted here, in memory, and added to the day's row in batches (``run(logger:)``,
///   every second): a statistic, of which a crash may lose the last second.
final class WorkspaceVisits: Sendable {
    private struct Key: Hashable {
        var tenantID: UUID
        var accountID: UUID
        var userID: UUID
    }

    private let database: PostgresClient
    private let interval: Duration
    private let tally = Mutex<[Key: (views: Int, lastAt: Date)]>([:])
    /// The readers whose day's visit is known to be written, and the (UTC) day that is.
    private let recorded = Mutex<(day: Int, keys: Set<Key>)>((0, []))
    /// More readers than this in one day are forgotten, and their days' visits sent again.
    private static let recordedLimit = 100_000

    init(database: PostgresClient, interval: Duration = .seconds(1)) {
        self.database = database
        self.interval = interval
    }

    /// The statement that records the day's visit if it is the first, for the call's transaction.
    static func firstOfDay(tenantID: UUID, accountID: UUID, userID: UUID) -> PostgresQuery {
        """
        INSERT INTO workspace_visits (tenant_id, account_id, user_id, day) VALUES (\(tenantID), \(accountID), \(userID), current_date)
        ON CONFLICT (tenant_id, account_id, user_id, day) DO NOTHING
        """
    }

    /// Whether a call's transaction should carry the day's visit: not once this process has seen
    /// it committed today. (A day told apart in UTC, not in the database's time zone: near
    /// midnight the batch of views writes the new day's row all the same, a second later.)
    func needsFirstOfDay(tenantID: UUID, accountID: UUID, userID: UUID) -> Bool {
        let key = Key(tenantID: tenantID, accountID: accountID, userID: userID)
        let today = Self.day(of: Date())
        return recorded.withLock { $0.day != today || !$0.keys.contains(key) }
    }

    /// Counts one view, after the call committed (written with the next batch), and notes the
    /// reader's day's visit as written.
    func count(tenantID: UUID, accountID: UUID, userID: UUID) {
        let now = Date()
        let key = Key(tenantID: tenantID, accountID: accountID, userID: userID)
        tally.withLock { tally in
            tally[key] = ((tally[key]?.views ?? 0) + 1, now)
        }
        let today = Self.day(of: now)
        recorded.withLock { recorded in
            if recorded.day != today || recorded.keys.count >= Self.recordedLimit { recorded = (today, []) }
            recorded.keys.insert(key)
        }
    }

    private static func day(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Adds the views counted so far to their days' rows; what cannot be written is counted again.
    func flush() async throws {
        let taken = tally.withLock { tally in
            defer { tally = [:] }
            return tally
        }
        guard !taken.isEmpty else { return }
        var statements: [PostgresQuery] = ["SELECT set_config('synchronous_commit', 'off', true)"]
        for (tenantID, entries) in Dictionary(grouping: taken, by: \.key.tenantID) {
            var rows = JSONRows()
            for (key, counted) in entries {
                rows.row { row in
                    row.field("accountID", key.accountID)
                    row.field("userID", key.userID)
                    row.field("views", counted.views)
                    row.field("lastAt", counted.lastAt.timeIntervalSince1970)
                }
            }
            let document = rows.json
            statements.append("SELECT set_config('app.tenant_id', \(tenantID.uuidString.lowercased()), true)")
            statements.append(
                """
                INSERT INTO workspace_visits AS v (tenant_id, account_id, user_id, day, views, last_at)
                SELECT \(tenantID), r."accountID", r."userID", to_timestamp(r."lastAt")::date, r.views, to_timestamp(r."lastAt")
                FROM jsonb_to_recordset(\(document)::jsonb) AS r("accountID" uuid, "userID" uuid, views int4, "lastAt" float8)
                JOIN accounts a ON a.id = r."accountID"
                ON CONFLICT (tenant_id, account_id, user_id, day)
                DO UPDATE SET views = v.views + excluded.views, last_at = greatest(v.last_at, excluded.last_at)
                """)
        }
        do {
            try await database.withConnection { _ = try await $0.pipeline(statements) }
        } catch {
            tally.withLock { tally in
                for (key, counted) in taken {
                    tally[key] = ((tally[key]?.views ?? 0) + counted.views, max(tally[key]?.lastAt ?? counted.lastAt, counted.lastAt))
                }
            }
            throw error
        }
    }

    /// Writes the counts every ``interval`` until cancelled, then once more.
    func run(logger: Logger) async {
        while (try? await Task.sleep(for: interval)) != nil {
            do {
                try await flush()
            } catch {
                logger.warning("could not write the workspace views; will retry", metadata: ["error": "\(error)"])
            }
        }
        try? await flush()
    }
}
