/// Keeps a fixed number of unary echo calls in flight over a set of connections for a while.
///
/// Each in-flight slot is a task making one call after another (closed loop); the slots' successive
/// calls rotate over the connections, so every connection carries load even with one call in flight.
struct LoadGenerator<Connection: EchoConnection>: Sendable {
    /// What one window of load produced.
    struct Window {
        /// Latency of every call completed in the window.
        var latencies: LatencyDistribution
        /// From the first call's start to the last call's end.
        var elapsed: Duration

        /// Completed calls per second of wall-clock time.
        var callsPerSecond: Double {
            Double(self.latencies.count) / self.elapsed.seconds
        }
    }

    var connections: [Connection]
    var callsInFlight: Int
    var payload: [UInt8]

    /// Starts calls until `duration` has passed, then waits for those in flight to finish.
    func run(for duration: Duration) async throws -> Window {
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
        return Window(latencies: LatencyDistribution(nanoseconds: latencies), elapsed: clock.now - start)
    }
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
