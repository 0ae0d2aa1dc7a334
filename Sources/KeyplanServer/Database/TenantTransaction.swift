import Foundation
import KeyplanPostgres
import Synchronization

/// Work on one tenant's data, in as few round trips as the work allows. Repositories run their
/// statements through it (``query(_:timeout:)``, ``pipeline(_:)``); nothing reaches a tenant's
/// rows any other way, and every round trip opens with the tenant setting
/// (`set_config('app.tenant_id', …, true)`), which row-level security reads.
///
/// Nothing is sent until the work needs a result: the opening statements (`BEGIN`, the tenant,
/// the caller's account check) travel with the first statements of the work, and the closing ones
/// (the visit, a write's audit row) with `COMMIT`. A connection is leased at the first round trip.
///
/// Two shapes:
/// - ``Shape/eachRoundTrip`` (reads): each round trip is a transaction of its own — the pipeline's
///   implicit transaction, committed at its sync — that opens with the tenant and the guard again.
///   Under READ COMMITTED every statement reads what committed before it anyway, so this reads
///   exactly what one transaction would; and a read never waits for a `COMMIT` round trip, nor
///   holds a connection between its round trips.
/// - ``Shape/single(_:)``: one explicit transaction (`BEGIN … COMMIT`): writes, and reads that need
///   one snapshot or write derived data (health scores) atomically.
///
/// Not durable (``Durability/deferred``) work commits without waiting for its WAL flush
/// (`synchronous_commit = off`): a crash may lose its last fraction of a second, which is right for
/// reads and what they write (visits, recomputed scores), never for a caller's writes.
final class TenantTransaction: Sendable {
    enum Shape: Sendable, Hashable {
        case eachRoundTrip
        case single(PostgresIsolationLevel)
    }

    enum Durability: Sendable, Hashable {
        /// COMMIT returns once the commit is on disk.
        case durable
        /// COMMIT returns at once; the WAL writer flushes within a fraction of a second.
        case deferred
    }

    /// A check that opens the work (every round trip of ``Shape/eachRoundTrip``) and must succeed
    /// for anything after it to run: an access check that raises when it fails. It travels in the
    /// statement that sets the tenant, as more of its select list (so it is no statement of its own).
    struct Guard: Sendable {
        /// Select-list items, e.g. `account_access(…) AS role`.
        var columns: PostgresQuery
        /// What the check found (its rows), handed over after its first run.
        var found: @Sendable (PostgresRows) throws -> Void

        /// Several checks as one, in order (a check that raises stops those after it); `nil` for none.
        static func all(_ checks: [Guard?]) -> Guard? {
            let checks = checks.compactMap { $0 }
            guard var combined = checks.first else { return nil }
            for check in checks.dropFirst() {
                let (columns, first, then) = (combined.columns, combined.found, check.found)
                combined = Guard(columns: "\(columns), \(check.columns)") { rows in
                    try first(rows)
                    try then(rows)
                }
            }
            return combined
        }
    }

    let tenantID: UUID
    let shape: Shape
    let durability: Durability
    private let database: PostgresClient
    private let state: Mutex<State>

    private struct State: Sendable {
        var guardStatement: Guard?
        /// Sent once: with the first round trip (``Shape/eachRoundTrip``) or with COMMIT.
        var closing: [PostgresQuery] = []
        var connection: PostgresConnection?
        var roundTrips = 0
        /// The guard's failure, kept: once it failed, nothing of the work may succeed.
        var guardFailure: PostgresError?
        var isFinished = false
        /// Run once the work has committed.
        var afterCommit: [@Sendable () -> Void] = []
    }

    init(database: PostgresClient, tenantID: UUID, shape: Shape, durability: Durability, guard: Guard? = nil) {
        self.database = database
        self.tenantID = tenantID
        self.shape = shape
        self.durability = durability
        self.state = Mutex(State(guardStatement: `guard`))
    }

    // MARK: Running statements

    /// Runs one statement (one round trip, with whatever opening statements are pending).
    @discardableResult
    func query(_ query: PostgresQuery, timeout: Duration? = nil) async throws -> PostgresRows {
        try await roundTrip([query], timeout: timeout)[0]
    }

