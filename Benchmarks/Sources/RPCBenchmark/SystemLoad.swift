/// One system's open connections for a scenario, ready to run windows of load against its server.
struct SystemLoad {
    /// One measured window and the CPU time both processes spent during it.
    struct Slice: Sendable {
        var window: LoadWindow
        var serverCPU: CPUTime
        var clientCPU: CPUTime
    }

    let server: ServerProcess
    /// Runs the scenario's load for a duration.
    let run: (Duration) async throws -> LoadWindow

    /// Runs the load for `duration`, reading both processes' CPU time just before and after.
    func measure(for duration: Duration) async throws -> Slice {
        let serverBefore = try self.server.cpuTime()
        let clientBefore = CPUTime.ofCurrentProcess()
        let window = try await self.run(duration)
        return Slice(
            window: window,
            serverCPU: try self.server.cpuTime() - serverBefore,
            clientCPU: CPUTime.ofCurrentProcess() - clientBefore
        )
    }

    /// Opens connections to every server for `scenario` (each system scopes its own), then runs `body`
    /// with one load per server, in the same order.
    static func withLoads<Output>(
        _ servers: ArraySlice<ServerProcess>,
        scenario: Scenario,
        payload: [UInt8],
        _ body: ([SystemLoad]) async throws -> Output
    ) async throws -> Output {
        guard let server = servers.first else { return try await body([]) }
        return try await Self.withLoad(server.system.implementation, server: server, scenario: scenario, payload: payload) {
            load in
            try await Self.withLoads(servers.dropFirst(), scenario: scenario, payload: payload) { loads in
                try await body([load] + loads)
            }
        }
    }

    private static func withLoad<System: EchoSystem, Output>(
        _ implementation: System.Type,
        server: ServerProcess,
        scenario: Scenario,
        payload: [UInt8],
        _ body: (SystemLoad) async throws -> Output
    ) async throws -> Output {
        try await System.withConnections(count: scenario.connections, port: server.port) { connections in
            let generator = LoadGenerator(connections: connections, callsInFlight: scenario.callsInFlight, payload: payload)
            return try await body(SystemLoad(server: server, run: generator.run(for:)))
        }
    }
}
