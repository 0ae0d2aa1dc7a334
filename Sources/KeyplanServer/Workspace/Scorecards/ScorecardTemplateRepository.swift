import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Scorecard templates of the transaction's tenant and their criteria. Templates are only ever
/// inserted and archived: a round's answers keep the meaning of the criteria they answered.
struct ScorecardTemplateRepository {
    let transaction: TenantTransaction

    /// Inserts a validated template and its criteria, in order.
    func insert(tenantID: UUID, _ request: CreateTemplateRequest, by userID: UUID) async throws -> ScorecardTemplate {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO scorecard_templates (tenant_id, id, name, scale_min, scale_max, created_by, updated_by)
            VALUES (\(tenantID), \(id), \(request.name), \(Int16(request.scale.minimum)), \(Int16(request.scale.maximum)), \(userID), \(userID))
            """)
        try await transaction.query(
            """
            INSERT INTO scorecard_criteria (tenant_id, id, template_id, position, name, description, weight)
            SELECT \(tenantID), gen_random_uuid(), \(id), c.position - 1, c.name, c.description, c.weight::numeric(6, 2)
            FROM unnest(\(request.criteria.map(\.name))::text[], \(request.criteria.map(\.description))::text[], \(request.criteria.map(\.weight))::float8[])
                 WITH ORDINALITY AS c(name, description, weight, position)
            """)
        guard let template = try await template(id) else { throw PostgresError(kind: .decoding, message: "the inserted template is missing") }
        return template
    }

    func nameIsTaken(_ name: String) async throws -> Bool {
        try await !transaction.query("SELECT FROM scorecard_templates WHERE lower(name) = lower(\(name))").isEmpty
    }

    /// A template with its criteria (weights included: templates are for sellers). With
    /// `locked`, the template row is share-locked so that it cannot be archived meanwhile.
    func template(_ id: UUID, locked: Bool = false) async throws -> ScorecardTemplate? {
        try await template(id, lock: locked ? "FOR SHARE OF t" : "")
    }

    /// A template read with a locking clause of its row (`t`), the row locked before it is read
    /// (``TenantTransaction/read(_:lockingFirst:)``).
    func template(_ id: UUID, lock: PostgresQuery) async throws -> ScorecardTemplate? {
        try await templates(where: "t.id = \(id)", lock: lock).first
    }

    /// The tenant's templates by name; archived ones too when asked.
    func list(includeArchived: Bool) async throws -> [ScorecardTemplate] {
        try await templates(where: "(\(includeArchived) OR t.archived_at IS NULL)")
    }

    /// Archives a template not archived yet, a version up; `nil` when there is no such template.
    func archive(_ id: UUID, by userID: UUID) async throws -> ScorecardTemplate? {
        let rows = try await transaction.query(
            """
            UPDATE scorecard_templates SET archived_at = now(), version = version + 1, updated_by = \(userID), updated_at = now()
            WHERE id = \(id) AND archived_at IS NULL RETURNING id
            """)
        return rows.isEmpty ? nil : try await template(id)
    }

    /// A template's criteria in order; weights only when `withWeights` (never for a customer).
    func criteria(of templateID: UUID, withWeights: Bool) async throws -> [ScorecardCriterion] {
        try await criteria(of: [templateID], withWeights: withWeights)[templateID] ?? []
    }

    private func criteria(of templateIDs: [UUID], withWeights: Bool) async throws -> [UUID: [ScorecardCriterion]] {
        let rows = try await transaction.query(
            """
            SELECT id, template_id, name, description, CASE WHEN \(withWeights) THEN weight::float8 END AS weight
            FROM scorecard_criteria WHERE template_id = ANY(\(templateIDs)) ORDER BY template_id, position
            """)
        var criteria: [UUID: [ScorecardCriterion]] = [:]
        for row in rows {
            criteria[try row.decode(UUID.self, column: "template_id"), default: []].append(
                ScorecardCriterion(
                    id: try row.decode(UUID.self, column: "id"), name: try row.decode(String.self, column: "name"),
                    description: try row.decode(String.self, column: "description"), weight: try row.decode(Double?.self, column: "weight")))
        }
        return criteria
    }

    private func templates(where condition: PostgresQuery, lock: PostgresQuery = "") async throws -> [ScorecardTemplate] {
        let rows = try await transaction.read(
            """
            SELECT t.id, t.name, t.scale_min, t.scale_max, t.created_at, t.archived_at, t.version, t.updated_at,
                   \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by")),
                   EXISTS (SELECT FROM scoring_rounds r WHERE r.template_id = t.id) AS in_use
            FROM scorecard_templates t JOIN users u ON u.id = t.updated_by WHERE \(condition) ORDER BY t.name
            """, lockingFirst: lock.sql.isEmpty ? nil : "SELECT FROM scorecard_templates t WHERE \(condition) \(lock)")
        let ids = try rows.map { try $0.decode(UUID.self, column: "id") }
        let criteria = try await criteria(of: ids, withWeights: true)
        return try rows.map { row in
            let id = try row.decode(UUID.self, column: "id")
            return ScorecardTemplate(
                id: id, name: try row.decode(String.self, column: "name"), scale: try Self.scale(row), criteria: criteria[id] ?? [],
                createdAt: try row.decode(Date.self, column: "created_at"), archivedAt: try row.decode(Date?.self, column: "archived_at"),
                version: try row.decode(Int.self, column: "version"), updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
                updatedAt: try row.decode(Date.self, column: "updated_at"), inUse: try row.decode(Bool.self, column: "in_use"))
        }
    }

    /// The scale from a row's `scale_min` and `scale_max`.
    static func scale(_ row: PostgresRow) throws -> ScoreScale {
        ScoreScale(minimum: try row.decode(Int.self, column: "scale_min"), maximum: try row.decode(Int.self, column: "scale_max"))
    }
}
