import Foundation
import KeyplanAPI
import KeyplanPostgres

/// What a person sets on an action: a new action's fields, or an existing one's after an update.
struct ActionFields: Sendable, Equatable {
    var title: String
    var description: String
    var ownerID: UUID?
    var dueOn: CalendarDate?
    var status: ActionStatus
    var horizon: ActionHorizon
    var goalID: UUID?
    var shared: Bool
}

/// The actions of the transaction's tenant. Every read takes the reader: a customer's reads
/// select shared actions only, in SQL, so an internal action is never read for them.
struct ActionRepository {
    let transaction: TenantTransaction

    private static let select: PostgresQuery = """
        SELECT a.id, a.account_id, a.title, a.description, a.owner_id, o.display_name AS owner_name,
               to_char(a.due_on, 'YYYY-MM-DD') AS due_on, a.status, a.horizon, a.goal_id, a.shared, a.completed_at,
               coalesce(a.due_on < current_date AND a.status IN ('open', 'in_progress', 'blocked'), false) AS overdue,
               a.version, a.created_at, a.updated_at,
               \(WorkspaceChange.Actor.columns(of: "c", as: "created_by")), \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by"))
        FROM actions a LEFT JOIN users o ON o.id = a.owner_id JOIN users c ON c.id = a.created_by JOIN users u ON u.id = a.updated_by
        """

