import KeyplanRPC

/// A connection that fails the way one when only one side speaks TLS does: the TLS side cannot
/// make sense of the other's first bytes and hangs up. The plain status says nothing about that,
/// so the CLI adds what is the likely cause and the fix.
enum TLSMismatch {
    /// `error` with a hint added when it looks like a TLS mismatch.
    static func explain(_ error: RPCError, server: String, clientUsesTLS: Bool) -> RPCError {
        guard error.code == .unavailable, looksLikeMismatch(error.message) else { return error }
        let hint =
            clientUsesTLS
            ? "the server at \(server) may not speak TLS: sign in again without --tls"
            : "the server at \(server) may expect TLS: sign in again with --tls (and --trust-roots PEM if its certificate is your own)"
        return RPCError(code: error.code, message: "\(error.message) — \(hint)", details: error.details, metadata: error.metadata)
    }

    /// Failures of the first exchange that a refused or garbled handshake causes (a closed port or
    /// an unknown host are not among them: their message says what they are).
    static func looksLikeMismatch(_ message: String) -> Bool {
        let lowered = message.lowercased()
        guard !lowered.contains("refused"), !lowered.contains("no such host"), !lowered.contains("name or service not known") else { return false }
        return [
            "handshake", "ssl", "tls", "wrong version", "closed the connection", "connection to the server closed",
            "connection to the server was lost", "malformed frame", "protocol violation", "unexpected eof",
        ].contains { lowered.contains($0) }
    }
}
