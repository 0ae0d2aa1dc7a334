import Crypto
import Foundation
import KeyplanPostgres
import KeyplanRPC

/// Counts failed password checks (sign-ins, and invitations accepted by an existing customer)
/// per account (tenant and email) and per client address in the database, so the limit holds
/// across server processes. The account key is a hash: the table holds no email.
struct SignInThrottle: Sendable {
    let configuration: IdentityConfiguration.Throttle

    struct Subjects: Sendable {
        var account: String
        var address: String?
        var all: [String] { [account] + (address.map { [$0] } ?? []) }
    }

    /// - Parameter tenant: the tenant's id when it exists, else the slug given.
    func subjects(tenant: String, email: String, clientAddress: String?) -> Subjects {
        let digest = SHA256.hash(data: Data("\(tenant)\u{0}\(email)".utf8))
        let account = "account:" + digest.map { String(format: "%02x", $0) }.joined()
        return Subjects(account: account, address: clientAddress.map { "address:" + $0.prefix(150) })
    }

    /// The seconds to wait when a subject is over its limit, else `nil`.
    func retryAfter(_ subjects: Subjects, on connection: PostgresConnection) async throws -> Int64? {
        let window = configuration.window.wholeSeconds
        let rows = try await connection.query("""
            SELECT subject, failures, ceil(extract(epoch FROM oldest + make_interval(secs => \(window)) - now()))::bigint AS wait
            FROM recent_sign_in_failures(\(subjects.all), make_interval(secs => \(window)))
            """)
        var wait: Int64?
        for row in rows {
            let subject = try row.decode(String.self, column: "subject")
            let failures = try row.decode(Int64.self, column: "failures")
            let limit = subject == subjects.account ? configuration.failuresPerAccount : configuration.failuresPerAddress
            if failures >= limit {
                wait = max(wait ?? 1, try row.decode(Int64.self, column: "wait"))
            }
        }
        return wait
    }

    /// Throws RESOURCE_EXHAUSTED, with the seconds to wait, when a subject is over its limit.
    func check(_ subjects: Subjects, on connection: PostgresConnection) async throws {
        if let wait = try await retryAfter(subjects, on: connection) {
            throw RPCError(code: .resourceExhausted, message: "too many failed attempts: retry after \(wait) s")
        }
    }

    func recordFailure(_ subjects: Subjects, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT record_sign_in_failure(\(subjects.all))")
    }

    func recordSuccess(_ subjects: Subjects, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT clear_sign_in_failures(\(subjects.account))")
    }
}
