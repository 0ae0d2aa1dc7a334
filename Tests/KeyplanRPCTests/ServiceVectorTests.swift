import Foundation
import KeyplanRPC
import NIOCore
import Testing

/// Checks the `services` vectors of `Protocols/vectors/frames.json` (frames.md, section 8) in both
/// directions against the built-in services' own coders, and that a real server's reflection answer is
/// the vector's.
@Suite("Built-in service vectors")
struct ServiceVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible, Sendable {
        struct Value: Decodable, Sendable {
            var service: String?
            var status: UInt8?
            var methods: [Method]?
        }

        struct Method: Decodable, Sendable {
            var service, method, kind, requestType, responseType: String
        }

        let name: String
        let method: String
        let message: String
        let value: Value
        let hex: String

        var testDescription: String { name }
    }

    struct VectorFile: Decodable {
        let services: [Vector]
    }

    static let vectors: [Vector] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // KeyplanRPCTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("Protocols/vectors/frames.json")
        // A missing or unreadable file fails the count test below rather than trapping here.
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(VectorFile.self, from: data) else { return [] }
        return file.services
    }()

    @Test("every built-in message has vectors")
    func coverage() {
        let names = Set(Self.vectors.map { "\($0.method) \($0.message)" })
        #expect(
            names == [
                "keyplan.ServerHealth/Check request", "keyplan.ServerHealth/Check response",
                "keyplan.Reflection/ListMethods request", "keyplan.Reflection/ListMethods response",
            ])
    }

    @Test("value encodes to the bytes, bytes decode to the value", arguments: ServiceVectorTests.vectors)
    func bothWays(vector: Vector) throws {
        let bytes = try #require(Self.bytes(hex: vector.hex))
        switch (vector.method, vector.message) {
        case (ServerHealth.check.descriptor.fullName, "request"):
            let value = ServerHealth.Request(service: try #require(vector.value.service))
            #expect(try Self.encode(value, ServerHealth.check.request.serializer) == bytes)
            #expect(try ServerHealth.check.request.deserializer.deserialize(ByteBuffer(bytes: bytes)) == value)
        case (ServerHealth.check.descriptor.fullName, "response"):
            let byte = try #require(vector.value.status)
            let value = ServerHealth.Response(status: try #require(ServerHealth.Response.Status(rawValue: byte)))
            #expect(try Self.encode(value, ServerHealth.check.response.serializer) == bytes)
            #expect(try ServerHealth.check.response.deserializer.deserialize(ByteBuffer(bytes: bytes)) == value)
        case (Reflection.listMethods.descriptor.fullName, "request"):
            #expect(bytes.isEmpty)
            #expect(try Self.encode([], Reflection.listMethods.request.serializer) == bytes)
        case (Reflection.listMethods.descriptor.fullName, "response"):
            let value = try Self.reflection(vector.value)
            #expect(try Self.encode(value, Reflection.listMethods.response.serializer) == bytes)
            #expect(try Reflection.listMethods.response.deserializer.deserialize(ByteBuffer(bytes: bytes)) == value)
        default:
            Issue.record("no Swift coder for \(vector.method) \(vector.message)")
        }
    }

    @Test("a server without services of its own lists exactly the built-in methods of the vector")
    func realServerMatchesVector() async throws {
        let vector = try #require(Self.vectors.first { $0.name == "reflection response: a server with only the built-in services" })
        let server = RPCServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: [])
        let address = try await server.start()
        let run = Task { try await server.run() }
        let client = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        let listed = try await client.unary(Reflection.listMethods, request: [])
        #expect(listed == (try Self.reflection(vector.value)))
        #expect(try await client.unary(ServerHealth.check, request: .init()).status == .serving)
        await client.close()
        server.beginGracefulShutdown()
        _ = try? await run.value
    }

    static func reflection(_ value: Vector.Value) throws -> Reflection.Response {
        try Reflection.Response(
            methods: #require(value.methods).map {
                Reflection.MethodInfo(
                    service: $0.service, method: $0.method, kind: try #require(CallKind(rawValue: $0.kind)),
                    requestType: $0.requestType, responseType: $0.responseType)
            })
    }

    static func encode<Message>(_ value: Message, _ serializer: any MessageSerializer<Message>) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try serializer.serialize(value, into: &buffer)
        return Array(buffer: buffer)
    }

    static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
