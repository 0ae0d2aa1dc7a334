import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The process map steps of the transaction's tenant.
struct ProcessStepRepository {
    let transaction: TenantTransaction

    private static let select: PostgresQuery = """
        SELECT s.id, s.account_id, s.position, s.activity, s.responsible_user_id, u.display_name AS responsible_user_name,
               s.responsible, s.side, s.version, s.updated_at, \(WorkspaceChange.Actor.columns(of: "b", as: "updated_by"))
        FROM process_steps s LEFT JOIN users u ON u.id = s.responsible_user_id JOIN users b ON b.id = s.updated_by
        """

    /// A new step; without a position it goes after the last.
    func insert(tenantID: UUID, accountID: UUID, _ fields: StepFields, by author: UUID) async throws -> ProcessStep {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO process_steps (tenant_id, id, account_id, position, activity, responsible_user_id, responsible, side, updated_by)
            VALUES (\(tenantID), \(id), \(accountID),
                    coalesce(\(fields.position)::int2, (SELECT coalesce(max(position) + 1, 0) FROM process_steps WHERE account_id = \(accountID))),
                    \(fields.activity), \(fields.responsibleUserID), \(fields.responsible), \(fields.side.rawValue), \(author))
            """)
        return try await reread(id)
    }

    /// Replaces the step's fields (its position only when one is given) and raises its version.
    func update(_ id: UUID, _ fields: StepFields, by author: UUID) async throws -> ProcessStep {
        try await transaction.query(
            """
            UPDATE process_steps SET position = coalesce(\(fields.position)::int2, position), activity = \(fields.activity),
                responsible_user_id = \(fields.responsibleUserID), responsible = \(fields.responsible), side = \(fields.side.rawValue),
                version = version + 1, updated_by = \(author), updated_at = now()
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    func delete(_ id: UUID) async throws {
        try await transaction.query("DELETE FROM process_steps WHERE id = \(id)")
    }

    func lock(_ id: UUID, in accountID: UUID) async throws -> ProcessStep? {
        let condition: PostgresQuery = "s.id = \(id) AND s.account_id = \(accountID)"
        return try await transaction.read(
            "\(Self.select) WHERE \(condition)", lockingFirst: "SELECT FROM process_steps s WHERE \(condition) FOR UPDATE"
        )
        .first.map(Self.step)
    }

    /// The account's map, in position order.
    func map(of accountID: UUID) async throws -> [ProcessStep] {
        try await transaction.query("\(Self.select) WHERE s.account_id = \(accountID) ORDER BY s.position, s.activity, s.id").map(Self.step)
    }

    private func reread(_ id: UUID) async throws -> ProcessStep {
        guard let row = try await transaction.query("\(Self.select) WHERE s.id = \(id)").first else {
            throw PostgresError(kind: .decoding, message: "the process step \(id) vanished while it was written")
        }
        return try Self.step(row)
    }

    static func step(_ row: PostgresRow) throws -> ProcessStep {
        ProcessStep(
            id: try row.decode(UUID.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            position: try row.decode(Int.self, column: "position"),
            activity: try row.decode(String.self, column: "activity"),
            responsibleUserID: try row.decode(UUID?.self, column: "responsible_user_id"),
            responsibleUserName: try row.decode(String?.self, column: "responsible_user_name"),
            responsible: try row.decode(String.self, column: "responsible"),
            side: try decodeEnum(ProcessSide.self, row, "side"),
            version: try row.decode(Int.self, column: "version"),
            updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
            updatedAt: try row.decode(Date.self, column: "updated_at"))
    }
}
