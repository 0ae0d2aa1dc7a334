public import Foundation
public import KeyplanWire

/// Everything a server answers, as data: services, methods, call kinds, and for every message its fields with number,
/// name, type, optionality and doc comment. Checked in as `Protocols/api.json` (and rendered as `Protocols/api.md`), so
/// that the contract is readable without the Swift sources, and a change to it is a visible, reviewable diff.
///
/// Built from a server's router — the methods it registered and the Swift types their messages are — so it describes
/// exactly what the server codes.
public struct APICatalogue: Codable, Equatable, Sendable {
    /// Bumped when the catalogue's own layout changes.
    public var format = 1
    public var services: [Service]
    public var messages: [String: WireSchema.Message]
    public var enums: [String: WireSchema.Enumeration]
    public var scalars: [String: WireSchema.Scalar]

    public struct Service: Codable, Equatable, Sendable {
        public var name: String
        public var methods: [Method]
    }

    public struct Method: Codable, Equatable, Sendable {
        public var name: String
        public var kind: String
        public var idempotency: String
        /// Type expressions in the schema's vocabulary (a message's name, `bytes`).
        public var request: String
        public var response: String
    }

    /// The catalogue of what `server` answers, its built-in health check and reflection included.
    public init(server: RPCServer) throws {
        try self.init(routes: Array(server.router.routes.values))
    }

    init(routes: [RPCRouter.Route]) throws {
        var schema = WireSchema()
        var services: [String: [Method]] = [:]
        // Sorted before describing so that the first type to reach a cycle is always the same one.
        for route in routes.sorted(by: { $0.descriptor.fullName < $1.descriptor.fullName }) {
            let method = Method(
                name: route.descriptor.method, kind: route.kind.rawValue, idempotency: route.idempotency.rawValue,
                request: Self.expression(route.requestType, in: &schema),
                response: Self.expression(route.responseType, in: &schema))
            services[route.descriptor.service, default: []].append(method)
        }
        try schema.checkComplete()
        self.services = services.keys.sorted().map { Service(name: $0, methods: services[$0]!) }
        self.messages = schema.messages
        self.enums = schema.enums
        self.scalars = schema.scalars
    }

    /// The type expression of a method's message. `[UInt8]` is the payload as it is (`MessageCodec.rawBytes`): no
    /// message of this format.
    private static func expression(_ type: any Any.Type, in schema: inout WireSchema) -> String {
        type == [UInt8].self ? Self.rawPayload : schema.add(type)
    }

    /// The expression for a payload taken as it is.
    public static let rawPayload = "raw"

    /// The catalogue as `Protocols/api.json` holds it: keys sorted, so that equal catalogues are equal bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    public static func decode(json: Data) throws -> APICatalogue {
        try JSONDecoder().decode(APICatalogue.self, from: json)
    }
}
