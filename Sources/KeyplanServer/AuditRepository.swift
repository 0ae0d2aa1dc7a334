import Foundation
import KeyplanAPI
import KeyplanPostgres

/// One call, as the audit log records it.
struct AuditRecord: Sendable {
    var tenantID: UUID
    var userID: UUID?
    var credentialID: UUID?
    var method: String
    var objectID: UUID?
    var clientAddress: String?
    var code: String
    var message: String
}

/// The append-only audit log of the transaction's tenant.
struct AuditRepository {
    let connection: PostgresConnection

    func append(_ record: AuditRecord) async throws {
        try await connection.query("""
            INSERT INTO audit_log (tenant_id, user_id, credential_id, method, object_id, client_address, code, message)
            VALUES (\(record.tenantID), \(record.userID), \(record.credentialID), \(record.method), \(record.objectID),
                    \(record.clientAddress), \(record.code), \(record.message))
            """)
    }

    /// Newest first, keyset-paginated by id.
    func list(before: Int64?, limit: Int, method: String?) async throws -> [AuditEntry] {
        try await connection.query("""
            SELECT id, at, user_id, credential_id, method, object_id, client_address, code, message FROM audit_log
            WHERE (\(before)::bigint IS NULL OR id < \(before)) AND (\(method)::text IS NULL OR method = \(method))
            ORDER BY id DESC LIMIT \(limit)
            """).map { row in
            AuditEntry(
                id: try row.decode(Int64.self, column: "id"),
                at: try row.decode(Date.self, column: "at"),
                userID: try row.decode(UUID?.self, column: "user_id"),
                credentialID: try row.decode(UUID?.self, column: "credential_id"),
                method: try row.decode(String.self, column: "method"),
                objectID: try row.decode(UUID?.self, column: "object_id"),
                clientAddress: try row.decode(String?.self, column: "client_address"),
                code: try row.decode(String.self, column: "code"),
                message: try row.decode(String.self, column: "message"))
        }
    }
}
