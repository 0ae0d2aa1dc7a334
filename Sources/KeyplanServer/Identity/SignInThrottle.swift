import Crypto
import Foundation
import KeyplanPostgres
import KeyplanRPC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// An attempt claimed before its password is checked (pending), settled afterwards.
    struct Attempt: Sendable {
        var ids: [Int64]
    }

    /// How long a claim may stay pending before it counts as a failure (its server died
    /// mid-check): far longer than a password check takes.
    static let claimLifetime: Duration = .seconds(60)
    /// How long an attempt waits for others in flight before it gives up.
    static let longestWait: Duration = .seconds(10)

    /// Claims an attempt for each subject before the (slow) password check. Only settled
    /// failures count towards the limit; while failures plus attempts in flight reach it, this
    /// waits for them to settle (polling the database, which serializes claims per subject across
    /// server processes), so that no more passwords are checked at once than could still fail —
    /// and a correct password is never refused because others were in flight.
    /// - Throws: RESOURCE_EXHAUSTED, with the real seconds to wait, when a subject has its limit of
    ///   failures; also when attempts in flight have not settled within ``longestWait``.
    func claim(_ subjects: Subjects, on database: PostgresClient) async throws -> Attempt {
        let limits = subjects.all.map { Int64($0 == subjects.account ? configuration.failuresPerAccount : configuration.failuresPerAddress) }
        let giveUp = ContinuousClock.now.advanced(by: Self.longestWait)
        var pause = Duration.milliseconds(10)
        while true {
            let row = try await database.query(
                """
                SELECT attempt_ids, retry_after, busy FROM claim_sign_in_attempt(
                    \(subjects.all), \(limits), make_interval(secs => \(configuration.window.wholeSeconds)),
                    make_interval(secs => \(Self.claimLifetime.wholeSeconds)))
                """)[0]
            if let wait = try row.decode(Int64?.self, column: "retry_after") {
                throw RPCError(code: .resourceExhausted, message: "too many failed sign-in attempts: retry after \(wait) s")
            }
            if let ids = try row.decode([Int64]?.self, column: "attempt_ids") {
                return Attempt(ids: ids)
            }
            guard ContinuousClock.now.advanced(by: pause) < giveUp else {
                throw RPCError(code: .resourceExhausted, message: "too many sign-ins of this account are in progress: retry in a few seconds")
            }
            // Others' passwords are being checked: wait for them to settle, a little longer each
            // time, with jitter so that waiters do not poll in step.
            try await Task.sleep(for: pause + .milliseconds(Int.random(in: 0...10)))
            pause = min(pause * 2, .milliseconds(200))
        }
    }

    /// The statement that settles a claimed attempt: a right password forgets it and the
    /// account's earlier failures, a wrong one makes it a failure.
    func settle(_ subjects: Subjects, _ attempt: Attempt, succeeded: Bool) -> [PostgresQuery] {
        var statements: [PostgresQuery] = ["SELECT settle_sign_in_attempt(\(attempt.ids), \(succeeded))"]
        if succeeded { statements.append("SELECT clear_sign_in_failures(\(subjects.account))") }
        return statements
    }

    /// The statement that forgets an account's failed attempts: after an admin's password reset, the
    /// user's first sign-in must not meet the lockout their forgotten password earned.
    func forgetFailures(tenant: UUID, email: String) -> PostgresQuery {
        "SELECT clear_sign_in_failures(\(subjects(tenant: tenant.uuidString, email: email, clientAddress: nil).account))"
    }

    /// Settles a right password's attempt in a round trip of its own, when the write it was to commit with
    /// failed: the attempt must not turn into a failure later.
    func recordSuccess(_ subjects: Subjects, _ attempt: Attempt, on database: PostgresClient) async {
        _ = try? await database.pipeline { batch in
            for statement in settle(subjects, attempt, succeeded: true) { batch.append(statement) }
        }
    }

    /// Settles a failed attempt (its own round trip: there is nothing else to write).
    func recordFailure(_ subjects: Subjects, _ attempt: Attempt, on database: PostgresClient) async throws {
        _ = try await database.pipeline { batch in
            for statement in settle(subjects, attempt, succeeded: false) { batch.append(statement) }
        }
    }
}
