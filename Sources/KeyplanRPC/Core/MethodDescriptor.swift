/// The name of a method: its service and its own name, `service/method` on the wire.
public struct MethodDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// The fully qualified service name, e.g. `keyplan.Accounts`.
    public var service: String
    /// The method's name within its service, e.g. `List`.
    public var method: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// `service/method`, as sent in `OPEN`.
    public var fullName: String { "\(service)/\(method)" }

    /// Splits a wire name; `nil` unless it has exactly one `/` with text on both sides.
    init?(fullName: String) {
        let parts = fullName.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(service: String(parts[0]), method: String(parts[1]))
    }

    public var description: String { fullName }
}

/// How many messages each side of a call sends.
public enum CallKind: String, Hashable, Sendable, CaseIterable {
    /// One request, one response.
    case unary
    /// One request, a stream of responses (live updates).
    case serverStreaming
    /// A stream of requests, one response (bulk import).
    case clientStreaming
    /// Streams both ways.
    case bidirectionalStreaming

    var hasSingleRequest: Bool { self == .unary || self == .serverStreaming }
    var hasSingleResponse: Bool { self == .unary || self == .clientStreaming }
}
