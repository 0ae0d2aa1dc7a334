import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// What every service implementation shares: the database, the password hasher, the identity
/// configuration, the audit trail, the credential cache, the workspace views counted, mail delivery.
struct ServiceEnvironment: Sendable {
    let database: PostgresClient
    let hasher: PasswordHasher
    let configuration: IdentityConfiguration
    let auditTrail: AuditTrail
    let credentials: CredentialCache
    let visits: WorkspaceVisits
    /// Mail delivery; `nil` when the server has no relay.
    var mail: MailSender? = nil

    /// Forgets cached credentials once `transaction` commits — in this process at once; other
    /// processes hear of it from the database's notification.
    func forgetCredentials(_ payload: String, when transaction: TenantTransaction) {
        transaction.onCommit { [credentials] in credentials.invalidate(payload) }
    }

    /// A new session for a user, returned with its token (shown only here).
    func startSession(tenantID: UUID, userID: UUID, clientAddress: String?, on transaction: TenantTransaction) async throws -> SessionGrant {
        let token = SecretToken.generate(.session)
        let session = try await CredentialRepository(transaction: transaction).insertSession(
            tenantID: tenantID, userID: userID, token: token, clientAddress: clientAddress, sessions: configuration.sessions)
        let users = UserRepository(transaction: transaction)
        guard let user = try await users.find(userID),
            let identity = try await users.identity(of: userID, tenantRole: user.tenantRole, credentialID: session.id, credentialKind: .session)
        else {
            throw RPCError(code: .internal, message: "internal error")
        }
        return SessionGrant(token: token.text, expiresAt: session.expiresAt ?? Date(), identity: identity)
    }
}
