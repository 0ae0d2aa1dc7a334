import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// One `keyplan.Workspace/Watch` call: replays the journal after the client's cursor, then sends
/// each change the ``WorkspaceEvents`` hub signals, in id order per catch-up, each once.
///
/// Each wake (a notified change, or the hub's periodic tick) runs one transaction under the
/// watcher's principal that re-reads its credential (revoked, its user disabled, or past its hard
/// expiry: UNAUTHENTICATED; a changed role applies at once), re-checks its access to the account
/// (a customer removed from it gets NOT_FOUND), and reads the changes it has not sent — those after
/// its cursor, plus the notified one — through ``WorkspaceJournal``, which leaves internal changes
/// out for customers in SQL.
struct WorkspaceWatcher {
    let environment: ServiceEnvironment
    let events: WorkspaceEvents
    let principal: Principal
    let accountID: UUID
    /// Changes read per query while catching up. Default 200.
    var batchSize = 200
    /// How long an unreachable database is waited out, the stream kept open, before the watch ends
    /// with UNAVAILABLE (the client resumes with `after`). Default 5 minutes.
    var longestOutage: Duration = .seconds(300)

    func run(after: Int64?, writer: MessageWriter<WorkspaceChange>) async throws {
        if let after, after < 0 { throw RPCError(code: .invalidArgument, message: "after must be a change id (0 or more)") }
        let subscription = try await events.subscribe(to: .init(tenantID: principal.tenantID, accountID: accountID))
        defer { subscription.cancel() }
        // Subscribed first, then the starting point: whatever commits in between is notified.
        let start: Int64
        if let after {
            start = after
        } else {
            start = try await environment.database.inTenant(principal.tenantID, shape: .eachRoundTrip, durability: .deferred) { transaction in
                try await transaction.query("SELECT coalesce(max(id), 0) AS id FROM workspace_changes WHERE account_id = \(accountID)")[0]
                    .decode(Int64.self, column: "id")
            }
        }
        var cursor = WatchCursor(after: start)
        if after != nil { try await catchUp(&cursor, notified: nil, writer: writer) }
        for await signal in subscription.signals {
            if subscription.overflowed { break }
            switch signal {
            case .change(let id):
                if cursor.needs(id) { try await catchUp(&cursor, notified: id, writer: writer) }
            case .tick:
                subscription.tickTaken()
                try await catchUp(&cursor, notified: nil, writer: writer)
            }
        }
        try Task.checkCancellation()
        if subscription.overflowed {
            throw RPCError(
                code: .resourceExhausted,
                message: "the watch fell too far behind: reconnect with after: \(cursor.highest) to resume without a gap")
        }
        throw RPCError(code: .unavailable, message: "live updates stopped (the server is shutting down): reconnect with after: \(cursor.highest)")
    }

    /// Sends the changes not yet sent: those after the cursor and the `notified` one.
    private func catchUp(_ cursor: inout WatchCursor, notified: Int64?, writer: MessageWriter<WorkspaceChange>) async throws {
        var notified = notified
        while true {
            let changes = try await waitingOutOutages(cursor) { try await unsent(after: cursor.highest, notified: notified) }
            notified = nil
            for change in changes where cursor.needs(change.id) {
                try await writer.write(change)
                cursor.sent(change.id)
            }
            if changes.count < batchSize { return }
        }
    }

    /// Runs `read`, and while the database cannot be reached tries again — after 0.25 s, doubling
    /// to 5 s — keeping the stream open: once it is back, the catch-up delivers what committed
    /// meanwhile. After ``longestOutage`` the watch ends with UNAVAILABLE.
    private func waitingOutOutages<Value>(_ cursor: WatchCursor, _ read: () async throws -> Value) async throws -> Value {
        var pause = Duration.milliseconds(250)
        let giveUp = ContinuousClock.now.advanced(by: longestOutage)
        while true {
            do {
                return try await read()
            } catch let error as PostgresError where error.meansUnreachable && ContinuousClock.now < giveUp {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            } catch let error as PostgresError where error.meansUnreachable {
                throw RPCError(
                    code: .unavailable,
                    message: "the database has been unreachable for too long: reconnect with after: \(cursor.highest) to resume without a gap")
            }
        }
    }

    /// One batch of changes after `after` (plus `notified`), oldest first, once access is re-checked.
    private func unsent(after: Int64, notified: Int64?) async throws -> [WorkspaceChange] {
        let (relation, changes) = try await environment.database.inTenant(principal.tenantID, shape: .eachRoundTrip, durability: .deferred) {
            transaction in
            // The principal as it stands now: a role changed since the stream opened applies at once.
            guard let principal = try await ResolvedCredential.current(principal.credentialID, on: transaction)?.principal else {
                throw RPCError(code: .unauthenticated, message: "the credential of this watch was revoked or has expired: sign in again")
            }
            guard let relation = try await AccountRepository(transaction: transaction).relation(of: principal, to: accountID), relation.allows(.read)
            else {
                return (AccountRelation?.none, [WorkspaceChange]())
            }
            let condition: PostgresQuery = "(c.id > \(after) OR c.id = \(notified)::bigint)"
            let changes = try await WorkspaceJournal(transaction: transaction).changes(
                of: accountID, where: condition, for: principal, order: .oldestFirst, limit: batchSize)
            return (relation, changes)
        }
        guard relation != nil else {
            throw RPCError(code: .notFound, message: "no account \(accountID): access to it ended")
        }
        return changes
    }
}
