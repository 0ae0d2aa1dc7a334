#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
        return Subjects(account: account, address: clientAddress.map { "address:" + Self.network(of: $0) })
    }

    /// The unit a client address is counted by: an IPv4 address itself, but an IPv6 address's
    /// /64 network, since one host is routinely given a whole /64 and could otherwise rotate
    /// through addresses without limit. Text that is no address is kept (at most 150 characters).
    static func network(of address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return String(address.prefix(150)) }
        // An IPv4 client on a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    /// An attempt counted before its password is checked: its rows, deleted again on success.
    struct Attempt: Sendable {
        var ids: [Int64]
    }

    /// Counts an attempt for each subject before the (slow) password check, so concurrent
    /// attempts cannot all pass the limit: the database serializes claims per subject. A wrong
    /// password then needs nothing more; a right one calls `recordSuccess`.
    /// - Throws: RESOURCE_EXHAUSTED, with the seconds to wait, when a subject is at its limit.
    func claim(_ subjects: Subjects, on connection: PostgresConnection) async throws -> Attempt {
        let limits = subjects.all.map { Int64($0 == subjects.account ? configuration.failuresPerAccount : configuration.failuresPerAddress) }
        let row = try await connection.query("""
            SELECT attempt_ids, retry_after FROM claim_sign_in_attempt(\(subjects.all), \(limits), make_interval(secs => \(configuration.window.wholeSeconds)))
            """)[0]
        if let wait = try row.decode(Int64?.self, column: "retry_after") {
            throw RPCError(code: .resourceExhausted, message: "too many failed attempts: retry after \(wait) s")
        }
        return Attempt(ids: try row.decode([Int64].self, column: "attempt_ids"))
    }

    /// The password was right: forgets the attempt, and the account's earlier failures.
    func recordSuccess(_ subjects: Subjects, _ attempt: Attempt, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT release_sign_in_attempt(\(attempt.ids))")
        try await connection.query("SELECT clear_sign_in_failures(\(subjects.account))")
    }
}
