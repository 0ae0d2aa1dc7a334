/// Keyplan's RPC runtime (KeyplanRPC): filled in once the `rpc` branch has a unary client and server.
enum KeyplanEcho: EchoSystem {
    static func serve(onListening: @escaping @Sendable (Int) -> Void) async throws {
        throw EchoBenchmarkError.notListening("KeyplanRPC is not wired in yet")
    }

    static func withConnections<Output>(
        count: Int,
        port: Int,
        _ body: ([Connection]) async throws -> Output
    ) async throws -> Output {
        throw EchoBenchmarkError.notListening("KeyplanRPC is not wired in yet")
    }

    struct Connection: EchoConnection {
        func echo(_ payload: [UInt8]) async throws -> [UInt8] { [] }
    }
}
