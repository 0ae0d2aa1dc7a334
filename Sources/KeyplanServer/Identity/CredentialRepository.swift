import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Sessions and API keys. Tokens are stored only as their SHA-256.
struct CredentialRepository {
    let transaction: TenantTransaction

    static let columns = "id, user_id, kind, name, scope_role, created_at, last_used_at, expires_at, revoked_at"

    /// A new sliding session for `userID`.
    func insertSession(
        tenantID: UUID, userID: UUID, token: SecretToken, clientAddress: String?, sessions: IdentityConfiguration.Sessions
    ) async throws -> Credential {
        let idle = sessions.idleTimeout.wholeSeconds
        let absolute = sessions.absoluteLifetime.wholeSeconds
        let rows = try await transaction.query(
            """
            INSERT INTO credentials (tenant_id, id, user_id, kind, token_hash, client_address, idle_timeout, expires_at, absolute_expires_at)
            VALUES (\(tenantID), \(UUID()), \(userID), 'session', \(token.hash), \(clientAddress),
                    make_interval(secs => \(idle)),
                    now() + make_interval(secs => least(\(idle), \(absolute))),
                    now() + make_interval(secs => \(absolute)))
            RETURNING \(unescaped: Self.columns)
            """)
        return try Self.credential(rows[0])
    }

    func insertAPIKey(
        tenantID: UUID, userID: UUID, name: String, role: TenantRole, token: SecretToken, lifetime: Duration?
    ) async throws -> Credential {
        let seconds = lifetime?.wholeSeconds
        let rows = try await transaction.query(
            """
            INSERT INTO credentials (tenant_id, id, user_id, kind, name, token_hash, scope_role, expires_at)
            VALUES (\(tenantID), \(UUID()), \(userID), 'api_key', \(name), \(token.hash), \(role.rawValue),
                    now() + make_interval(secs => \(seconds)))
            RETURNING \(unescaped: Self.columns)
            """)
        return try Self.credential(rows[0])
    }

    /// Credentials of one kind: `userID`'s, or the whole tenant's when `nil`. Newest first.
    func list(kind: CredentialKind, userID: UUID?) async throws -> [Credential] {
        try await transaction.query(
            """
            SELECT \(unescaped: Self.columns) FROM credentials
            WHERE kind = \(kind.rawValue) AND (\(userID)::uuid IS NULL OR user_id = \(userID))
            ORDER BY created_at DESC, id
            """
        ).map(Self.credential)
    }

    /// Revokes a credential of `kind`, only `userID`'s unless `nil`; false when there is none.
    func revoke(_ id: UUID, kind: CredentialKind, userID: UUID?) async throws -> Bool {
        let rows = try await transaction.query(
            """
            UPDATE credentials SET revoked_at = coalesce(revoked_at, now())
            WHERE id = \(id) AND kind = \(kind.rawValue) AND (\(userID)::uuid IS NULL OR user_id = \(userID))
            RETURNING id
            """)
        return !rows.isEmpty
    }

    /// Revokes a user's sessions but `kept` (the caller's own, after a password change); API keys stay.
    func revokeSessions(userID: UUID, except kept: UUID?) async throws {
        try await transaction.query(
            "UPDATE credentials SET revoked_at = now() WHERE user_id = \(userID) AND kind = 'session' AND revoked_at IS NULL AND id IS DISTINCT FROM \(kept)"
        )
    }

    func revokeAll(userID: UUID) async throws {
        try await transaction.query("UPDATE credentials SET revoked_at = now() WHERE user_id = \(userID) AND revoked_at IS NULL")
    }

