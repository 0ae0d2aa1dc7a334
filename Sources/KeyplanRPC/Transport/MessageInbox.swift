import DequeModule
import NIOCore
import Synchronization

/// The received, not yet consumed messages of one call: filled on the event loop, drained by the
/// tasks that read the call's stream.
///
/// It reports when its buffered bytes cross the high watermark and when they fall back under the
/// low one, so the connection can stop reading the socket meanwhile: TCP then pushes back on the
/// sender, and nothing here grows without bound. What it buffers also counts against the
/// connection's ``InboundBudget``, if it has one.
///
/// Consumers are served first come, first served: each message goes to exactly one `next()`,
/// even if several tasks wait at once. The end is sticky: once reached, every `next()` returns
/// `nil` again (clean end) or throws the same error.
final class MessageInbox: Sendable {
    private typealias Waiter = CheckedContinuation<ByteBuffer?, any Error>

    private struct State {
        var messages = Deque<ByteBuffer>()
        var bufferedBytes = 0
        var overLimit = false
        var end: RPCError?? = .none  // .some(nil): finished cleanly; .some(error): failed
        var waiters = Deque<(id: UInt64, continuation: Waiter)>()
        var nextWaiterID: UInt64 = 0
    }

    /// What one buffered message costs besides its bytes (its slot, its buffer's header), so that
    /// a flood of empty messages is bounded too.
    static let overheadPerMessage = 64

    private let state = Mutex(State())
    private let highWatermark: Int
    private let budget: InboundBudget?
    /// Called (from the consumer's task) when the buffer falls back under half the watermark.
    private let onDrained: @Sendable () -> Void

    init(highWatermark: Int, budget: InboundBudget? = nil, onDrained: @escaping @Sendable () -> Void) {
        self.highWatermark = highWatermark
        self.budget = budget
        self.onDrained = onDrained
    }

    deinit {
        // A call dropped with unread messages gives their bytes back to the connection.
        let buffered = state.withLock { $0.bufferedBytes }
        if buffered > 0 { budget?.remove(buffered) }
    }

    /// What appending a message meant for the connection's reading.
    struct Appended: Equatable {
        /// This call's buffer just went over its high watermark.
        var callOverLimit = false
        /// The connection's budget just went over its limit.
        var connectionOverBudget = false
    }

    /// Adds a message, handing it straight to a waiting consumer if there is one.
    @discardableResult
    func append(_ message: ByteBuffer) -> Appended {
        let (waiter, appended): (Waiter?, Appended) = state.withLock { state in
            guard case .none = state.end else { return (nil, Appended()) }
            if let waiter = state.waiters.popFirst() { return (waiter.continuation, Appended()) }
            // The parser hands out payloads as slices of its receive buffer; a buffered slice would pin that
            // whole buffer (other calls' frames included) while counting only its own bytes. A copy makes the
            // watermark count what is actually held.
            let owned = ByteBuffer(bytes: message.readableBytesView)
            let cost = owned.readableBytes + Self.overheadPerMessage
            state.messages.append(owned)
            state.bufferedBytes += cost
            var appended = Appended()
            if !state.overLimit && state.bufferedBytes > highWatermark {
                state.overLimit = true
                appended.callOverLimit = true
            }
            appended.connectionOverBudget = budget?.add(cost) ?? false
            return (nil, appended)
        }
        waiter?.resume(returning: message)
        return appended
    }

    /// No more messages: the stream ends after the buffered ones, cleanly or with `error`.
    func finish(error: RPCError? = nil) {
        let waiters: Deque<(id: UInt64, continuation: Waiter)> = state.withLock { state in
            guard case .none = state.end else { return [] }
            state.end = .some(error)
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters {
            if let error { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume(returning: nil) }
        }
    }

    /// Ends the stream at once with `error`, dropping what is buffered: the call is over (cancelled, lost),
    /// so nobody will read it, and its bytes go back to the connection's budget now.
    func abort(_ error: RPCError) {
        let (waiters, dropped): (Deque<(id: UInt64, continuation: Waiter)>, Int) = state.withLock { state in
            if case .some(.some) = state.end {} else { state.end = .some(error) }
            let dropped = state.bufferedBytes
            state.messages.removeAll()
            state.bufferedBytes = 0
            state.overLimit = false
            defer { state.waiters.removeAll() }
            return (state.waiters, dropped)
        }
        if dropped > 0 { budget?.remove(dropped) }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }

    /// Whether the buffer is over its high watermark (and the connection should not read).
    var isOverLimit: Bool { state.withLock { $0.overLimit } }

    private enum Taken {
        case message(ByteBuffer, cost: Int, drained: Bool)
        case end(RPCError?)

        func resolve() throws -> ByteBuffer? {
            switch self {
            case .message(let message, _, _): return message
            case .end(let error):
                if let error { throw error }
                return nil
            }
        }
    }

    /// What ``next()`` finds at first: a message (or the end) to take, or the id to wait under.
    private enum FirstLook {
        case taken(Taken)
        case wait(UInt64)
    }

    /// Takes the first buffered message or the end from `state`, the locked state.
    private func take(from state: inout State) -> Taken? {
        if let message = state.messages.popFirst() {
            let cost = message.readableBytes + Self.overheadPerMessage
            state.bufferedBytes -= cost
            let drained = state.overLimit && state.bufferedBytes <= highWatermark / 2
            if drained { state.overLimit = false }
            return .message(message, cost: cost, drained: drained)
        }
        if case .some(let error) = state.end { return .end(error) }
        return nil
    }

    /// Settles the accounts of what was taken, outside the lock.
    private func took(_ taken: Taken) -> Taken {
        if case .message(_, let cost, let drained) = taken {
            budget?.remove(cost)
            if drained { onDrained() }
        }
        return taken
    }

    /// The next message, `nil` at the clean end.
    func next() async throws -> ByteBuffer? {
        // One lock either takes what is there or reserves the id to wait under.
        let firstLook: FirstLook = state.withLock { state in
            if let taken = take(from: &state) { return .taken(taken) }
            defer { state.nextWaiterID &+= 1 }
            return .wait(state.nextWaiterID)
        }
        let id: UInt64
        switch firstLook {
        case .taken(let taken): return try took(taken).resolve()
        case .wait(let waiterID): id = waiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let taken: Result<Taken, CancellationError>? = state.withLock { state in
                    if let taken = take(from: &state) { return .success(taken) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                switch taken {
                case .success(let taken): continuation.resume(with: Result { try took(taken).resolve() })
                case .failure(let error): continuation.resume(throwing: error)
                case nil: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
