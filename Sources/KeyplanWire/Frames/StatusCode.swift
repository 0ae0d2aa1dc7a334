/// The outcome of a call, with gRPC's codes and meanings.
///
/// Travels as one byte in `END` and `GOAWAY` frames. Values outside 0...16 are carried through
/// unchanged, so a newer peer's code is not lost; callers should treat them as ``unknown``.
public struct StatusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The call succeeded.
    public static let ok = StatusCode(rawValue: 0)
    /// The call was cancelled, typically by the caller.
    public static let cancelled = StatusCode(rawValue: 1)
    /// An error with no better code, or a code this peer does not know.
    public static let unknown = StatusCode(rawValue: 2)
    /// The caller sent an invalid argument, whatever the state of the system.
    public static let invalidArgument = StatusCode(rawValue: 3)
    /// The deadline passed before the call could complete.
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    /// A requested entity was not found.
    public static let notFound = StatusCode(rawValue: 5)
    /// The entity the caller tried to create already exists.
    public static let alreadyExists = StatusCode(rawValue: 6)
    /// The caller is authenticated but may not do this.
    public static let permissionDenied = StatusCode(rawValue: 7)
    /// A resource (concurrent calls, quota, space) is exhausted.
    public static let resourceExhausted = StatusCode(rawValue: 8)
    /// The system is not in the state the operation needs.
    public static let failedPrecondition = StatusCode(rawValue: 9)
    /// The operation was aborted, typically by a concurrency conflict.
    public static let aborted = StatusCode(rawValue: 10)
    /// The operation went past the valid range.
    public static let outOfRange = StatusCode(rawValue: 11)
    /// The method or service is not implemented or not supported.
    public static let unimplemented = StatusCode(rawValue: 12)
    /// An invariant the system relies on is broken; details are not given to the caller.
    public static let `internal` = StatusCode(rawValue: 13)
    /// The service is unavailable for now; retrying later may succeed.
    public static let unavailable = StatusCode(rawValue: 14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = StatusCode(rawValue: 15)
    /// The caller has no valid authentication credentials.
    public static let unauthenticated = StatusCode(rawValue: 16)

    /// The codes gRPC defines, in order.
    public static let allDefined: [StatusCode] = (0...16).map { StatusCode(rawValue: $0) }

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The gRPC name, e.g. `DEADLINE_EXCEEDED`; `CODE_<n>` for a code gRPC does not define.
    public var description: String {
        Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "CODE_\(rawValue)"
    }
}
