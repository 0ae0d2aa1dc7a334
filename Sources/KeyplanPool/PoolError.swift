/// Why the pool could not hand out a connection.
public enum PoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every connection stayed busy until the request's deadline.
    case leaseTimeout
    /// The bounded queue of waiting requests is full.
    case tooManyWaiters
    /// The request was cancelled while it waited.
    case cancelled
    /// The pool was shut down.
    case shutDown
    /// Opening a connection failed; the message says why (already free of secrets).
    case connectionFailed(String)

    public var description: String {
        switch self {
        case .leaseTimeout: "timed out waiting for a free database connection (all connections busy)"
        case .tooManyWaiters: "too many requests waiting for a database connection"
        case .cancelled: "cancelled while waiting for a database connection"
        case .shutDown: "the database connection pool is shut down"
        case .connectionFailed(let message): message
        }
    }
}
