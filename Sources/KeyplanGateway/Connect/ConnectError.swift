import Foundation
import HTTPTypes
import KeyplanAPI
import KeyplanRPC
import NIOCore

/// A status as the Connect protocol writes it (connectrpc.com/docs/protocol, "Error Codes"): a code
/// name, the HTTP status a unary answer carries, and the JSON error object.
enum ConnectError {
    /// The code's name in Connect's JSON.
    static func name(_ code: StatusCode) -> String {
        switch code {
        case .cancelled: return "canceled"
        case .invalidArgument: return "invalid_argument"
        case .deadlineExceeded: return "deadline_exceeded"
        case .notFound: return "not_found"
        case .alreadyExists: return "already_exists"
        case .permissionDenied: return "permission_denied"
        case .resourceExhausted: return "resource_exhausted"
        case .failedPrecondition: return "failed_precondition"
        case .aborted: return "aborted"
        case .outOfRange: return "out_of_range"
        case .unimplemented: return "unimplemented"
        case .internal: return "internal"
        case .unavailable: return "unavailable"
        case .dataLoss: return "data_loss"
        case .unauthenticated: return "unauthenticated"
        default: return "unknown"
        }
    }

    /// The HTTP status of a unary answer with `code`, as Connect maps them.
    static func httpStatus(_ code: StatusCode) -> HTTPResponse.Status {
        switch code {
        case .cancelled: return .init(code: 499, reasonPhrase: "Client Closed Request")
        case .invalidArgument, .failedPrecondition, .outOfRange: return .badRequest
        case .deadlineExceeded: return .gatewayTimeout
        case .notFound: return .notFound
        case .alreadyExists, .aborted: return .conflict
        case .permissionDenied: return .forbidden
        case .resourceExhausted: return .tooManyRequests
        case .unimplemented: return .notImplemented
        case .unavailable: return .serviceUnavailable
        case .unauthenticated: return .unauthorized
        default: return .internalServerError
        }
    }

    /// The JSON error object: code, message, and each detail with its type, its bytes (base64, unpadded,
    /// as Connect writes them) and, when the server has its value, that value as JSON under `debug`.
    static func json(_ error: RPCError) -> ByteBuffer {
        var object = "{\"code\":\(quoted(name(error.code))),\"message\":\(quoted(error.message))"
        if !error.details.isEmpty {
            let encoder = JSONMessageCoding.encoder()
            let details = error.details.map { detail -> String in
                var entry = "{\"type\":\(quoted(detail.typeName)),\"value\":\(quoted(base64(detail.value)))"
                if let value = error.detailValues.byTypeName[detail.typeName], let debug = try? encoder.encode(value) {
                    entry += ",\"debug\":" + String(decoding: debug, as: UTF8.self)
                }
                return entry + "}"
            }
            object += ",\"details\":[" + details.joined(separator: ",") + "]"
        }
        return ByteBuffer(string: object + "}")
    }

    /// Base64 without padding.
    static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
