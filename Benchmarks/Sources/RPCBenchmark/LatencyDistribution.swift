/// Every call's latency from one measured window, sorted, for exact percentiles.
struct LatencyDistribution: Sendable {
    private let sortedNanoseconds: [Int64]

    init(nanoseconds: [Int64]) {
        self.sortedNanoseconds = nanoseconds.sorted()
    }

    /// The number of calls measured.
    var count: Int { self.sortedNanoseconds.count }

    /// The nearest-rank percentile in microseconds, `fraction` in 0...1 (0.5 is the median).
    func percentileMicroseconds(_ fraction: Double) -> Double {
        guard !self.sortedNanoseconds.isEmpty else { return .nan }
        let rank = Int((fraction * Double(self.sortedNanoseconds.count)).rounded(.up))
        let index = min(max(rank - 1, 0), self.sortedNanoseconds.count - 1)
        return Double(self.sortedNanoseconds[index]) / 1_000
    }
}