    func insert(tenantID: UUID, accountID: UUID, _ fields: ActionFields, by author: UUID) async throws -> PlanAction {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO actions (tenant_id, id, account_id, title, description, owner_id, due_on, status, horizon, goal_id, shared,
                                 completed_at, created_by, updated_by)
            VALUES (\(tenantID), \(id), \(accountID), \(fields.title), \(fields.description), \(fields.ownerID), \(fields.dueOn?.description)::date,
                    \(fields.status.rawValue), \(fields.horizon.rawValue), \(fields.goalID), \(fields.shared),
                    CASE WHEN \(fields.status.rawValue) = 'done' THEN now() END, \(author), \(author))
            """)
        return try await reread(id)
    }

    /// Writes `fields` over the action and raises its version; `done` keeps the first completion
    /// time, any other status clears it.
    func update(_ id: UUID, _ fields: ActionFields, by author: UUID) async throws -> PlanAction {
        try await transaction.query(
            """
            UPDATE actions SET title = \(fields.title), description = \(fields.description), owner_id = \(fields.ownerID),
                due_on = \(fields.dueOn?.description)::date, status = \(fields.status.rawValue), horizon = \(fields.horizon.rawValue),
                goal_id = \(fields.goalID), shared = \(fields.shared),
                completed_at = CASE WHEN \(fields.status.rawValue) = 'done' THEN coalesce(completed_at, now()) END,
                version = version + 1, updated_by = \(author), updated_at = now()
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    func delete(_ id: UUID) async throws {
        try await transaction.query("DELETE FROM actions WHERE id = \(id)")
    }

    /// The action, locked for an update, if `reader` may see it.
    func lock(_ id: UUID, in accountID: UUID, for reader: Principal) async throws -> PlanAction? {
        let condition: PostgresQuery = "a.id = \(id) AND a.account_id = \(accountID) AND \(Self.visible(to: reader))"
        return try await transaction.read("\(Self.select) WHERE \(condition)", lockingFirst: "SELECT FROM actions a WHERE \(condition) FOR UPDATE")
            .first.map(Self.action)
    }

    func get(_ id: UUID, in accountID: UUID, for reader: Principal) async throws -> PlanAction? {
        try await transaction.query("\(Self.select) WHERE a.id = \(id) AND a.account_id = \(accountID) AND \(Self.visible(to: reader))")
            .first.map(Self.action)
    }

    /// The account's actions matching `request`, in plan order: near term first, then by due date.
    func list(_ request: ListActionsRequest, limit: Int, for reader: Principal) async throws -> [PlanAction] {
        try await transaction.query(
            """
            \(Self.select)
            WHERE a.account_id = \(request.accountID) AND \(Self.visible(to: reader))
              AND (\(request.horizon?.rawValue)::text IS NULL OR a.horizon = \(request.horizon?.rawValue))
              AND (\(request.status?.rawValue)::text IS NULL OR a.status = \(request.status?.rawValue))
              AND (\(request.ownerID)::uuid IS NULL OR a.owner_id = \(request.ownerID))
              AND (NOT \(request.sharedOnly) OR a.shared)
              AND (NOT \(request.overdueOnly) OR (a.due_on < current_date AND a.status IN ('open', 'in_progress', 'blocked')))
            ORDER BY a.horizon = 'long', a.due_on NULLS LAST, a.created_at, a.id
            LIMIT \(limit)
            """
        ).map(Self.action)
    }

    /// A link of an action to something that can go away: a goal that is deleted, an owner taken
    /// off the account.
    enum Link: String {
        case goal = "goal_id"
        case owner = "owner_id"
    }

    /// The account's actions linked to `target`, locked for an update, whoever may see them: each
    /// one loses the link.
    func lockLinked(_ link: Link, to target: UUID, in accountID: UUID) async throws -> [PlanAction] {
        let condition: PostgresQuery = "a.account_id = \(accountID) AND a.\(unescaped: link.rawValue) = \(target) ORDER BY a.id"
        return try await transaction.read("\(Self.select) WHERE \(condition)", lockingFirst: "SELECT FROM actions a WHERE \(condition) FOR UPDATE")
            .map(Self.action)
    }

    /// Clears the link of `ids` (locked by ``lockLinked(_:to:in:)``), each a version up, in one
    /// statement; returns them as they are now, in the order of `ids`.
    func clear(_ link: Link, of ids: [UUID], by author: UUID) async throws -> [PlanAction] {
        try await transaction.query(
            """
            UPDATE actions SET \(unescaped: link.rawValue) = NULL, version = version + 1, updated_by = \(author), updated_at = now()
            WHERE id = ANY(\(ids))
            """)
        let after = try await transaction.query("\(Self.select) WHERE a.id = ANY(\(ids))").map(Self.action)
        let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// Whether `goalID` is a goal of the account.
    func goalExists(_ goalID: UUID, in accountID: UUID) async throws -> Bool {
        try await !transaction.query("SELECT 1 AS found FROM goals WHERE id = \(goalID) AND account_id = \(accountID)").isEmpty
    }

    private func reread(_ id: UUID) async throws -> PlanAction {
        guard let row = try await transaction.query("\(Self.select) WHERE a.id = \(id)").first else {
            throw PostgresError(kind: .decoding, message: "the action \(id) vanished while it was written")
        }
        return try Self.action(row)
    }

    /// Customers read the mutual action plan only.
    private static func visible(to reader: Principal) -> PostgresQuery {
        "(a.shared OR NOT \(reader.kind == .customer))"
    }

    static func action(_ row: PostgresRow) throws -> PlanAction {
        PlanAction(
            id: try row.decode(UUID.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            title: try row.decode(String.self, column: "title"),
            description: try row.decode(String.self, column: "description"),
            ownerID: try row.decode(UUID?.self, column: "owner_id"),
            ownerName: try row.decode(String?.self, column: "owner_name"),
            dueOn: try decodeCalendarDate(row, "due_on"),
            status: try decodeEnum(ActionStatus.self, row, "status"),
            horizon: try decodeEnum(ActionHorizon.self, row, "horizon"),
            goalID: try row.decode(UUID?.self, column: "goal_id"),
            shared: try row.decode(Bool.self, column: "shared"),
            completedAt: try row.decode(Date?.self, column: "completed_at"),
            overdue: try row.decode(Bool.self, column: "overdue"),
            version: try row.decode(Int.self, column: "version"),
            createdBy: try WorkspaceChange.Actor(row, prefix: "created_by"),
            createdAt: try row.decode(Date.self, column: "created_at"),
            updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
            updatedAt: try row.decode(Date.self, column: "updated_at"))
    }
}
