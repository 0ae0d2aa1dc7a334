import ArgumentParser

/// The benchmark: every scenario against every system, the systems taking turns within a scenario.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the unary echo benchmark and print the figures (Linux: server CPU is read from /proc)."
    )

    @Option(parsing: .upToNextOption, help: "Systems to measure.")
    var systems: [BenchmarkedSystem] = BenchmarkedSystem.allCases

    @Option(parsing: .upToNextOption, help: "Connection counts to measure.")
    var connections: [Int] = [1, 4]

    @Option(name: .customLong("in-flight"), parsing: .upToNextOption, help: "Numbers of calls in flight to measure.")
    var callsInFlight: [Int] = [1, 16, 64]

    @Option(help: "Echo payload size in bytes (request and response alike).")
    var payloadBytes: Int = 256

    @Option(help: "Warm-up per scenario and system, in seconds (not measured).")
    var warmUpSeconds: Double = 1

    @Option(help: "Measured slices per scenario and system, the systems taking turns.")
    var rounds: Int = 4

    @Option(help: "One measured slice, in seconds.")
    var sliceSeconds: Double = 1

    func validate() throws {
        guard !self.systems.isEmpty, self.connections.allSatisfy({ $0 > 0 }), self.callsInFlight.allSatisfy({ $0 > 0 }),
            self.payloadBytes >= 0, self.warmUpSeconds >= 0, self.rounds > 0, self.sliceSeconds > 0
        else {
            throw ValidationError("systems must be given; connections, in-flight counts, rounds and slices positive")
        }
    }

    func run() async throws {
        #if DEBUG
        print("warning: debug build; measure with `swift run -c release RPCBenchmark`")
        #endif
        let payload = (0..<self.payloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var servers: [ServerProcess] = []
        defer { servers.forEach { $0.stop() } }
        for system in self.systems {
            let server = try await ServerProcess.start(system)
            servers.append(server)
            print("\(system.label) server: pid \(server.pid), port \(server.port)")
            try await EchoMeasurement.verifyEcho(system.implementation, server: server, payload: payload)
        }

        var report = Report(payloadBytes: self.payloadBytes, loadAverageAtStart: LoadAverage.oneMinute())
        for connections in self.connections {
            for callsInFlight in self.callsInFlight {
                let scenario = Scenario(connections: connections, callsInFlight: callsInFlight)
                let measurements = try await EchoMeasurement.measure(
                    servers,
                    scenario: scenario,
                    payload: payload,
                    warmUp: .seconds(self.warmUpSeconds),
                    rounds: self.rounds,
                    slice: .seconds(self.sliceSeconds)
                )
                report.add(scenario, measurements)
            }
        }
        report.printSummary()
    }
}
