import Synchronization

/// How many of some objects are alive, e.g. one server's connection handlers: a closed connection
/// must leave none behind, and tests and the metrics can check that it does.
final class LiveObjects: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    /// One more is alive: call it from the object's initializer, and `ended()` from its `deinit`.
    func started() { count.withLock { $0 += 1 } }
    func ended() { count.withLock { $0 -= 1 } }
}
