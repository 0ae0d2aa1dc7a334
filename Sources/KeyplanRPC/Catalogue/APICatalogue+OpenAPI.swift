public import Foundation
import KeyplanWire

extension APICatalogue {
    /// The HTTP gateway as an OpenAPI 3.1 document (`Protocols/openapi.json`, served at `/openapi.json`): each
    /// method a `POST /service/Method` taking and answering its messages' JSON (`Protocols/http.md`), methods
    /// without side effects also as Connect's `GET`, every message, enum and scalar a schema.
    ///
    /// Methods whose messages have a form of their own (`customEncoding`: the runtime's health check and
    /// reflection) or are raw bytes have no JSON form and are left out, as the gateway refuses them.
    public func openAPI() throws -> Data {
        var paths: [String: OpenAPIValue] = [:]
        for service in services {
            for method in service.methods where hasJSONForm(method.request) && hasJSONForm(method.response) {
                paths["/\(service.name)/\(method.name)"] = pathItem(service: service.name, method: method)
            }
        }
        var schemas: [String: OpenAPIValue] = ["ConnectError": Self.connectErrorSchema]
        for (name, message) in messages where message.customEncoding == nil {
            schemas[name] = schema(of: message)
        }
        for (name, enumeration) in enums {
            schemas[name] = .object(["type": "string", "enum": .array(enumeration.cases.map { .string($0.value) })])
        }
        let document: OpenAPIValue = .object([
            "openapi": "3.1.0",
            "info": .object([
                "title": "Keyplan HTTP/JSON gateway",
                // The API's major version: breaking changes are refused (``breakingChanges(since:)``), so it stays 1.
                "version": "1",
                "description": .string(
                    "Every method of the Keyplan API through the Connect protocol (connectrpc.com/docs/protocol): POST /service/Method with "
                        + "the request message as JSON; errors as Connect's JSON error. Server-streaming methods use Connect's enveloped form "
                        + "(application/connect+json). The JSON mapping is Protocols/http.md; the binary protocol is Protocols/frames.md."),
            ]),
            "paths": .object(paths),
            "components": .object([
                "schemas": .object(schemas),
                "securitySchemes": .object([
                    "bearer": .object(["type": "http", "scheme": "bearer", "description": "A session token or API key."]),
                    "portalSession": .object([
                        "type": "apiKey", "in": "cookie", "name": "keyplan_session",
                        "description": "The portal's session cookie; calls that use it must also send the X-Keyplan-CSRF header.",
                    ]),
                ]),
                "parameters": .object([
                    "ConnectTimeout": .object([
                        "name": "Connect-Timeout-Ms", "in": "header", "required": false,
                        "description": "The call's deadline in milliseconds; the call ends with deadline_exceeded when it passes.",
                        "schema": .object(["type": "integer", "minimum": 0, "maximum": 9_999_999_999]),
                    ]),
                    "ConnectProtocolVersion": .object([
                        "name": "Connect-Protocol-Version", "in": "header", "required": false,
                        "schema": .object(["type": "string", "enum": ["1"]]),
                    ]),
                ]),
            ]),
            "security": .array([.object(["bearer": []]), .object(["portalSession": []]), .object([:])]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private func hasJSONForm(_ expression: String) -> Bool {
        expression != Self.rawPayload && messages[expression]?.customEncoding == nil
    }

    private func pathItem(service: String, method: Method) -> OpenAPIValue {
        let streaming = method.kind != "unary"
        let mediaType = streaming ? "application/connect+json" : "application/json"
        let request = reference(method.request)
        let response = reference(method.response)
        let summary = "\(method.request) → \(streaming && method.kind != "clientStreaming" ? "stream of " : "")\(method.response)"
        var description = messages[method.request]?.documentation ?? ""
        if streaming {
            description +=
                (description.isEmpty ? "" : "\n\n")
                + "Connect streaming: the body is enveloped messages (1 flags byte, 4-byte big-endian length, JSON); so is the answer, "
                + "ending with an end-of-stream envelope (flags 0x02) holding {\"error\"?, \"metadata\"?}."
        }
        let errors: OpenAPIValue = .object([
            "description": "A Connect error; the HTTP status follows the code (Protocols/http.md).",
            "content": .object(["application/json": .object(["schema": .object(["$ref": "#/components/schemas/ConnectError"])])]),
        ])
        let parameters: OpenAPIValue = .array([
            .object(["$ref": "#/components/parameters/ConnectTimeout"]), .object(["$ref": "#/components/parameters/ConnectProtocolVersion"]),
        ])
        var operations: [String: OpenAPIValue] = [
            "post": .object([
                "operationId": .string("\(service).\(method.name)"),
                "tags": .array([.string(service)]),
                "summary": .string(summary),
                "description": .string(description),
                "parameters": parameters,
                "requestBody": .object(["required": true, "content": .object([mediaType: .object(["schema": request])])]),
                "responses": .object([
                    "200": .object(["description": .string(method.response), "content": .object([mediaType: .object(["schema": response])])]),
                    "default": errors,
                ]),
            ])
        ]
        if method.kind == "unary", method.idempotency == "noSideEffects" {
            operations["get"] = .object([
                "operationId": .string("\(service).\(method.name).get"),
                "tags": .array([.string(service)]),
                "summary": .string(summary + " (Connect GET, cacheable)"),
                "parameters": .array([
                    .object(["name": "encoding", "in": "query", "required": true, "schema": .object(["type": "string", "enum": ["json"]])]),
                    .object([
                        "name": "message", "in": "query", "required": true, "description": .string("The \(method.request) as JSON, URL-encoded."),
                        "schema": .object(["type": "string"]),
                    ]),
                    .object(["name": "base64", "in": "query", "required": false, "schema": .object(["type": "string", "enum": ["1"]])]),
                    .object(["name": "connect", "in": "query", "required": false, "schema": .object(["type": "string", "enum": ["v1"]])]),
                ]),
                "responses": .object([
                    "200": .object(["description": .string(method.response), "content": .object(["application/json": .object(["schema": response])])]
                    ),
                    "default": errors,
                ]),
            ])
        }
        return .object(operations)
    }

    private func schema(of message: WireSchema.Message) -> OpenAPIValue {
        var properties: [String: OpenAPIValue] = [:]
        var required: [OpenAPIValue] = []
        for field in message.fields ?? [] {
            var property = reference(field.type)
            if let documentation = field.documentation {
                // A $ref takes no siblings but description in 3.1; wrap other schemas' descriptions in.
                if case .object(var object) = property {
                    object["description"] = .string(documentation)
                    property = .object(object)
                }
            }
            properties[field.name] = property
            if !field.optional { required.append(.string(field.name)) }
        }
        var schema: [String: OpenAPIValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required) }
        if let documentation = message.documentation { schema["description"] = .string(documentation) }
        return .object(schema)
    }

    /// The schema of a type expression: a scalar, `[T]`, `[K: V]`, a message or an enum.
    private func reference(_ expression: String) -> OpenAPIValue {
        if expression.hasPrefix("["), expression.hasSuffix("]") {
            let inner = String(expression.dropFirst().dropLast())
            if let colon = inner.range(of: ": ") {
                return .object(["type": "object", "additionalProperties": reference(String(inner[colon.upperBound...]))])
            }
            return .object(["type": "array", "items": reference(inner)])
        }
        switch expression {
        case "bool": return .object(["type": "boolean"])
        case "string": return .object(["type": "string"])
        case "int32": return .object(["type": "integer", "format": "int32"])
        case "int64": return .object(["type": "integer", "format": "int64"])
        case "double": return .object(["type": "number", "format": "double"])
        case "decimal": return .object(["type": "number", "description": "An exact decimal, written as a JSON number."])
        case "uuid": return .object(["type": "string", "format": "uuid"])
        case "timestamp": return .object(["type": "string", "format": "date-time", "description": "RFC 3339, UTC, to the microsecond."])
        case "calendar_date": return .object(["type": "string", "format": "date", "description": "A calendar day, YYYY-MM-DD."])
        case "bytes": return .object(["type": "string", "contentEncoding": "base64"])
        default: return .object(["$ref": .string("#/components/schemas/\(expression)")])
        }
    }

    private static let connectErrorSchema: OpenAPIValue = .object([
        "type": "object",
        "required": ["code", "message"],
        "properties": .object([
            "code": .object([
                "type": "string",
                "enum": [
                    "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists", "permission_denied",
                    "resource_exhausted", "failed_precondition", "aborted", "out_of_range", "unimplemented", "internal", "unavailable",
                    "data_loss", "unauthenticated",
                ],
            ]),
            "message": .object(["type": "string"]),
            "details": .object([
                "type": "array",
                "items": .object([
                    "type": "object",
                    "properties": .object([
                        "type": .object(["type": "string"]),
                        "value": .object(["type": "string", "contentEncoding": "base64", "description": "The detail in the binary encoding."]),
                        "debug": .object(["description": "The detail as JSON, e.g. keyplan.CurrentRecord's record."]),
                    ]),
                ]),
            ]),
        ]),
    ])
}

/// A JSON value, to build a document whose keys come out sorted.
enum OpenAPIValue: Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([OpenAPIValue])
    case object([String: OpenAPIValue])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: OpenAPIValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, OpenAPIValue)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
