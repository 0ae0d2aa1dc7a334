public import KeyplanRPC

/// How ``KeyplanClient`` tries a call again after UNAVAILABLE — the server went away (GOAWAY, a
/// restart behind a balancer) or its database is failing over. Reads are safe to repeat; every other
/// call is named with an idempotency key (the same on every attempt), so the server answers a repeat
/// of a write that did commit with that write's answer instead of writing twice (or refusing a
/// version it has itself moved on). Waits grow exponentially with ±25% jitter. Streaming calls
/// (Watch, the import) are not retried here: a watcher resumes with `after`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1: never retry.
    public var maximumAttempts: Int
    public var initialBackoff: Duration
    public var maximumBackoff: Duration

    public init(maximumAttempts: Int, initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5)) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// Six attempts over about ten seconds: long enough for a database failover or a server's restart.
    public static let standard = RetryPolicy(maximumAttempts: 6, initialBackoff: .milliseconds(200), maximumBackoff: .seconds(4))
    public static let never = RetryPolicy(maximumAttempts: 1)

    /// The wait before attempt `attempt + 1`.
    func backoff(after attempt: Int) -> Duration {
        let base = min(initialBackoff * (1 << min(attempt - 1, 20)), maximumBackoff)
        return base * Double.random(in: 0.75...1.25)
    }

    /// Whether a failure with this status may be retried: the server did not process the call, or
    /// processed it in a way a keyed retry answers the same.
    static func retries(_ error: RPCError) -> Bool { error.code == .unavailable }
}

/// The metadata that names a write for the server's idempotency keys (`Schema/0024_idempotency_keys.sql`).
public enum IdempotencyKeys {
    public static let metadataName = "idempotency-key"
}
