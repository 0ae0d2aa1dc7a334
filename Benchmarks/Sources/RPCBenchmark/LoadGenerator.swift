/// Keeps a fixed number of unary echo calls in flight over a set of connections for a while.
///
/// Each in-flight slot is a task making one call after another (closed loop); the slots' successive
/// calls rotate over the connections, so every connection carries load even with one call in flight.
struct LoadGenerator<Connection: EchoConnection>: Sendable {
    var connections: [Connection]
    var callsInFlight: Int
    var payload: [UInt8]

    /// Starts calls until `duration` has passed, then waits for those in flight to finish.
    func run(for duration: Duration) async throws -> LoadWindow {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for slot in 0..<self.callsInFlight {
                group.addTask {
                    var latencies: [Int64] = []
                    latencies.reserveCapacity(1 << 16)
                    var call = slot
                    while clock.now < deadline {
                        let connection = self.connections[call % self.connections.count]
                        let callStart = clock.now
                        let echoed = try await connection.echo(self.payload)
                        latencies.append((clock.now - callStart).nanoseconds)
                        guard echoed.count == self.payload.count else {
                            throw EchoBenchmarkError.wrongEcho(
                                system: "\(Connection.self)", sent: self.payload.count, received: echoed.count)
                        }
                        call += 1
                    }
                    return latencies
                }
            }
            var all: [Int64] = []
            for try await slotLatencies in group {
                all.append(contentsOf: slotLatencies)
            }
            return all
        }
        return LoadWindow(latencyNanoseconds: latencies, elapsed: clock.now - start)
    }
}

/// What one window of load produced.
struct LoadWindow: Sendable {
    /// Latency of every call completed in the window, in completion order per in-flight slot.
    var latencyNanoseconds: [Int64]
    /// From the first call's start to the last call's end.
    var elapsed: Duration
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }

    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        self.components.seconds * 1_000_000_000 + self.components.attoseconds / 1_000_000_000
    }
}
