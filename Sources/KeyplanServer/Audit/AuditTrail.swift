import DequeModule
import Foundation
import KeyplanPostgres
import Logging
import Synchronization

/// Appends the audit rows that do not belong to a write's transaction — reads, refusals, failed
/// calls — in batches: every ``Settings/interval`` (or sooner when ``Settings/batchSize`` rows
/// wait), one round trip writes them all, one statement per tenant in one implicit transaction
/// that commits without waiting for its WAL flush. A read therefore never waits for a disk write
/// of its own. A successful write's row is not written here: it commits with the write.
///
/// What a crash may lose: the rows of the last fraction of a second (those still waiting here, and
/// those whose commit had not been flushed) — never a write's row. A graceful shutdown writes
/// everything first (``run(logger:)`` returns after a last flush).
///
/// Bounded: at most ``Settings/capacity`` rows wait; beyond that (the database unreachable for
/// long) the oldest are dropped and the loss is logged.
final class AuditTrail: Sendable {
    struct Settings: Sendable, Hashable {
        var interval: Duration
        var batchSize: Int
        var capacity: Int

        static var defaults: Settings { Settings(interval: .milliseconds(100), batchSize: 500, capacity: 100_000) }
    }

    private let database: PostgresClient
    private let settings: Settings
    private let state = Mutex(State())

    private struct State: Sendable {
        var pending: Deque<AuditRecord> = []
        var dropped = 0
        /// The flusher, waiting for a full batch or its interval.
        var wakeUp: CheckedContinuation<Void, Never>?
        /// Callers of ``flush()`` waiting for everything appended before them to be written.
        var flushWaiters: [(upTo: Int, continuation: CheckedContinuation<Void, Never>)] = []
        /// Rows appended so far, and rows written (or given up) so far.
        var appended = 0
        var settled = 0
        var isRunning = false
    }

    init(database: PostgresClient, settings: Settings = .defaults) {
        self.database = database
        self.settings = settings
    }

    /// Queues a row; never waits.
    func append(_ record: AuditRecord) {
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.pending.append(record)
            state.appended += 1
            if state.pending.count > settings.capacity {
                state.pending.removeFirst()
                state.dropped += 1
                state.settled += 1
            }
            guard state.pending.count >= settings.batchSize else { return nil }
            defer { state.wakeUp = nil }
            return state.wakeUp
        }
        wake?.resume()
    }

    /// Waits until every row appended before the call is written (or given up): so that reading
    /// the log shows the calls made before. Returns at once when the trail is not running.
    func flush() async {
        await withCheckedContinuation { continuation in
            let wake = state.withLock { state -> (ready: Bool, wake: CheckedContinuation<Void, Never>?) in
                guard state.isRunning, state.settled < state.appended else { return (true, nil) }
                state.flushWaiters.append((state.appended, continuation))
                defer { state.wakeUp = nil }
                return (false, state.wakeUp)
            }
            if wake.ready { continuation.resume() }
            wake.wake?.resume()
        }
    }

    /// Writes batches until cancelled (graceful shutdown), then writes what is left and returns.
    func run(logger: Logger) async {
        state.withLock { $0.isRunning = true }
        while !Task.isCancelled {
            await waitForWork()
            await writeBatch(logger: logger)
        }
        // Shutting down: what is queued goes out now (a few attempts while the database answers).
        for _ in 0..<3 where state.withLock({ !$0.pending.isEmpty }) {
            await writeBatch(logger: logger)
        }
        let waiters = state.withLock { state in
            state.isRunning = false
            state.settled = state.appended
            defer { state.flushWaiters = [] }
            return state.flushWaiters
        }
        waiters.forEach { $0.continuation.resume() }
    }

    /// Sleeps for the interval, or less when a batch is full or someone flushes.
    private func waitForWork() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    if state.pending.count >= settings.batchSize || !state.flushWaiters.isEmpty || Task.isCancelled { return true }
                    state.wakeUp = continuation
                    return false
                }
                if ready {
                    continuation.resume()
                    return
                }
                Task { [weak self, interval = settings.interval] in
                    try? await Task.sleep(for: interval)
                    self?.state.withLock { state in
                        defer { state.wakeUp = nil }
                        return state.wakeUp
                    }?.resume()
                }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.wakeUp = nil }
                return state.wakeUp
            }?.resume()
        }
    }

    private func writeBatch(logger: Logger) async {
        let (batch, dropped) = state.withLock { state in
            let batch = Array(state.pending.prefix(settings.batchSize))
            defer { state.dropped = 0 }
            return (batch, state.dropped)
        }
        if dropped > 0 {
            logger.error("audit rows dropped: the database could not take them in time", metadata: ["rows": "\(dropped)"])
        }
        guard !batch.isEmpty else {
            settle(0)
            return
        }
        do {
            try await Self.write(batch, on: database)
            settle(batch.count)
        } catch {
            logger.warning("could not write audit rows; will retry", metadata: ["rows": "\(batch.count)", "error": "\(error)"])
            // Leave them queued; a little pause so an unreachable database is not hammered.
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// Takes the first `count` rows off the queue as written, and wakes the flushers they satisfy.
    private func settle(_ count: Int) {
        let ready = state.withLock { state in
            state.pending.removeFirst(min(count, state.pending.count))
            state.settled += count
            if state.pending.isEmpty { state.settled = state.appended }
            let (done, waiting) = state.flushWaiters.reduce(
                into: ([CheckedContinuation<Void, Never>](), [(upTo: Int, continuation: CheckedContinuation<Void, Never>)]())
            ) { split, waiter in
                if waiter.upTo <= state.settled { split.0.append(waiter.continuation) } else { split.1.append(waiter) }
            }
            state.flushWaiters = waiting
            return done
        }
        ready.forEach { $0.resume() }
    }

    /// One round trip: per tenant, the tenant setting and one INSERT of its rows, as one implicit
    /// transaction that does not wait for its flush.
    static func write(_ records: [AuditRecord], on database: PostgresClient) async throws {
        var statements: [PostgresQuery] = ["SELECT set_config('synchronous_commit', 'off', true)"]
        for (tenantID, rows) in Dictionary(grouping: records, by: \.tenantID) {
            statements.append("SELECT set_config('app.tenant_id', \(tenantID.uuidString.lowercased()), true)")
            statements.append(AuditRepository.insert(rows, tenantID: tenantID))
        }
        try await database.withConnection { _ = try await $0.pipeline(statements) }
    }
}
