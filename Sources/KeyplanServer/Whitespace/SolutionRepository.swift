import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The tenant's catalogue of our solutions (`solutions`).
struct SolutionRepository {
    let transaction: TenantTransaction

    private static let select: PostgresQuery = """
        SELECT s.id, s.name, s.description, s.archived, s.version, s.updated_at, \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by"))
        FROM solutions s JOIN users u ON u.id = s.updated_by
        """

    func insert(tenantID: UUID, name: String, description: String, by author: UUID) async throws -> Solution {
        let id = UUID()
        try await transaction.query(
            "INSERT INTO solutions (tenant_id, id, name, description, updated_by) VALUES (\(tenantID), \(id), \(name), \(description), \(author))")
        return try await reread(id)
    }

    func update(_ id: UUID, name: String, description: String, archived: Bool, by author: UUID) async throws -> Solution {
        try await transaction.query(
            """
            UPDATE solutions SET name = \(name), description = \(description), archived = \(archived),
                version = version + 1, updated_by = \(author), updated_at = now()
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    /// Whether another solution than `except` has this name, regardless of case.
    func nameIsTaken(_ name: String, except: UUID? = nil) async throws -> Bool {
        try await !transaction.query("SELECT FROM solutions WHERE lower(name) = lower(\(name)) AND id IS DISTINCT FROM \(except)").isEmpty
    }

    func lock(_ id: UUID) async throws -> Solution? {
        try await transaction.read("\(Self.select) WHERE s.id = \(id)", lockingFirst: "SELECT FROM solutions WHERE id = \(id) FOR UPDATE")
            .first.map(Self.solution)
    }

    /// A solution, share-locked so that it is not archived while a cell is written on it.
    func lockShared(_ id: UUID) async throws -> Solution? {
        try await transaction.read("\(Self.select) WHERE s.id = \(id)", lockingFirst: "SELECT FROM solutions WHERE id = \(id) FOR SHARE")
            .first.map(Self.solution)
    }

    /// The catalogue by name; archived solutions too when asked.
    func list(includeArchived: Bool) async throws -> [Solution] {
        try await transaction.query("\(Self.select) WHERE (\(includeArchived) OR NOT s.archived) ORDER BY lower(s.name), s.id").map(Self.solution)
    }

    private func reread(_ id: UUID) async throws -> Solution {
        guard let row = try await transaction.query("\(Self.select) WHERE s.id = \(id)").first else {
            throw PostgresError(kind: .decoding, message: "the solution \(id) vanished while it was written")
        }
        return try Self.solution(row)
    }

    static func solution(_ row: PostgresRow) throws -> Solution {
        Solution(
            id: try row.decode(UUID.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            description: try row.decode(String.self, column: "description"),
            archived: try row.decode(Bool.self, column: "archived"),
            version: try row.decode(Int.self, column: "version"),
            updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
            updatedAt: try row.decode(Date.self, column: "updated_at"))
    }
}
