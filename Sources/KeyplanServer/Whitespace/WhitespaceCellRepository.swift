import Foundation
import KeyplanAPI
import KeyplanPostgres

/// What a seller sets on a cell: a new cell's fields, or an existing one's after an update.
struct WhitespaceCellFields: Sendable, Equatable {
    var businessUnit: String
    var solutionID: UUID
    var status: WhitespaceStatus
    var servedBy: WhitespaceProvider
    var competitor: String
    var annualValue: Decimal?
    var contractEndsOn: CalendarDate?
    var note: String
    var idea: String
    var goalIDs: [UUID]
    var opportunityIDs: [UUID]
    var shared: Bool
}

/// The whitespace cells of the transaction's tenant. Every read takes the reader: a customer's
/// reads select shared cells only and NULL for the internal fields, in SQL, so an internal value
/// is never read for them.
struct WhitespaceCellRepository {
    let transaction: TenantTransaction

    /// The cells' columns as `reader` may read them. Goals and opportunities are read back only
    /// while they exist on the account (a deleted goal drops out).
    private static func select(for reader: Principal) -> PostgresQuery {
        let common: PostgresQuery = """
            SELECT c.id, c.account_id, c.business_unit, c.solution_id, s.name AS solution_name, c.idea, c.shared, c.version,
                   c.created_at, c.updated_at,
                   ARRAY(SELECT g.id FROM goals g WHERE g.id = ANY(c.goal_ids) AND g.account_id = c.account_id ORDER BY g.id) AS goal_ids,
                   \(WorkspaceChange.Actor.columns(of: "cb", as: "created_by")), \(WorkspaceChange.Actor.columns(of: "ub", as: "updated_by")),
            """
        let internals: PostgresQuery =
            reader.kind == .customer
            ? """
            NULL::text AS status, NULL::text AS served_by, NULL::text AS competitor, NULL::numeric AS annual_value, NULL::text AS currency,
            NULL::text AS contract_ends_on, NULL::text AS note, '{}'::uuid[] AS opportunity_ids
            """
            : """
            c.status, c.served_by, c.competitor, c.annual_value, a.currency, to_char(c.contract_ends_on, 'YYYY-MM-DD') AS contract_ends_on,
            c.note, ARRAY(SELECT o.id FROM opportunities o WHERE o.id = ANY(c.opportunity_ids) AND o.account_id = c.account_id ORDER BY o.id)
                AS opportunity_ids
            """
        return """
            \(common) \(internals)
            FROM whitespace_cells c JOIN solutions s ON s.id = c.solution_id JOIN accounts a ON a.id = c.account_id
                 JOIN users cb ON cb.id = c.created_by JOIN users ub ON ub.id = c.updated_by
            """
    }

    /// Customers read shared cells only.
    private static func visible(to reader: Principal) -> PostgresQuery {
        "(c.shared OR NOT \(reader.kind == .customer))"
    }

