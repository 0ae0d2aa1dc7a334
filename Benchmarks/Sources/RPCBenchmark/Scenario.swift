/// One load shape: how many connections, how many calls in flight across them.
struct Scenario: Hashable, Sendable {
    var connections: Int
    var callsInFlight: Int

    var description: String {
        "\(self.connections) connection\(self.connections == 1 ? "" : "s"), \(self.callsInFlight) call\(self.callsInFlight == 1 ? "" : "s") in flight"
    }
}
