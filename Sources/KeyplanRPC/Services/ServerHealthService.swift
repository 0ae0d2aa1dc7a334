import KeyplanWire
import NIOConcurrencyHelpers
import NIOCore

/// `keyplan.ServerHealth/Check`: whether the server, or one of its services, is serving.
///
/// Its own service name, not `keyplan.Health`: that is the account-health API (`KeyplanAPI`), and
/// one service name for both made `keyplan.Health` look served by one service in health checks and
/// reflection while it was two. The messages are raw bytes, not the binary Codable encoding, so a
/// load balancer's probe can build them by hand (`Protocols/frames.md`, "Built-in services").
public enum ServerHealth {
    /// Which service to ask about; empty for the server as a whole.
    public struct Request: Hashable, Sendable {
        public var service: String
        public init(service: String = "") { self.service = service }
    }

    /// The answer: serving, or not (e.g. while shutting down).
    public struct Response: Hashable, Sendable {
        public enum Status: UInt8, Sendable {
            case unknown = 0
            case serving = 1
            case notServing = 2
        }

        public var status: Status
        public init(status: Status) { self.status = status }
    }

    /// The method. A service the server does not have gets NOT_FOUND.
    public static let check = RPCMethod<Request, Response>(
        MethodDescriptor(service: "keyplan.ServerHealth", method: "Check"), kind: .unary,
        request: MessageCodec(RequestCoder()), response: MessageCodec(ResponseCoder()))

    /// The request is the service name's UTF-8 bytes.
    struct RequestCoder: MessageSerializer, MessageDeserializer {
        func serialize(_ message: Request, into buffer: inout ByteBuffer) {
            buffer.writeString(message.service)
        }

        func deserialize(_ bytes: ByteBuffer) throws -> Request {
            guard let service = String(validating: bytes.readableBytesView, as: UTF8.self) else {
                throw RPCError(code: .invalidArgument, message: "service name is not UTF-8")
            }
            return Request(service: service)
        }
    }

    /// The response is one byte, the status.
    struct ResponseCoder: MessageSerializer, MessageDeserializer {
        func serialize(_ message: Response, into buffer: inout ByteBuffer) {
            buffer.writeInteger(message.status.rawValue)
        }

        func deserialize(_ bytes: ByteBuffer) throws -> Response {
            guard bytes.readableBytes == 1, let byte = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else {
                throw RPCError(code: .internal, message: "a health response is one byte")
            }
            return Response(status: Response.Status(rawValue: byte) ?? .unknown)
        }
    }
}

/// Answers ``ServerHealth/check`` from the server's router and its shutdown state.
struct ServerHealthService: RPCService {
    let services: Set<String>
    let shuttingDown: NIOLockedValueBox<Bool>

    func registerMethods(with router: inout RPCRouter) {
        router.registerUnary(ServerHealth.check) { request, _ in
            guard request.service.isEmpty || services.contains(request.service) else {
                throw RPCError(code: .notFound, message: "unknown service \(request.service)")
            }
            return ServerHealth.Response(status: shuttingDown.withLockedValue { $0 } ? .notServing : .serving)
        }
    }
}

// Written by hand-made serializers: the API catalogue points to their bytes in frames.md instead of encoding.md.
extension ServerHealth.Request: WireDescribedCustomMessage {
    public static var wireCustomEncoding: String { "frames.md §9: the service name's UTF-8 bytes (empty: the server)" }
}

extension ServerHealth.Response: WireDescribedCustomMessage {
    public static var wireCustomEncoding: String { "frames.md §9: one byte, 0 unknown, 1 serving, 2 not serving" }
}
