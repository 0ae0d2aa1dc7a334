import KeyplanRPC

/// Keyplan's RPC runtime: `RPCServer` and `RPCClient` with default configuration, raw-bytes messages.
enum KeyplanEcho: EchoSystem {
    /// `keyplan.bench.Echo/Echo`, unary, messages unencoded.
    static let method = RPCMethod<[UInt8], [UInt8]>(
        MethodDescriptor(service: "keyplan.bench.Echo", method: "Echo"),
        kind: .unary,
        request: .rawBytes,
        response: .rawBytes
    )

    struct Service: RPCService {
        func registerMethods(with router: inout RPCRouter) {
            router.registerUnary(KeyplanEcho.method) { request, _ in request }
        }
    }

    static func serve(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let server = RPCServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: [Service()])
        guard let port = try await server.start().port else {
            throw EchoBenchmarkError.notListening("Keyplan server has no local port")
        }
        onListening(port)
        try await server.run()
    }

    static func withConnections<Output>(
        count: Int,
        port: Int,
        _ body: ([Connection]) async throws -> Output
    ) async throws -> Output {
        // One client per connection: an RPCClient keeps one connection for all its calls.
        let connections = (0..<count).map { _ in
            Connection(client: RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: port)))
        }
        do {
            for connection in connections { try await connection.client.connect() }
            let result = try await body(connections)
            for connection in connections { await connection.client.close() }
            return result
        } catch {
            for connection in connections { await connection.client.close() }
            throw error
        }
    }

    struct Connection: EchoConnection {
        let client: RPCClient

        func echo(_ payload: [UInt8]) async throws -> [UInt8] {
            try await self.client.unary(KeyplanEcho.method, request: payload)
        }
    }
}
