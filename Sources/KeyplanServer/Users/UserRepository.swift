import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Users of the transaction's tenant.
struct UserRepository {
    let transaction: TenantTransaction

    static let columns = "id, email, display_name, kind, tenant_role, disabled_at, created_at"

    func insert(tenantID: UUID, email: String, displayName: String, kind: UserKind, role: TenantRole?, passwordHash: String?) async throws -> User {
        let rows = try await transaction.query(
            """
            INSERT INTO users (tenant_id, id, email, display_name, kind, tenant_role, password_hash)
            VALUES (\(tenantID), \(UUID()), \(email), \(displayName), \(kind.rawValue), \(role?.rawValue), \(passwordHash))
            RETURNING \(unescaped: Self.columns)
            """)
        return try Self.user(rows[0])
    }

    func find(_ id: UUID) async throws -> User? {
        try await transaction.query("SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id)").first.map(Self.user)
    }

    /// Who `userID` is with a credential, their tenant's name and slug included; `nil` when there is no such user.
    func identity(of userID: UUID, tenantRole: TenantRole?, credentialID: UUID, credentialKind: CredentialKind) async throws -> Identity? {
        guard
            let row = try await transaction.query(
                """
                SELECT u.id, u.tenant_id, u.email, u.display_name, u.kind, t.name AS tenant_name, t.slug AS tenant_slug
                FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = \(userID)
                """
            ).first
        else { return nil }
        return Identity(
            userID: userID, tenantID: try row.decode(UUID.self, column: "tenant_id"), email: try row.decode(String.self, column: "email"),
            displayName: try row.decode(String.self, column: "display_name"), kind: try decodeEnum(UserKind.self, row, "kind"),
            tenantRole: tenantRole, credentialID: credentialID, credentialKind: credentialKind,
            tenantName: try row.decode(String.self, column: "tenant_name"), tenantSlug: try row.decode(String?.self, column: "tenant_slug") ?? "")
    }

    /// The user with this email (already validated: lower case).
    func find(email: String) async throws -> User? {
        try await transaction.query("SELECT \(unescaped: Self.columns) FROM users WHERE email = \(email)").first.map(Self.user)
    }

    /// The user with this email and their stored password hash; with `locking`, locked until the transaction ends.
    func findByEmail(_ email: String, locking: Bool) async throws -> (user: User, passwordHash: String?)? {
        guard
            let row = try await transaction.query(
                "SELECT \(unescaped: Self.columns), password_hash FROM users WHERE email = \(email) \(unescaped: locking ? "FOR UPDATE" : "")"
            ).first
        else { return nil }
        return (try Self.user(row), try row.decode(String?.self, column: "password_hash"))
    }

    func list() async throws -> [User] {
        try await transaction.query("SELECT \(unescaped: Self.columns) FROM users ORDER BY email").map(Self.user)
    }

    func setPasswordHash(_ userID: UUID, _ hash: String) async throws {
        try await transaction.query("UPDATE users SET password_hash = \(hash) WHERE id = \(userID)")
    }

    func disable(_ id: UUID) async throws -> User? {
        try await transaction.query(
            """
            UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE id = \(id)
            RETURNING \(unescaped: Self.columns)
            """
        ).first.map(Self.user)
    }

    static func user(_ row: PostgresRow) throws -> User {
        User(
            id: try row.decode(UUID.self, column: "id"),
            email: try row.decode(String.self, column: "email"),
            displayName: try row.decode(String.self, column: "display_name"),
            kind: try decodeEnum(UserKind.self, row, "kind"),
            tenantRole: try row.decode(String?.self, column: "tenant_role").flatMap(TenantRole.init(rawValue:)),
            disabled: try row.decode(Date?.self, column: "disabled_at") != nil,
            createdAt: try row.decode(Date.self, column: "created_at"))
    }
}

/// Decodes a text column holding one of an enum's raw values.
func decodeEnum<Value: RawRepresentable<String>>(_ type: Value.Type, _ row: PostgresRow, _ column: String) throws -> Value {
    let text = try row.decode(String.self, column: column)
    guard let value = Value(rawValue: text) else {
        throw PostgresError(kind: .decoding, message: "column \"\(column)\" holds unknown value \(text)", column: column)
    }
    return value
}

extension PostgresQuery.StringInterpolation {
    /// Appends trusted SQL text (a constant column list), never a value.
    mutating func appendInterpolation(unescaped sql: String) {
        appendLiteral(sql)
    }
}
