import NIOConcurrencyHelpers
import NIOCore

/// `keyplan.Health/Check`: whether the server, or one of its services, is serving.
public enum Health {
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
        MethodDescriptor(service: "keyplan.Health", method: "Check"), kind: .unary,
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

/// Answers ``Health/check`` from the server's router and its shutdown state.
struct HealthService: RPCService {
    let services: Set<String>
    let shuttingDown: NIOLockedValueBox<Bool>

    func registerMethods(with router: inout RPCRouter) {
        router.registerUnary(Health.check) { request, _ in
            guard request.service.isEmpty || services.contains(request.service) else {
                throw RPCError(code: .notFound, message: "unknown service \(request.service)")
            }
            return Health.Response(status: shuttingDown.withLockedValue { $0 } ? .notServing : .serving)
        }
    }
}
