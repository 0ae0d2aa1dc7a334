import Foundation
import KeyplanPostgres

/// A customer's mailed password-reset links (`Schema/0025_password_resets.sql`): the token stored hashed,
/// for an hour, once.
struct PasswordResetRepository {
    let transaction: TenantTransaction

    static let lifetime: Duration = .seconds(3600)

    /// A new link for `userID`, asked for by `requestedBy`; its id. Earlier links of the user are spent.
    func insert(userID: UUID, token: SecretToken, requestedBy: UUID) async throws -> UUID {
        let id = UUID()
        try await spendAll(of: userID)
        try await transaction.query(
            """
            INSERT INTO password_resets (tenant_id, id, user_id, token_hash, requested_by, expires_at)
            VALUES (app_current_tenant(), \(id), \(userID), \(token.hash), \(requestedBy), now() + make_interval(secs => \(Double(Self.lifetime.components.seconds))))
            """)
        return id
    }

    /// Marks the link used, if it still works (unused, unexpired), locking it; the user it resets. The user's
    /// other links are spent with it.
    func use(_ id: UUID) async throws -> UUID? {
        guard
            let userID = try await transaction.query(
                """
                UPDATE password_resets SET used_at = now()
                WHERE id = \(id) AND used_at IS NULL AND expires_at > now()
                RETURNING user_id
                """
            ).first?.decode(UUID.self, column: "user_id")
        else { return nil }
        try await spendAll(of: userID)
        return userID
    }

    /// Spends every live link of `userID`: after a new link, a used one, or a password changed otherwise, an
    /// older mail must not reset the password again.
    func spendAll(of userID: UUID) async throws {
        try await transaction.query("UPDATE password_resets SET used_at = now() WHERE user_id = \(userID) AND used_at IS NULL")
    }

    /// The tenant and link a token names, before any tenant is known.
    static func resolve(tokenHash: Data, on database: PostgresClient) async throws -> (tenantID: UUID, resetID: UUID)? {
        guard let row = try await database.query("SELECT * FROM resolve_password_reset(\(tokenHash))").first else { return nil }
        return (try row.decode(UUID.self, column: "tenant_id"), try row.decode(UUID.self, column: "reset_id"))
    }
}
