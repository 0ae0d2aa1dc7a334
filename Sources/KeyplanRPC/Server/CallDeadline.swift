/// When the server ends a call with DEADLINE_EXCEEDED: the client's timeout, or the server's
/// maximum call duration if that comes first (``ServerConfiguration/Timeouts/maxCallDuration``).
struct CallDeadline: Equatable {
    /// Time from the `OPEN`.
    let microseconds: UInt64
    /// Whether the server's limit, not the client's timeout, set it.
    let isServerLimit: Bool

    /// `nil` when neither the client nor the server limits the call.
    init?(clientTimeoutMicroseconds: UInt64?, serverLimit: Duration?) {
        let server = serverLimit?.clampedMicroseconds
        if let server, clientTimeoutMicroseconds.map({ server < $0 }) ?? true {
            self.microseconds = server
            self.isServerLimit = true
        } else if let client = clientTimeoutMicroseconds {
            self.microseconds = client
            self.isServerLimit = false
        } else {
            return nil
        }
    }

    var exceededMessage: String {
        isServerLimit
            ? "the call ran longer than the server's maximum call duration of \(microseconds) µs"
            : "deadline of \(microseconds) µs exceeded"
    }
}
