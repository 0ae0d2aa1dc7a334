/// When to try again what failed to leave the server (a mail, a webhook): a delay that doubles
/// with each failed attempt up to a cap, then drawn at random within `jitter` of itself, so that
/// what failed together (a relay or receiver that was down) is not retried all at once.
public struct RetryBackoff: Sendable, Equatable {
    /// The wait after the first failed attempt.
    public var first: Duration
    public var maximum: Duration
    /// The share of the delay drawn from: `0.5...1` waits between half and all of it.
    public var jitter: ClosedRange<Double>

    public init(first: Duration, maximum: Duration, jitter: ClosedRange<Double>) {
        self.first = first
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The wait after failed attempt `attempt` (1-based); `random` picks within ``jitter``.
    func delay(after attempt: Int, random: Double? = nil) -> Duration {
        let doublings = min(max(attempt - 1, 0), 40)
        let base = min(first.seconds * Double(sign: .plus, exponent: doublings, significand: 1), max(maximum.seconds, first.seconds))
        let share = random ?? Double.random(in: jitter)
        return .milliseconds(Int64((base * share * 1000).rounded()))
    }
}
