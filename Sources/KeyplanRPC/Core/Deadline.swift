/// The instant by which a call must finish.
///
/// Travels as a relative timeout (microseconds) in `OPEN`, so client and server clocks need not
/// agree; each side turns it back into an instant on its own monotonic clock.
public struct Deadline: Hashable, Comparable, Sendable {
    public var instant: ContinuousClock.Instant

    public init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// The deadline `timeout` from now.
    public static func after(_ timeout: Duration) -> Deadline {
        Deadline(.now + timeout)
    }

    /// Time left, zero once passed.
    public var remaining: Duration {
        max(.zero, instant - .now)
    }

    public var hasPassed: Bool { instant <= .now }

    /// The timeout to send in `OPEN`.
    var timeoutMicroseconds: UInt64 { remaining.clampedMicroseconds }

    /// The deadline a received timeout stands for.
    init(timeoutMicroseconds: UInt64) {
        // Clamp absurd timeouts (up to 2^64 µs) to a century rather than overflow.
        let capped = min(timeoutMicroseconds, 100 * 365 * 24 * 3600 * 1_000_000)
        self.init(.now + .microseconds(Int64(capped)))
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.instant < rhs.instant }
}

extension Duration {
    /// Whole microseconds, 0 for a negative duration and `UInt64.max` past what 64 bits hold: the unit of the
    /// protocol's timeouts.
    var clampedMicroseconds: UInt64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000)
        return overflow ? .max : whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000_000)).partialValue
    }
}
