/// One system's figures for one scenario.
struct EchoMeasurement: Sendable {
    var system: BenchmarkedSystem
    var scenario: Scenario
    /// Calls completed in the measured window.
    var calls: Int
    var callsPerSecond: Double
    var p50Microseconds: Double
    var p99Microseconds: Double
    /// The server process's user + system CPU time over the window, per call.
    var serverCPUMicrosecondsPerCall: Double
    /// The benchmark (client) process's CPU time over the window, per call.
    var clientCPUMicrosecondsPerCall: Double

    /// Runs `scenario` against `server`: fresh connections, a warm-up window, then the measured window.
    static func measure<System: EchoSystem>(
        _ implementation: System.Type,
        server: ServerProcess,
        scenario: Scenario,
        payload: [UInt8],
        warmUp: Duration,
        duration: Duration
    ) async throws -> EchoMeasurement {
        try await System.withConnections(count: scenario.connections, port: server.port) { connections in
            let load = LoadGenerator(connections: connections, callsInFlight: scenario.callsInFlight, payload: payload)
            _ = try await load.run(for: warmUp)

            let serverBefore = try server.cpuTime()
            let clientBefore = CPUTime.ofCurrentProcess()
            let window = try await load.run(for: duration)
            let serverCPU = try server.cpuTime() - serverBefore
            let clientCPU = CPUTime.ofCurrentProcess() - clientBefore

            let calls = window.latencies.count
            return EchoMeasurement(
                system: server.system,
                scenario: scenario,
                calls: calls,
                callsPerSecond: window.callsPerSecond,
                p50Microseconds: window.latencies.percentileMicroseconds(0.50),
                p99Microseconds: window.latencies.percentileMicroseconds(0.99),
                serverCPUMicrosecondsPerCall: Double(serverCPU.nanoseconds) / 1_000 / Double(calls),
                clientCPUMicrosecondsPerCall: Double(clientCPU.nanoseconds) / 1_000 / Double(calls)
            )
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
