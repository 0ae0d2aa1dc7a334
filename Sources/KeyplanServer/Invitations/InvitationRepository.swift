import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Invitations into account workspaces. Tokens are stored only as their SHA-256.
struct InvitationRepository {
    let transaction: TenantTransaction

    static let columns = "id, account_id, email, role, created_at, expires_at, accepted_at, revoked_at"

    func insert(
        tenantID: UUID, accountID: UUID, email: String, role: CustomerRole, token: SecretToken, invitedBy: UUID, lifetime: Duration
    ) async throws -> Invitation {
        let rows = try await transaction.query(
            """
            INSERT INTO invitations (tenant_id, id, account_id, email, role, token_hash, invited_by, expires_at)
            VALUES (\(tenantID), \(UUID()), \(accountID), \(email), \(role.rawValue), \(token.hash), \(invitedBy),
                    now() + make_interval(secs => \(lifetime.wholeSeconds)))
            RETURNING \(unescaped: Self.columns)
            """)
        return try Self.invitation(rows[0])
    }

    func list(accountID: UUID) async throws -> [Invitation] {
        try await transaction.query(
            """
            SELECT \(unescaped: Self.columns) FROM invitations WHERE account_id = \(accountID) ORDER BY created_at DESC, id
            """
        ).map(Self.invitation)
    }

    func revoke(_ id: UUID, accountID: UUID) async throws -> Bool {
        let rows = try await transaction.query(
            """
            UPDATE invitations SET revoked_at = coalesce(revoked_at, now())
            WHERE id = \(id) AND account_id = \(accountID) RETURNING id
            """)
        return !rows.isEmpty
    }

    /// The invitation, if it can still be accepted; with `locking`, locked until the transaction ends.
    func acceptable(_ id: UUID, locking: Bool) async throws -> Invitation? {
        try await transaction.query(
            """
            SELECT \(unescaped: Self.columns) FROM invitations
            WHERE id = \(id) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
            \(unescaped: locking ? "FOR UPDATE" : "")
            """
        ).first.map(Self.invitation)
    }

    func markAccepted(_ id: UUID, by userID: UUID) async throws {
        try await transaction.query("UPDATE invitations SET accepted_at = now(), accepted_by = \(userID) WHERE id = \(id)")
    }

    /// The tenant and invitation of a token, read before any tenant is set through the
    /// `resolve_invitation` SECURITY DEFINER function; `nil` unless it can still be accepted.
    static func resolve(tokenHash: Data, on database: PostgresClient) async throws -> (tenantID: UUID, invitationID: UUID)? {
        guard let row = try await database.query("SELECT * FROM resolve_invitation(\(tokenHash))").first else { return nil }
        return (try row.decode(UUID.self, column: "tenant_id"), try row.decode(UUID.self, column: "invitation_id"))
    }

    static func invitation(_ row: PostgresRow) throws -> Invitation {
        Invitation(
            id: try row.decode(UUID.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            email: try row.decode(String.self, column: "email"),
            role: try decodeEnum(CustomerRole.self, row, "role"),
            createdAt: try row.decode(Date.self, column: "created_at"),
            expiresAt: try row.decode(Date.self, column: "expires_at"),
            acceptedAt: try row.decode(Date?.self, column: "accepted_at"),
            revokedAt: try row.decode(Date?.self, column: "revoked_at"))
    }
}
