import Foundation

/// Prints the figures: a table per scenario as it completes, then one Markdown summary for the README.
struct Report {
    var payloadBytes: Int
    /// The machine's 1-minute load average when the run began (client and servers share the machine).
    var loadAverageAtStart: String
    private(set) var measurements: [EchoMeasurement] = []
    private(set) var targetLines: [String] = []

    init(payloadBytes: Int, loadAverageAtStart: String) {
        self.payloadBytes = payloadBytes
        self.loadAverageAtStart = loadAverageAtStart
    }

    /// Records one scenario's measurements (one per system) and prints its table.
    mutating func add(_ scenario: Scenario, _ scenarioMeasurements: [EchoMeasurement]) {
        self.measurements += scenarioMeasurements
        print("\n── \(scenario.description), \(self.payloadBytes)-byte payload ──")
        print(Self.row(["", "calls/s", "p50 µs", "p99 µs", "server CPU µs/call", "client CPU µs/call"]))
        for measurement in scenarioMeasurements {
            print(Self.row([measurement.system.label] + Self.figures(measurement)))
        }
        guard let keyplan = scenarioMeasurements.first(where: { $0.system == .keyplan }),
            let grpc = scenarioMeasurements.first(where: { $0.system == .grpc })
        else { return }
        print(Self.row(["Keyplan/grpc"] + Self.ratios(keyplan, grpc)))
        for target in Target.all where target.appliesTo(scenario) {
            let figure = target.figure(keyplan, grpc)
            let line = "\(target.isMet(figure) ? "met   " : "MISSED") \(target.requirement): \(Self.format(figure))\(target.unit)"
            print("  " + line)
            self.targetLines.append("\(line) (\(scenario.description))")
        }
    }

    /// The whole run as Markdown: the figures table, then each target's verdict.
    func printSummary() {
        print("\n## Summary (\(self.payloadBytes)-byte payload)\n")
        print("1-minute load average: \(self.loadAverageAtStart) at the start, \(LoadAverage.oneMinute()) at the end.\n")
        print("| connections | in flight | system | calls/s | p50 µs | p99 µs | server CPU µs/call | client CPU µs/call |")
        print("|---:|---:|---|---:|---:|---:|---:|---:|")
        var scenarios: [Scenario] = []
        for measurement in self.measurements where !scenarios.contains(measurement.scenario) {
            scenarios.append(measurement.scenario)
        }
        for scenario in scenarios {
            let inScenario = self.measurements.filter { $0.scenario == scenario }
            let prefix = ["\(scenario.connections)", "\(scenario.callsInFlight)"]
            for measurement in inScenario {
                print(Self.markdownRow(prefix + [measurement.system.label] + Self.figures(measurement)))
            }
            if let keyplan = inScenario.first(where: { $0.system == .keyplan }),
                let grpc = inScenario.first(where: { $0.system == .grpc })
            {
                print(Self.markdownRow(prefix + ["**Keyplan/grpc**"] + Self.ratios(keyplan, grpc)))
            }
        }
        if !self.targetLines.isEmpty {
            print("")
            for line in self.targetLines { print("- \(line)") }
        }
    }

    private static func figures(_ measurement: EchoMeasurement) -> [String] {
        [
            Self.format(measurement.callsPerSecond, decimals: 0),
            Self.format(measurement.p50Microseconds, decimals: 1),
            Self.format(measurement.p99Microseconds, decimals: 1),
            Self.format(measurement.serverCPUMicrosecondsPerCall, decimals: 1),
            Self.format(measurement.clientCPUMicrosecondsPerCall, decimals: 1),
        ]
    }

    private static func ratios(_ keyplan: EchoMeasurement, _ grpc: EchoMeasurement) -> [String] {
        [
            keyplan.callsPerSecond / grpc.callsPerSecond,
            keyplan.p50Microseconds / grpc.p50Microseconds,
            keyplan.p99Microseconds / grpc.p99Microseconds,
            keyplan.serverCPUMicrosecondsPerCall / grpc.serverCPUMicrosecondsPerCall,
            keyplan.clientCPUMicrosecondsPerCall / grpc.clientCPUMicrosecondsPerCall,
        ].map { Self.format($0) + "×" }
    }

    private static func format(_ value: Double, decimals: Int = 2) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private static func row(_ cells: [String]) -> String {
        let first = cells[0].padding(toLength: 14, withPad: " ", startingAt: 0)
        let rest = cells.dropFirst().map { String(repeating: " ", count: max(0, 20 - $0.count)) + $0 }
        return first + rest.joined()
    }

    private static func markdownRow(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }
}
