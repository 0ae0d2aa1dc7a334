import Foundation
import KeyplanRPC

/// A failure the CLI reports in the user's words, exiting with status 1: as one message on
/// standard error, or with `--json` as `{"error": {"code", "message", "current"?}}` on standard
/// output, so that scripts keep the machine-readable status code.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    /// The status code's name (`PERMISSION_DENIED`), when the server answered one.
    var code: String?
    /// The record as it is now, when a change was refused as stale.
    var current: (any Encodable & Sendable)?

    init(_ description: String, code: String? = nil, current: (any Encodable & Sendable)? = nil) {
        self.description = description
        self.code = code
        self.current = current
    }

    /// The server's answer in the user's words: the server's message (written for people) with
    /// what to do next where the code alone says it.
    init(_ error: RPCError) {
        let message: String
        switch error.code {
        case .unauthenticated: message = "\(error.message) (keyplan login)"
        case .deadlineExceeded:
            message = "the server did not answer in time (\(error.message)); try again, or allow longer with --timeout"
        case .unavailable: message = "\(error.message); try again in a moment"
        case .internal, .unknown, .dataLoss:
            message = "the server failed to do this (\(error.message)); try again, and tell your admin if it keeps failing"
        default: message = error.message
        }
        self.init(message, code: "\(error.code)")
    }

    /// The JSON form `--json` prints.
    func json() throws -> String {
        struct Body: Encodable {
            var code: String
            var message: String
            var current: AnyEncodable?
        }
        struct Wrapper: Encodable { var error: Body }
        struct AnyEncodable: Encodable {
            let value: any Encodable
            func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let body = Body(code: code ?? "FAILED", message: description, current: current.map { AnyEncodable(value: $0) })
        return String(decoding: try encoder.encode(Wrapper(error: body)), as: UTF8.self)
    }
}
