import NIOConcurrencyHelpers

/// The unread message bytes of all of one connection's calls, against one limit.
///
/// Each call's ``MessageInbox`` bounds what that call holds; this bounds their sum, which a peer
/// could otherwise multiply by opening many calls (1,000 calls × 1 MiB each would be 1 GiB).
/// Crossing the limit tells the connection to stop reading the socket; falling back under half
/// of it tells it to read again. Inboxes add on the event loop and take back from their
/// consumers' tasks, hence the lock.
final class InboundBudget: Sendable {
    private struct State {
        var bytes = 0
        var overLimit = false
    }

    /// The bytes beyond which the connection stops reading.
    let limit: Int
    private let state = NIOLockedValueBox(State())
    /// Called (from a consumer's task) when the total falls back under half the limit.
    private let onRelieved: @Sendable () -> Void

    init(limit: Int, onRelieved: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.onRelieved = onRelieved
    }

    /// Counts `bytes` more. Returns `true` if the total just went over the limit.
    func add(_ bytes: Int) -> Bool {
        state.withLockedValue { state in
            state.bytes += bytes
            guard !state.overLimit, state.bytes > limit else { return false }
            state.overLimit = true
            return true
        }
    }

    /// Counts `bytes` fewer: they were consumed or dropped.
    func remove(_ bytes: Int) {
        let relieved = state.withLockedValue { state in
            state.bytes -= bytes
            guard state.overLimit, state.bytes <= limit / 2 else { return false }
            state.overLimit = false
            return true
        }
        if relieved { onRelieved() }
    }

    /// Whether the total is over the limit (and has not yet fallen back under half of it).
    var isOverLimit: Bool { state.withLockedValue { $0.overLimit } }

    /// The bytes counted now.
    var bytes: Int { state.withLockedValue { $0.bytes } }
}
