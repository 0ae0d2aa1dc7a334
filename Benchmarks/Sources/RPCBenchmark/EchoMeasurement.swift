/// One system's figures for one scenario.
struct EchoMeasurement: Sendable {
    var system: BenchmarkedSystem
    var scenario: Scenario
    /// Calls completed in the measured slices.
    var calls: Int
    var callsPerSecond: Double
    var p50Microseconds: Double
    var p99Microseconds: Double
    /// The server process's user + system CPU time over the measured slices, per call.
    var serverCPUMicrosecondsPerCall: Double
    /// The benchmark (client) process's CPU time over the measured slices, per call.
    var clientCPUMicrosecondsPerCall: Double

    /// The figures of all of one system's measured slices taken together.
    init(system: BenchmarkedSystem, scenario: Scenario, slices: [SystemLoad.Slice]) {
        let latencies = LatencyDistribution(nanoseconds: slices.flatMap(\.window.latencyNanoseconds))
        let elapsed = slices.reduce(Duration.zero) { $0 + $1.window.elapsed }
        let serverCPU = slices.reduce(Int64(0)) { $0 + $1.serverCPU.nanoseconds }
        let clientCPU = slices.reduce(Int64(0)) { $0 + $1.clientCPU.nanoseconds }
        self.system = system
        self.scenario = scenario
        self.calls = latencies.count
        self.callsPerSecond = Double(latencies.count) / elapsed.seconds
        self.p50Microseconds = latencies.percentileMicroseconds(0.50)
        self.p99Microseconds = latencies.percentileMicroseconds(0.99)
        self.serverCPUMicrosecondsPerCall = Double(serverCPU) / 1_000 / Double(latencies.count)
        self.clientCPUMicrosecondsPerCall = Double(clientCPU) / 1_000 / Double(latencies.count)
    }

    /// Measures every server on `scenario`, interleaved so that they all see the same background load:
    /// all connections open, each system warmed up, then `rounds` measured slices per system, the
    /// systems' order reversed every other round.
    static func measure(
        _ servers: [ServerProcess],
        scenario: Scenario,
        payload: [UInt8],
        warmUp: Duration,
        rounds: Int,
        slice: Duration
    ) async throws -> [EchoMeasurement] {
        try await SystemLoad.withLoads(servers[...], scenario: scenario, payload: payload) { loads in
            for load in loads {
                _ = try await load.run(warmUp)
            }
            var slices = Array(repeating: [SystemLoad.Slice](), count: loads.count)
            for round in 0..<rounds {
                let order = round.isMultiple(of: 2) ? Array(loads.indices) : loads.indices.reversed()
                for index in order {
                    slices[index].append(try await loads[index].measure(for: slice))
                }
            }
            return zip(loads, slices).map { load, slices in
                EchoMeasurement(system: load.server.system, scenario: scenario, slices: slices)
            }
        }
    }

    /// Makes one call on one fresh connection and checks the echo is byte for byte what was sent.
    static func verifyEcho<System: EchoSystem>(
        _ implementation: System.Type,
        server: ServerProcess,
        payload: [UInt8]
    ) async throws {
        let echoed = try await System.withConnections(count: 1, port: server.port) { connections in
            try await connections[0].echo(payload)
        }
        guard echoed == payload else {
            throw EchoBenchmarkError.wrongEcho(system: server.system.label, sent: payload.count, received: echoed.count)
        }
    }
}
