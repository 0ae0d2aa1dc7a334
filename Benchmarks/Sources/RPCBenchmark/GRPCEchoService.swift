import GRPCCore

/// The echo service registered by hand with GRPCCore's low-level API (what generated code would do).
struct GRPCEchoService: RegistrableRPCService {
    /// `keyplan.bench.Echo/Echo`, unary.
    static let method = MethodDescriptor(
        fullyQualifiedService: "keyplan.bench.Echo",
        method: "Echo",
        type: .unary
    )

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.method,
            deserializer: GRPCRawBytesDeserializer(),
            serializer: GRPCRawBytesSerializer()
        ) { streamingRequest, _ in
            let request = try await ServerRequest(stream: streamingRequest)
            return StreamingServerResponse(single: ServerResponse(message: request.message))
        }
    }
}
