import KeyplanWire

/// An error that ends a call with a status the caller is meant to see.
///
/// Throw it from a handler to choose the status; clients throw it for every failed call. Any
/// other error a handler throws reaches the caller as `INTERNAL` with a generic message (its text
/// is logged on the server only), so internals never leak.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public typealias Detail = Frame.End.Detail

    public var code: StatusCode
    public var message: String
    /// Structured details, typed by name (e.g. which field failed validation).
    public var details: [Detail]
    /// Trailing metadata of the failed call.
    public var metadata: Metadata
    /// The values the details encode, by detail type name, for a transport that shows details in another
    /// form: an HTTP gateway writes them as JSON. Never sent on the binary protocol, whose details are their
    /// bytes, and not part of the error's identity.
    public var detailValues: DetailValues

    public init(code: StatusCode, message: String, details: [Detail] = [], metadata: Metadata = [:], detailValues: DetailValues = DetailValues()) {
        self.code = code
        self.message = message
        self.details = details
        self.metadata = metadata
        self.detailValues = detailValues
    }

    /// Detail values by type name; equal whatever they hold, as they only restate ``details``.
    public struct DetailValues: Hashable, Sendable {
        public var byTypeName: [String: any Encodable & Sendable]

        public init(_ byTypeName: [String: any Encodable & Sendable] = [:]) {
            self.byTypeName = byTypeName
        }

        public static func == (lhs: DetailValues, rhs: DetailValues) -> Bool { true }
        public func hash(into hasher: inout Hasher) {}
    }

    public var status: Status { Status(code: code, message: message) }

    public var description: String { "RPCError(\(code)): \(message)" }
}

/// An error that knows the status it should end a call with, e.g. a domain's `NotFound`.
public protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
    public var rpcError: RPCError { self }
}

extension RPCError {
    init(end: Frame.End) {
        self.init(code: end.code, message: end.message, details: end.details, metadata: Metadata(fields: end.trailers))
    }

    static func unavailable(_ message: String) -> RPCError { RPCError(code: .unavailable, message: message) }
}
