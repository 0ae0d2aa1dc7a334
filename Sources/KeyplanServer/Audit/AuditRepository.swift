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
    /// When the call ended (rows written in batches are written later).
    var at: Date = Date()
}

/// The append-only audit log of the transaction's tenant.
struct AuditRepository {
    let transaction: TenantTransaction

    /// One statement that appends `records`, all of `tenantID` (the transaction's tenant), as one
    /// JSON document, so any number of rows is one statement of one shape.
    static func insert(_ records: [AuditRecord], tenantID: UUID) -> PostgresQuery {
        var rows = JSONRows()
        for record in records {
            rows.row { row in
                row.field("at", record.at.timeIntervalSince1970)
                row.field("userID", record.userID)
                row.field("credentialID", record.credentialID)
                row.field("method", record.method)
                row.field("objectID", record.objectID)
                row.field("clientAddress", record.clientAddress)
                row.field("code", record.code)
                row.field("message", record.message)
            }
        }
        let document = rows.json
        return """
            INSERT INTO audit_log (tenant_id, at, user_id, credential_id, method, object_id, client_address, code, message)
            SELECT \(tenantID), to_timestamp(r.at), r."userID", r."credentialID", r.method, r."objectID", r."clientAddress", r.code, r.message
            FROM jsonb_to_recordset(\(document)::jsonb) AS r(at float8, "userID" uuid, "credentialID" uuid, method text, "objectID" uuid,
                                                           "clientAddress" text, code text, message text)
            """
    }

    /// Newest first, keyset-paginated by id.
    func list(before: Int64?, limit: Int, method: String?) async throws -> [AuditEntry] {
        try await transaction.query(
            """
            SELECT a.id, a.at, a.user_id, a.credential_id, a.method, a.object_id, a.client_address, a.code, a.message,
                   \(WorkspaceChange.Actor.columns(of: "u", as: "caller"))
            FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
            WHERE (\(before)::bigint IS NULL OR a.id < \(before)) AND (\(method)::text IS NULL OR a.method = \(method))
            ORDER BY a.id DESC LIMIT \(limit)
            """
        ).map { row in
            AuditEntry(
                id: try row.decode(Int64.self, column: "id"),
                at: try row.decode(Date.self, column: "at"),
                userID: try row.decode(UUID?.self, column: "user_id"),
                credentialID: try row.decode(UUID?.self, column: "credential_id"),
                method: try row.decode(String.self, column: "method"),
                objectID: try row.decode(UUID?.self, column: "object_id"),
                clientAddress: try row.decode(String?.self, column: "client_address"),
                code: try row.decode(String.self, column: "code"),
                message: try row.decode(String.self, column: "message"),
                user: try WorkspaceChange.Actor.optional(row, prefix: "caller"))
        }
    }
}
