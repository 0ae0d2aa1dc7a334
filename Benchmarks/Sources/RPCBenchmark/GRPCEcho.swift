import GRPCCore
import GRPCNIOTransportHTTP2

/// grpc-swift 2 over grpc-swift-nio-transport's HTTP/2 transport (NIOPosix, plaintext), default configuration.
enum GRPCEcho: EchoSystem {
    static func serve(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let server = GRPCServer(
            transport: .http2NIOPosix(
                address: .ipv4(host: "127.0.0.1", port: 0),
                transportSecurity: .plaintext
            ),
            services: [GRPCEchoService()]
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            guard let address = try await server.listeningAddress?.ipv4 else {
                throw EchoBenchmarkError.notListening("grpc-swift 2 server has no IPv4 listening address")
            }
            onListening(address.port)
        }
    }

    static func withConnections<Output>(
        count: Int,
        port: Int,
        _ body: ([Connection]) async throws -> Output
    ) async throws -> Output {
        // One client per connection: a client's HTTP/2 transport (pick-first) keeps one connection.
        let connections = try (0..<count).map { _ in
            Connection(
                client: GRPCClient(
                    transport: try HTTP2ClientTransport.Posix(
                        target: .ipv4(address: "127.0.0.1", port: port),
                        transportSecurity: .plaintext
                    )
                )
            )
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { try await connection.client.runConnections() }
            }
            let result: Result<Output, any Error>
            do {
                result = .success(try await body(connections))
            } catch {
                result = .failure(error)
            }
            for connection in connections { connection.client.beginGracefulShutdown() }
            try await group.waitForAll()
            return try result.get()
        }
    }

    struct Connection: EchoConnection {
        let client: GRPCClient<HTTP2ClientTransport.Posix>

        func echo(_ payload: [UInt8]) async throws -> [UInt8] {
            try await self.client.unary(
                request: ClientRequest(message: payload),
                descriptor: GRPCEchoService.method,
                serializer: GRPCRawBytesSerializer(),
                deserializer: GRPCRawBytesDeserializer(),
                options: .defaults
            ) { response in
                try response.message
            }
        }
    }
}
