/// One RPC system under test: how it serves the echo method and how its client calls it.
///
/// Each system carries the payload as raw bytes with the least encoding its runtime allows, so the
/// benchmark compares runtimes, not message codecs.
protocol EchoSystem {
    associatedtype Connection: EchoConnection

    /// Serves echo on 127.0.0.1 (an ephemeral port) until the process exits.
    ///
    /// - Parameter onListening: Called once with the bound port.
    static func serve(onListening: @escaping @Sendable (Int) -> Void) async throws

    /// Opens `count` client connections to `port` on 127.0.0.1, runs `body` with them, then closes them.
    static func withConnections<Output>(
        count: Int,
        port: Int,
        _ body: ([Connection]) async throws -> Output
    ) async throws -> Output
}

/// One client connection able to make unary echo calls; many calls may be in flight on it at once.
protocol EchoConnection: Sendable {
    /// Sends `payload` and returns the echoed bytes.
    func echo(_ payload: [UInt8]) async throws -> [UInt8]
}
