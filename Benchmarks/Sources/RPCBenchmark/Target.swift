/// A goal of issue 4 for Keyplan against grpc-swift 2, checked against one scenario's figures.
struct Target: Sendable {
    /// What the target demands, as printed.
    var requirement: String
    /// Which scenarios it applies to.
    var appliesTo: @Sendable (Scenario) -> Bool
    /// The figure checked (a ratio Keyplan/grpc or an absolute value), from (Keyplan, grpc).
    var figure: @Sendable (_ keyplan: EchoMeasurement, _ grpc: EchoMeasurement) -> Double
    /// Whether the figure meets the target.
    var isMet: @Sendable (Double) -> Bool
    /// How the figure is printed.
    var unit: String

    /// The targets of issue 4.
    static let all: [Target] = [
        Target(
            requirement: "throughput ≥ 2× grpc at 64 in flight",
            appliesTo: { $0.callsInFlight == 64 },
            figure: { $0.callsPerSecond / $1.callsPerSecond },
            isMet: { $0 >= 2 },
            unit: "×"
        ),
        Target(
            requirement: "p99 ≤ 0.5× grpc at 64 in flight",
            appliesTo: { $0.callsInFlight == 64 },
            figure: { $0.p99Microseconds / $1.p99Microseconds },
            isMet: { $0 <= 0.5 },
            unit: "×"
        ),
        Target(
            requirement: "server CPU/call ≤ ⅓ grpc",
            appliesTo: { _ in true },
            figure: { $0.serverCPUMicrosecondsPerCall / $1.serverCPUMicrosecondsPerCall },
            isMet: { $0 <= 1.0 / 3 },
            unit: "×"
        ),
        Target(
            requirement: "p50 < 150 µs at 1 in flight",
            appliesTo: { $0.callsInFlight == 1 },
            figure: { keyplan, _ in keyplan.p50Microseconds },
            isMet: { $0 < 150 },
            unit: " µs"
        ),
    ]
}
