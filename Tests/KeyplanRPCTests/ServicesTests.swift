import KeyplanRPC
import Testing

@Suite("Health, reflection and interceptors")
struct ServicesTests {
    @Test("health check: the server and its services are serving; an unknown service is NOT_FOUND")
    func health() async throws {
        try await withServerAndClient { _, client in
            let serverHealth = try await client.unary(ServerHealth.check, request: .init())
            #expect(serverHealth.status == .serving)
            let serviceHealth = try await client.unary(ServerHealth.check, request: .init(service: "keyplan.test.TestService"))
            #expect(serviceHealth.status == .serving)
            let error = await #expect(throws: RPCError.self) { try await client.unary(ServerHealth.check, request: .init(service: "nope")) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("reflection lists every service, method, call kind and message type")
    func reflection() async throws {
        try await withServerAndClient { _, client in
            let response = try await client.unary(Reflection.listMethods, request: [])
            #expect(response.services == ["keyplan.Reflection", "keyplan.ServerHealth", "keyplan.test.TestService"])
            let streamingInput = response.methods.first { $0.method == "StreamingInput" }
            #expect(streamingInput?.kind == .clientStreaming)
            #expect(streamingInput?.requestType == "Swift.Array<Swift.UInt8>")
            #expect(streamingInput?.responseType.hasSuffix("TestMessage") == true)
            #expect(response.methods.first { $0.method == "FullDuplex" }?.kind == .bidirectionalStreaming)
            #expect(response.methods.first { $0.method == "StreamingOutput" }?.kind == .serverStreaming)
            #expect(response.methods.first { $0.method == "Check" }?.kind == .unary)
            #expect(response.methods.count == 17)
        }
    }

    @Test("a server interceptor authenticates and fills the principal; a client interceptor adds credentials")
    func authentication() async throws {
        try await withServerAndClient(interceptors: [TokenAuthenticator()], clientInterceptors: [TokenInjector(token: "alice-token")]) {
            server, client in
            let identity = try await client.unary(TestMethods.whoAmI, request: TestMessage())
            #expect(identity.text == "alice")
            let anonymous = server.client()
            let error = await #expect(throws: RPCError.self) { try await anonymous.unary(TestMethods.whoAmI, request: TestMessage()) }
            #expect(error?.code == .unauthenticated)
            await anonymous.close()
        }
    }

    @Test("interceptors run in order, the first outermost, around the handler")
    func interceptorOrder() async throws {
        let order = OrderRecorder()
        try await withServerAndClient(interceptors: [Recording(name: "outer", order: order), Recording(name: "inner", order: order)]) { _, client in
            _ = try await client.unary(TestMethods.echo, request: TestMessage())
            #expect(order.values == ["outer>", "inner>", "<inner", "<outer"])
        }
    }
}

/// Accepts `authorization: Bearer <name>-token` and sets the principal to `<name>`.
struct TokenAuthenticator: ServerInterceptor {
    func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        guard let header = context.metadata["authorization"], header.hasPrefix("Bearer "), header.hasSuffix("-token") else {
            throw RPCError(code: .unauthenticated, message: "missing or invalid credentials")
        }
        var context = context
        context.principal = TestPrincipal(id: String(header.dropFirst("Bearer ".count).dropLast("-token".count)))
        try await next(context)
    }
}

struct TokenInjector: ClientInterceptor {
    let token: String
    func intercept<Result: Sendable>(context: ClientContext, next: (ClientContext) async throws -> Result) async throws -> Result {
        var context = context
        context.metadata["authorization"] = "Bearer \(token)"
        return try await next(context)
    }
}

struct Recording: ServerInterceptor {
    let name: String
    let order: OrderRecorder
    func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        order.append("\(name)>")
        try await next(context)
        order.append("<\(name)")
    }
}
