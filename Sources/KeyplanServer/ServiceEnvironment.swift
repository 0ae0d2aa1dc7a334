import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// What every service implementation shares: the database, the password hasher, the identity
/// configuration.
struct ServiceEnvironment: Sendable {
    let database: PostgresClient
    let hasher: PasswordHasher
    let configuration: IdentityConfiguration

    /// Runs `body` in a transaction of the caller's tenant, turning integrity violations into
    /// statuses the caller can act on.
    func inTenant<Result: Sendable>(
        _ tenantID: UUID, isolation: PostgresIsolationLevel = .readCommitted, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await database.withTransaction(tenant: tenantID, isolation: isolation, body)
        } catch let error as PostgresError {
            switch error.kind {
            case .uniqueViolation: throw RPCError(code: .alreadyExists, message: "it already exists")
            case .checkViolation: throw RPCError(code: .invalidArgument, message: "a value is out of range")
            case .foreignKeyViolation: throw RPCError(code: .failedPrecondition, message: "a referenced object does not exist")
            default: throw error
            }
        }
    }

    /// A new session for a user, returned with its token (shown only here).
    func startSession(tenantID: UUID, userID: UUID, clientAddress: String?, on connection: PostgresConnection) async throws -> SessionGrant {
        let token = SecretToken.generate(.session)
        let session = try await CredentialRepository(connection: connection).insertSession(
            tenantID: tenantID, userID: userID, token: token, clientAddress: clientAddress, sessions: configuration.sessions)
        guard let user = try await UserRepository(connection: connection).find(userID) else {
            throw RPCError(code: .internal, message: "internal error")
        }
        let identity = Identity(
            userID: user.id, tenantID: tenantID, email: user.email, displayName: user.displayName, kind: user.kind,
            tenantRole: user.tenantRole, credentialID: session.id, credentialKind: .session)
        return SessionGrant(token: token.text, expiresAt: session.expiresAt ?? Date(), identity: identity)
    }
}

/// Checks and normalizes request fields, with errors that say what is wrong.
enum Validate {
    /// Lower-cased and trimmed; must look like an address.
    static func email(_ text: String) throws -> String {
        let email = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard (3...320).contains(email.count), parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: \.isWhitespace)
        else {
            // The text is not echoed: it may be a password typed into the wrong field, and
            // messages reach the audit log.
            throw RPCError(code: .invalidArgument, message: "the email is not a valid address")
        }
        return email
    }

    static func name(_ text: String, field: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else {
            throw RPCError(code: .invalidArgument, message: "\(field) must have 1 to 200 characters")
        }
        return name
    }

    /// A page size within `1...maximum`; `fallback` (default: `maximum`) when absent.
    static func limit<Number: BinaryInteger>(_ requested: Number?, maximum: Int, fallback: Int? = nil) throws -> Int {
        guard let requested else { return fallback ?? maximum }
        guard requested >= 1, requested <= maximum else {
            throw RPCError(code: .invalidArgument, message: "limit must be between 1 and \(maximum)")
        }
        return Int(requested)
    }

    static func newPassword(_ password: String) throws -> String {
        guard (PasswordHasher.minimumLength...PasswordHasher.maximumLength).contains(password.count) else {
            throw RPCError(code: .invalidArgument, message: "a password must have \(PasswordHasher.minimumLength) to \(PasswordHasher.maximumLength) characters")
        }
        return password
    }

    /// A requested lifetime in seconds, within `1...maximum`; `fallback` when absent.
    static func lifetime(_ seconds: Int64?, fallback: Duration?, maximum: Duration?) throws -> Duration? {
        guard let seconds else { return fallback }
        guard seconds > 0, maximum.map({ seconds <= $0.wholeSeconds }) ?? true else {
            throw RPCError(code: .invalidArgument, message: "the lifetime must be between 1 and \(maximum?.wholeSeconds ?? Int64.max) seconds")
        }
        return .seconds(seconds)
    }
}