    func insert(tenantID: UUID, accountID: UUID, _ fields: WhitespaceCellFields, by author: Principal) async throws -> WhitespaceCell {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO whitespace_cells (tenant_id, id, account_id, business_unit, solution_id, status, served_by, competitor, annual_value,
                                          contract_ends_on, note, idea, goal_ids, opportunity_ids, shared, created_by, updated_by)
            VALUES (\(tenantID), \(id), \(accountID), \(fields.businessUnit), \(fields.solutionID), \(fields.status.rawValue),
                    \(fields.servedBy.rawValue), \(fields.competitor), \(fields.annualValue)::numeric, \(fields.contractEndsOn?.description)::date,
                    \(fields.note), \(fields.idea), \(fields.goalIDs)::uuid[], \(fields.opportunityIDs)::uuid[], \(fields.shared),
                    \(author.userID), \(author.userID))
            """)
        return try await reread(id, for: author)
    }

    func update(_ id: UUID, _ fields: WhitespaceCellFields, by author: Principal) async throws -> WhitespaceCell {
        try await transaction.query(
            """
            UPDATE whitespace_cells SET business_unit = \(fields.businessUnit), status = \(fields.status.rawValue),
                served_by = \(fields.servedBy.rawValue), competitor = \(fields.competitor), annual_value = \(fields.annualValue)::numeric,
                contract_ends_on = \(fields.contractEndsOn?.description)::date, note = \(fields.note), idea = \(fields.idea),
                goal_ids = \(fields.goalIDs)::uuid[], opportunity_ids = \(fields.opportunityIDs)::uuid[], shared = \(fields.shared),
                version = version + 1, updated_by = \(author.userID), updated_at = now()
            WHERE id = \(id)
            """)
        return try await reread(id, for: author)
    }

    func delete(_ id: UUID) async throws {
        try await transaction.query("DELETE FROM whitespace_cells WHERE id = \(id)")
    }

    /// The cell, locked for an update, if `reader` may see it.
    func lock(_ id: UUID, in accountID: UUID, for reader: Principal) async throws -> WhitespaceCell? {
        let condition: PostgresQuery = "c.id = \(id) AND c.account_id = \(accountID) AND \(Self.visible(to: reader))"
        return try await transaction.read(
            "\(Self.select(for: reader)) WHERE \(condition)", lockingFirst: "SELECT FROM whitespace_cells c WHERE \(condition) FOR UPDATE"
        ).first.map(Self.cell)
    }

    /// The account's cell of a business unit (regardless of case) and solution, other than `except`.
    func existing(_ businessUnit: String, _ solutionID: UUID, in accountID: UUID, except: UUID? = nil) async throws -> (id: UUID, version: Int)? {
        try await transaction.query(
            """
            SELECT id, version FROM whitespace_cells
            WHERE account_id = \(accountID) AND lower(business_unit) = lower(\(businessUnit)) AND solution_id = \(solutionID)
              AND id IS DISTINCT FROM \(except)
            """
        ).first.map { (try $0.decode(UUID.self, column: "id"), try $0.decode(Int.self, column: "version")) }
    }

    /// The account's cells `reader` may see, by business unit and solution name.
    func list(in accountID: UUID, for reader: Principal) async throws -> [WhitespaceCell] {
        try await transaction.query(
            """
            \(Self.select(for: reader)) WHERE c.account_id = \(accountID) AND \(Self.visible(to: reader))
            ORDER BY lower(c.business_unit), lower(s.name), c.id
            """
        ).map(Self.cell)
    }

    /// Which of `ids` are not goals of the account.
    func missingGoals(_ ids: [UUID], in accountID: UUID) async throws -> [UUID] {
        try await missing(ids, in: "goals", accountID: accountID)
    }

    /// Which of `ids` are not opportunities of the account.
    func missingOpportunities(_ ids: [UUID], in accountID: UUID) async throws -> [UUID] {
        try await missing(ids, in: "opportunities", accountID: accountID)
    }

    private func missing(_ ids: [UUID], in table: String, accountID: UUID) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        return try await transaction.query(
            """
            SELECT wanted.id FROM unnest(\(ids)::uuid[]) AS wanted(id)
            WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: table) t WHERE t.id = wanted.id AND t.account_id = \(accountID))
            """
        ).map { try $0.decode(UUID.self, column: "id") }
    }

    private func reread(_ id: UUID, for reader: Principal) async throws -> WhitespaceCell {
        guard let row = try await transaction.query("\(Self.select(for: reader)) WHERE c.id = \(id)").first else {
            throw PostgresError(kind: .decoding, message: "the whitespace cell \(id) vanished while it was written")
        }
        return try Self.cell(row)
    }

    static func cell(_ row: PostgresRow) throws -> WhitespaceCell {
        func optionalEnum<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws -> Value? {
            try row.decode(String?.self, column: column) == nil ? nil : try decodeEnum(type, row, column)
        }
        return WhitespaceCell(
            id: try row.decode(UUID.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            businessUnit: try row.decode(String.self, column: "business_unit"),
            solutionID: try row.decode(UUID.self, column: "solution_id"),
            solutionName: try row.decode(String.self, column: "solution_name"),
            status: try optionalEnum(WhitespaceStatus.self, "status"),
            servedBy: try optionalEnum(WhitespaceProvider.self, "served_by"),
            competitor: try row.decode(String?.self, column: "competitor"),
            annualValue: try row.decode(Decimal?.self, column: "annual_value"),
            currency: try row.decode(String?.self, column: "currency"),
            contractEndsOn: try decodeCalendarDate(row, "contract_ends_on"),
            note: try row.decode(String?.self, column: "note"),
            idea: try row.decode(String.self, column: "idea"),
            goalIDs: try row.decode([UUID].self, column: "goal_ids"),
            opportunityIDs: try row.decode([UUID].self, column: "opportunity_ids"),
            shared: try row.decode(Bool.self, column: "shared"),
            version: try row.decode(Int.self, column: "version"),
            createdBy: try WorkspaceChange.Actor(row, prefix: "created_by"),
            createdAt: try row.decode(Date.self, column: "created_at"),
            updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
            updatedAt: try row.decode(Date.self, column: "updated_at"))
    }
}
