import KeyplanWire
import NIOCore

/// `keyplan.Reflection/ListMethods`: every service, method, call kind and message type a server
/// answers, so tools can discover it.
public enum Reflection {
    /// One method as the server registered it.
    public struct MethodInfo: Hashable, Sendable {
        public var service: String
        public var method: String
        public var kind: CallKind
        public var requestType: String
        public var responseType: String

        public init(service: String, method: String, kind: CallKind, requestType: String, responseType: String) {
            self.service = service
            self.method = method
            self.kind = kind
            self.requestType = requestType
            self.responseType = responseType
        }
    }

    /// Every method, sorted by service then method.
    public struct Response: Hashable, Sendable {
        public var methods: [MethodInfo]
        public init(methods: [MethodInfo]) { self.methods = methods }

        /// The service names, sorted, without repeats.
        public var services: [String] { Array(Set(methods.map(\.service))).sorted() }
    }

    /// The method; its request is empty.
    public static let listMethods = RPCMethod<[UInt8], Response>(
        MethodDescriptor(service: "keyplan.Reflection", method: "ListMethods"), kind: .unary,
        request: .rawBytes, response: MessageCodec(ResponseCoder()))

    /// A u32 count, then per method five u32-length-prefixed UTF-8 strings: service, method,
    /// kind, request type, response type.
    struct ResponseCoder: MessageSerializer, MessageDeserializer {
        func serialize(_ message: Response, into buffer: inout ByteBuffer) throws {
            buffer.writeInteger(UInt32(message.methods.count))
            for info in message.methods {
                for field in [info.service, info.method, info.kind.rawValue, info.requestType, info.responseType] {
                    try buffer.writeLengthPrefixed(as: UInt32.self) { $0.writeString(field) }
                }
            }
        }

        func deserialize(_ bytes: ByteBuffer) throws -> Response {
            var bytes = bytes
            let malformed = RPCError(code: .internal, message: "malformed reflection response")
            guard let count = bytes.readInteger(as: UInt32.self), Int(count) <= bytes.readableBytes / 20 else { throw malformed }
            var methods: [MethodInfo] = []
            for _ in 0..<count {
                var fields: [String] = []
                for _ in 0..<5 {
                    guard var slice = bytes.readLengthPrefixedSlice(as: UInt32.self),
                        let field = slice.readString(length: slice.readableBytes)
                    else { throw malformed }
                    fields.append(field)
                }
                guard let kind = CallKind(rawValue: fields[2]) else { throw malformed }
                methods.append(MethodInfo(service: fields[0], method: fields[1], kind: kind, requestType: fields[3], responseType: fields[4]))
            }
            guard bytes.readableBytes == 0 else { throw malformed }
            return Response(methods: methods)
        }
    }
}

/// Answers ``Reflection/listMethods`` from a fixed catalog.
struct ReflectionService: RPCService {
    let catalog: [Reflection.MethodInfo]

    init(catalog: [Reflection.MethodInfo]) {
        self.catalog = catalog.sorted { ($0.service, $0.method) < ($1.service, $1.method) }
    }

    /// Reflection's own entry, which its catalog must include.
    static var ownCatalog: [Reflection.MethodInfo] {
        let method = Reflection.listMethods
        return [
            Reflection.MethodInfo(
                service: method.descriptor.service, method: method.descriptor.method, kind: method.kind,
                requestType: method.requestTypeName, responseType: method.responseTypeName)
        ]
    }

    func registerMethods(with router: inout RPCRouter) {
        let response = Reflection.Response(methods: catalog)
        router.registerUnary(Reflection.listMethods) { _, _ in response }
    }
}

extension RPCRouter {
    /// Every registered method, for reflection.
    var catalog: [Reflection.MethodInfo] {
        routes.values.map {
            Reflection.MethodInfo(
                service: $0.descriptor.service, method: $0.descriptor.method, kind: $0.kind,
                requestType: $0.requestTypeName, responseType: $0.responseTypeName)
        }
    }
}

// Written by a hand-made serializer: the API catalogue points to its bytes in frames.md instead of encoding.md.
extension Reflection.Response: WireDescribedCustomMessage {
    public static var wireCustomEncoding: String { "frames.md §9: a u32 count, then per method five u32-length-prefixed UTF-8 strings" }
}
