extension Duration {
    /// Whole seconds, for SQL intervals counted in seconds.
    var wholeSeconds: Int64 { components.seconds }

    /// Seconds with their fraction, for `make_interval(secs => …)` and `TimeInterval`s.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Nanoseconds, for NIO's `TimeAmount`.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
