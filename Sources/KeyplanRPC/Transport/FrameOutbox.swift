import NIOCore
import Synchronization

/// Frames written from tasks on the cooperative pool, carried to the event loop in batches.
///
/// Each writer appends under a lock; only the first append after a drain schedules work on the
/// event loop, so many concurrent calls cost one hop and one flush per batch rather than one
/// each. Writers of streams also wait here while the socket is not writable: that is the server's
/// (and client's) backpressure, so a slow reader cannot make the writer buffer without bound.
final class FrameOutbox<Item: FrameOutboxItem>: Sendable {
    /// Bytes appended but not yet handed to the channel beyond which writers wait: the channel's
    /// own writability only flips once the event loop has written, and a fast writer on the pool
    /// could append a great deal before then.
    static var maxPendingBytes: Int { 256 * 1024 }

    private struct State {
        var pending: [Item] = []
        var pendingBytes = 0
        var drainScheduled = false
        var writable = true
        var closedError: RPCError?
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiterID: UInt64 = 0
        /// Runs on the event loop with every item appended since the last drain.
        var drainHandler: (@Sendable ([Item]) -> Void)?

        var canWrite: Bool {
            writable && pendingBytes < FrameOutbox.maxPendingBytes
        }

        mutating func takeWaiters() -> [CheckedContinuation<Void, any Error>] {
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
    }

    let eventLoop: any EventLoop
    private let state = Mutex(State())

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Sets who writes the items; called once, on the event loop, before any item is appended.
    func setDrainHandler(_ handler: @escaping @Sendable ([Item]) -> Void) {
        state.withLock { $0.drainHandler = handler }
    }

    /// Appends an item; throws the connection's error if it has closed.
    func append(_ item: Item) throws(RPCError) {
        try append { item }
    }

    /// Appends the item `make` returns, atomically with anything `make` does (e.g. taking the
    /// next call id, so ids reach the wire in increasing order); nil appends nothing and
    /// schedules no write (a call refused before anything was sent).
    func append(_ make: () -> Item?) throws(RPCError) {
        let scheduleDrain = try state.withLock { (state) throws(RPCError) -> Bool in
            if let error = state.closedError { throw error }
            guard let item = make() else { return false }
            state.pending.append(item)
            state.pendingBytes += item.byteCount
            defer { state.drainScheduled = true }
            return !state.drainScheduled
        }
        if scheduleDrain {
            eventLoop.execute { self.drain() }
        }
    }

    private func drain() {
        let (items, handler, waiters) = state.withLock { state in
            defer {
                state.pending.removeAll(keepingCapacity: true)
                state.pendingBytes = 0
                state.drainScheduled = false
            }
            return (state.pending, state.drainHandler, state.writable ? state.takeWaiters() : [])
        }
        if !items.isEmpty { handler?(items) }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends while the connection's socket is not writable, or too much waits to be written.
    func waitUntilWritable() async throws {
        let id: Result<UInt64?, RPCError> = state.withLock { state in
            if let error = state.closedError { return .failure(error) }
            if state.canWrite { return .success(nil) }
            defer { state.nextWaiterID += 1 }
            return .success(state.nextWaiterID)
        }
        guard let id = try id.get() else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if let error = state.closedError { return .failure(error) }
                    if state.canWrite { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Called on the event loop when the channel's writability changes.
    func setWritable(_ writable: Bool) {
        let waiters = state.withLock { state in
            state.writable = writable
            return state.canWrite ? state.takeWaiters() : []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Refuses further items, wakes every waiting writer with `error`, and returns the items
    /// that were never written, so their owners can be told.
    @discardableResult
    func close(_ error: RPCError) -> [Item] {
        let (unwritten, waiters) = state.withLock { state in
            state.closedError = state.closedError ?? error
            defer { state.pending.removeAll() }
            state.drainHandler = nil
            return (state.pending, state.takeWaiters())
        }
        for waiter in waiters { waiter.resume(throwing: error) }
        return unwritten
    }
}

/// Something a ``FrameOutbox`` carries, sized so the outbox can bound what waits in it.
protocol FrameOutboxItem: Sendable {
    var byteCount: Int { get }
}
