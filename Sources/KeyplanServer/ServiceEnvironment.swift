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