    static func credential(_ row: PostgresRow) throws -> Credential {
        Credential(
            id: try row.decode(UUID.self, column: "id"),
            userID: try row.decode(UUID.self, column: "user_id"),
            kind: try decodeEnum(CredentialKind.self, row, "kind"),
            name: try row.decode(String.self, column: "name"),
            scopeRole: try row.decode(String?.self, column: "scope_role").flatMap(TenantRole.init(rawValue:)),
            createdAt: try row.decode(Date.self, column: "created_at"),
            lastUsedAt: try row.decode(Date?.self, column: "last_used_at"),
            expiresAt: try row.decode(Date?.self, column: "expires_at"),
            revokedAt: try row.decode(Date?.self, column: "revoked_at"))
    }
}

/// What a presented token resolves to, before any tenant is set: read through the
/// `resolve_credential` SECURITY DEFINER function (see Schema/README.md).
struct ResolvedCredential: Sendable {
    var tenantID: UUID
    var credentialID: UUID
    var userID: UUID
    var kind: CredentialKind
    var userKind: UserKind
    var tenantRole: TenantRole?
    var scopeRole: TenantRole?
    /// When the credential ends unless used again (a session slides), if it does.
    var expiresAt: Date?

    /// The live credential with this token, sliding a session's expiry; `nil` if none. Runs
    /// before any tenant is known, through the `resolve_credential` SECURITY DEFINER function.
    static func resolve(tokenHash: Data, on database: PostgresClient) async throws -> ResolvedCredential? {
        try await database.query("SELECT * FROM resolve_credential(\(tokenHash))").first.map(Self.init(row:))
    }

    /// The credential with this id in the transaction's tenant, as it stands now, for a call that
    /// outlives its authentication (a Watch stream); `nil` once revoked, its user disabled, or past
    /// its hard end. The rule is `resolve_credential`'s but for a session's idle expiry, which is
    /// not checked and not slid: a client holding a live stream open is not idle.
    static func current(_ id: UUID, on transaction: TenantTransaction) async throws -> ResolvedCredential? {
        try await transaction.query(
            """
            SELECT c.tenant_id, c.id AS credential_id, c.user_id, c.kind, u.kind AS user_kind, u.tenant_role, c.scope_role, c.expires_at
            FROM credentials AS c JOIN users AS u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
            WHERE c.id = \(id) AND c.revoked_at IS NULL AND u.disabled_at IS NULL
              AND CASE WHEN c.kind = 'session' THEN coalesce(c.absolute_expires_at > now(), true)
                       ELSE c.expires_at IS NULL OR c.expires_at > now() END
            """
        ).first.map(Self.init(row:))
    }

    /// The principal this credential acts as; `nil` when an API key's role exceeds what its
    /// owner may now do (the owner's role changed since).
    var principal: Principal? {
        let kind: Principal.Kind
        switch (userKind, self.kind) {
        case (.customer, _):
            kind = .customer
        case (.seller, .session):
            guard let tenantRole else { return nil }
            kind = .seller(tenantRole)
        case (.seller, .apiKey):
            guard let tenantRole, let scopeRole, tenantRole == .admin || scopeRole == tenantRole else { return nil }
            kind = .seller(scopeRole)
        }
        return Principal(userID: userID, tenantID: tenantID, kind: kind, credentialID: credentialID, credentialKind: self.kind)
    }
}

extension ResolvedCredential {
    /// A row of `resolve_credential` or of ``current(_:on:)``: the same columns.
    fileprivate init(row: PostgresRow) throws {
        self.init(
            tenantID: try row.decode(UUID.self, column: "tenant_id"),
            credentialID: try row.decode(UUID.self, column: "credential_id"),
            userID: try row.decode(UUID.self, column: "user_id"),
            kind: try decodeEnum(CredentialKind.self, row, "kind"),
            userKind: try decodeEnum(UserKind.self, row, "user_kind"),
            tenantRole: try row.decode(String?.self, column: "tenant_role").flatMap(TenantRole.init(rawValue:)),
            scopeRole: try row.decode(String?.self, column: "scope_role").flatMap(TenantRole.init(rawValue:)),
            expiresAt: try row.decode(Date?.self, column: "expires_at"))
    }
}