    /// Runs the statements in one round trip and returns their results in order; the first
    /// failure is thrown (and, inside a single transaction, aborts it).
    func pipeline(_ queries: [PostgresQuery], timeout: Duration? = nil) async throws -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        return try await roundTrip(queries, timeout: timeout)
    }

    /// The rows of `read`, with the rows it reads locked first by `lock` (a `SELECT … FOR UPDATE` or
    /// `FOR SHARE` of one table, no joins) in the same round trip; `nil`: not locked.
    ///
    /// Why not `read … FOR UPDATE OF t`: a locking read over a join, after waiting for a concurrent
    /// update of `t`, rechecks the join against the joined rows it had read before — a changed
    /// `updated_by` then joins no user and the row vanishes (NOT_FOUND instead of ABORTED). Locked
    /// alone first, the read that follows takes its own snapshot and sees the rows as the lock left them.
    func read(_ read: PostgresQuery, lockingFirst lock: PostgresQuery?) async throws -> PostgresRows {
        guard let lock else { return try await query(read) }
        return try await pipeline([lock, read])[1]
    }

    func pipeline(timeout: Duration? = nil, _ build: (inout PostgresPipeline) -> Void) async throws -> [PostgresRows] {
        var pipeline = PostgresPipeline()
        build(&pipeline)
        return try await self.pipeline(pipeline.queries, timeout: timeout)
    }

    /// Sends the opening statements now (the access check among them), if they are still pending.
    func open() async throws {
        _ = try await roundTrip([], timeout: nil)
    }

    /// Statements that close the work, sent once with the first round trip of
    /// ``Shape/eachRoundTrip``, or just before COMMIT of ``Shape/single(_:)`` (if it commits).
    func addClosing(_ queries: [PostgresQuery]) {
        state.withLock { $0.closing += queries }
    }

    /// Runs `action` once the work has committed (not if it rolls back): for what this process
    /// must know at once about a change, such as a revoked credential.
    func onCommit(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.afterCommit.append(action) }
    }

    /// How many round trips the work has taken so far.
    var roundTrips: Int { state.withLock { $0.roundTrips } }

    /// The statement that opens each transaction: the tenant, for reads the asynchronous commit,
    /// and the guard's check when there is one.
    private func openingStatement(with check: Guard?) -> PostgresQuery {
        let tenant = tenantID.uuidString.lowercased()
        let asynchronous: PostgresQuery = durability == .deferred ? ", set_config('synchronous_commit', 'off', true)" : ""
        let guarded: PostgresQuery = check.map { ", \($0.columns)" } ?? ""
        return "SELECT set_config('app.tenant_id', \(tenant), true)\(asynchronous)\(guarded)"
    }

    /// One round trip: the pending opening statements, `work`, and (for ``Shape/eachRoundTrip``,
    /// or `alone`: the opening and closing statements by themselves, as an implicit transaction)
    /// the closing statements.
    private func roundTrip(_ work: [PostgresQuery], timeout: Duration?, alone: Bool = false) async throws -> [PostgresRows] {
        let shape: Shape = alone ? .eachRoundTrip : self.shape
        let (opening, closing, checks, connection) = try state.withLock { state throws(PostgresError) in
            guard !state.isFinished else {
                throw PostgresError(kind: .misuse, message: "the transaction has ended")
            }
            if let failure = state.guardFailure { throw failure }
            var opening: [PostgresQuery] = []
            var closing: [PostgresQuery] = []
            var checks = false
            switch shape {
            case .eachRoundTrip:
                opening = [openingStatement(with: state.guardStatement)]
                checks = state.guardStatement != nil
                closing = state.closing
                state.closing = []
            case .single(let isolation):
                if state.roundTrips == 0 {
                    opening = [isolation.beginStatement, openingStatement(with: state.guardStatement)]
                    checks = state.guardStatement != nil
                }
            }
            state.roundTrips += 1
            return (opening, closing, checks, state.connection)
        }
        let batch = opening + work + closing
        let results: [PostgresRows]
        do {
            switch shape {
            case .eachRoundTrip:
                results = try await database.withConnection { try await $0.pipeline(batch, timeout: timeout) }
            case .single:
                let leased: PostgresConnection
                if let connection {
                    leased = connection
                } else {
                    leased = try await database.leaseConnection()
                    state.withLock { $0.connection = leased }
                }
                results = try await leased.pipeline(batch, timeout: timeout)
            }
        } catch let error as PostgresError where checks && AccountCheckFailure(error) != nil {
            state.withLock { $0.guardFailure = error }
            throw error
        }
        if checks {
            let found = state.withLock { state in
                defer { state.guardStatement?.found = { _ in } }
                return state.guardStatement?.found
            }
            try found?(results[opening.count - 1])
        }
        return Array(results[opening.count..<(opening.count + work.count)])
    }

    // MARK: Ending

    /// Ends the work successfully: sends what is still pending — the opening statements if the
    /// work never needed a result (so the access check runs all the same), the closing statements
    /// — and, for a single transaction, `COMMIT`; then gives the connection back.
    func commit() async throws {
        let (started, hasClosing, failure) = state.withLock { ($0.roundTrips > 0, !$0.closing.isEmpty, $0.guardFailure) }
        if let failure {
            await rollBack()
            throw failure
        }
        switch (shape, started) {
        case (.eachRoundTrip, _), (.single, false):
            // Nothing sent yet, or closing statements left: they go alone, as one implicit
            // transaction (which needs no BEGIN or COMMIT), the opening statements with them.
            if !started || hasClosing {
                do {
                    _ = try await roundTrip([], timeout: nil, alone: true)
                } catch {
                    finish()
                    throw error
                }
            }
        case (.single, true):
            let closing = state.withLock { state in
                defer { state.closing = [] }
                return state.closing
            }
            do {
                _ = try await roundTripOnLeased(closing + ["COMMIT"])
            } catch {
                await rollBack()
                throw error
            }
        }
        let actions = state.withLock { $0.afterCommit }
        finish()
        actions.forEach { $0() }
    }

    /// Ends the work unsuccessfully: rolls back what a single transaction did and gives the connection back.
    func rollBack() async {
        let connection = state.withLock { $0.connection }
        if let connection, connection.isInTransaction {
            await connection.rollBack()
        }
        finish()
    }

    private func roundTripOnLeased(_ statements: [PostgresQuery]) async throws -> [PostgresRows] {
        guard let connection = state.withLock({ $0.connection }) else { return [] }
        state.withLock { $0.roundTrips += 1 }
        return try await connection.pipeline(statements)
    }

    private func finish() {
        let connection = state.withLock { state in
            state.isFinished = true
            defer { state.connection = nil }
            return state.connection
        }
        if let connection { database.releaseConnection(connection) }
    }
}
