import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The customer goals of the transaction's tenant (`goals`, `goal_metrics`, `goal_solutions`),
/// always read within one account, so an id of another account finds nothing.
struct GoalRepository {
    let transaction: TenantTransaction

    /// One goal of the account; with `locking`, its row stays locked (`FOR UPDATE`) until the
    /// transaction ends, so a versioned change sees no other change in between. One round trip.
    func goal(_ id: UUID, in accountID: UUID, locking: Bool = false) async throws -> GoalView? {
        // The lock is taken alone, before the view is read: a `FOR UPDATE` over the join with
        // the users would, after waiting for a concurrent update, recheck the join against the
        // users it read before (changed `updated_by`) and find no row at all. In one pipeline the
        // reads after it still see the row as the lock left it (each statement its own snapshot).
        let lock: [PostgresQuery] = locking ? ["SELECT id FROM goals WHERE account_id = \(accountID) AND id = \(id) FOR UPDATE"] : []
        return try await goals(where: "g.account_id = \(accountID) AND g.id = \(id)", after: lock).first
    }

    /// The account's goals, oldest first.
    func list(in accountID: UUID) async throws -> [GoalView] {
        try await goals(where: "g.account_id = \(accountID)")
    }

    /// What a change of a goal rests on, read in one round trip before anything is written: the
    /// goal (locked, when there is one), whether the draft's parent may be its parent (share-locked,
    /// so it is not deleted or demoted meanwhile), how many items hang under the goal, and the actor
    /// and the transaction's time, from which the changed goal is written out without reading it
    /// back (the draft's values are stored as validated: `Validate.goal`).
    struct Change: Sendable {
        var current: GoalView?
        /// The kind of the draft's parent, `nil` when it names none or no such goal of the account.
        var parentKind: GoalKind?
        var childCount: Int
        var actor: WorkspaceChange.Actor
        var now: Date
    }

    func prepareChange(of id: UUID?, in accountID: UUID, parent parentID: UUID?, by actor: Principal) async throws -> Change {
        let parent: [PostgresQuery] =
            parentID.map { parent in
                ["SELECT kind FROM goals WHERE account_id = \(accountID) AND id = \(parent) AND id IS DISTINCT FROM \(id) FOR SHARE"]
            } ?? []
        let context: PostgresQuery = """
            SELECT \(WorkspaceChange.Actor.columns(of: "u", as: "actor")), now() AS now, (SELECT count(*) FROM goals WHERE parent_id = \(id)) AS children
            FROM users u WHERE u.id = \(actor.userID)
            """
        if let id {
            // The lock is taken alone, before the view is read (see `goal(_:in:locking:)`).
            let lock: PostgresQuery = "SELECT id FROM goals WHERE account_id = \(accountID) AND id = \(id) FOR UPDATE"
            let (found, extra) = try await goals(where: "g.account_id = \(accountID) AND g.id = \(id)", after: [lock], before: parent + [context])
            return try Self.change(current: found.first, parent: parentID == nil ? nil : extra[0], context: extra.last!)
        }
        let results = try await transaction.pipeline(parent + [context])
        return try Self.change(current: nil, parent: parentID == nil ? nil : results[0], context: results.last!)
    }

    private static func change(current: GoalView?, parent: PostgresRows?, context: PostgresRows) throws -> Change {
        guard let row = context.first else { throw RPCError(code: .internal, message: "internal error") }
        return Change(
            current: current, parentKind: try parent?.first.flatMap { GoalKind(rawValue: try $0.decode(String.self, column: "kind")) },
            childCount: try row.decode(Int.self, column: "children"),
            actor: try WorkspaceChange.Actor(row, prefix: "actor"),
            now: try row.decode(Date.self, column: "now"))
    }

    /// Inserts the goal with its metrics when the transaction commits; returns it as it will be.
    func insertAtCommit(_ draft: GoalDraft, in accountID: UUID, by actor: Principal, _ change: Change) throws -> GoalView {
        let id = UUID()
        transaction.addClosing(
            [
                """
                INSERT INTO goals (tenant_id, id, account_id, kind, parent_id, title, description, department, status, target_date, created_by, updated_by)
                VALUES (\(actor.tenantID), \(id), \(accountID), \(draft.kind.rawValue), \(draft.parentID), \(draft.title), \(draft.description),
                        \(draft.department), \(draft.status.rawValue), \(draft.targetDate?.description)::date, \(actor.userID), \(actor.userID))
                """
            ] + (try replaceMetrics(of: id, with: draft.metrics, tenantID: actor.tenantID)))
        return GoalView(
            id: id, accountID: accountID, kind: draft.kind, parentID: draft.parentID, title: draft.title, description: draft.description,
            department: draft.department, status: draft.status, targetDate: draft.targetDate, metrics: draft.metrics, solutions: [],
            version: 1, createdBy: change.actor, createdAt: change.now, updatedBy: change.actor, updatedAt: change.now)
    }

    /// Replaces the goal's editable fields and metrics, one version up, when the transaction
    /// commits; returns it as it will be. Metrics sent unchanged (a form sends them all) are not rewritten: two
    /// statements fewer.
    func updateAtCommit(_ current: GoalView, to draft: GoalDraft, by actor: Principal, _ change: Change) throws -> GoalView {
        transaction.addClosing(
            [
                """
                UPDATE goals SET kind = \(draft.kind.rawValue), parent_id = \(draft.parentID), title = \(draft.title),
                    description = \(draft.description), department = \(draft.department), status = \(draft.status.rawValue),
                    target_date = \(draft.targetDate?.description)::date, version = version + 1, updated_by = \(actor.userID), updated_at = now()
                WHERE id = \(current.id)
                """
            ] + (draft.metrics == current.metrics ? [] : try replaceMetrics(of: current.id, with: draft.metrics, tenantID: actor.tenantID)))
        var updated = current
        (updated.kind, updated.parentID, updated.title, updated.description) = (draft.kind, draft.parentID, draft.title, draft.description)
        (updated.department, updated.status, updated.targetDate, updated.metrics) = (draft.department, draft.status, draft.targetDate, draft.metrics)
        (updated.version, updated.updatedBy, updated.updatedAt) = (current.version + 1, change.actor, change.now)
        return updated
    }

    /// Deletes the goal with its metrics and linked solutions.
    func delete(_ id: UUID) async throws {
        try await transaction.query("DELETE FROM goals WHERE id = \(id)")
    }

    /// A linked solution's note, locked until the transaction ends; `nil` when not linked.
    func solutionNote(_ solution: String, of goalID: UUID) async throws -> String? {
        try await transaction.query("SELECT note FROM goal_solutions WHERE goal_id = \(goalID) AND solution = \(solution) FOR UPDATE")
            .first?.decode(String.self, column: "note")
    }

    func linkSolution(_ solution: String, note: String, to goalID: UUID, by actor: Principal) async throws {
        try await transaction.query(
            """
            INSERT INTO goal_solutions (tenant_id, goal_id, solution, note, linked_by)
            VALUES (\(actor.tenantID), \(goalID), \(solution), \(note), \(actor.userID))
            ON CONFLICT (tenant_id, goal_id, solution) DO UPDATE SET note = excluded.note, linked_by = excluded.linked_by, linked_at = now()
            """)
    }

    func unlinkSolution(_ solution: String, from goalID: UUID) async throws {
        try await transaction.query("DELETE FROM goal_solutions WHERE goal_id = \(goalID) AND solution = \(solution)")
    }

    // MARK: Reading

    /// Goals matching `condition` (over `goals g`) with their people, metrics and solutions: three
    /// statements in one round trip, after `leading` ones (a lock, a change) whose results are dropped.
    private func goals(where condition: PostgresQuery, after leading: [PostgresQuery] = []) async throws -> [GoalView] {
        try await goals(where: condition, after: leading, before: []).goals
    }

    /// The same, with `trailing` statements in the round trip too, whose results are returned.
    private func goals(
        where condition: PostgresQuery, after leading: [PostgresQuery], before trailing: [PostgresQuery]
    ) async throws -> (goals: [GoalView], trailing: [PostgresRows]) {
        let results = try await transaction.pipeline(
            leading + [
                """
                SELECT g.id, g.account_id, g.kind, g.parent_id, g.title, g.description, g.department, g.status,
                       to_char(g.target_date, 'YYYY-MM-DD') AS target_date, g.version, g.created_at, g.updated_at,
                       \(WorkspaceChange.Actor.columns(of: "c", as: "created_by")), \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by"))
                FROM goals g JOIN users c ON c.id = g.created_by JOIN users u ON u.id = g.updated_by
                WHERE \(condition)
                ORDER BY g.created_at, g.id
                """,
                """
                SELECT m.goal_id, m.name, m.unit, m.baseline, m.target, m.current FROM goal_metrics m JOIN goals g ON g.id = m.goal_id
                WHERE \(condition) ORDER BY m.goal_id, m.position
                """,
                """
                SELECT s.goal_id, s.solution, s.note, s.linked_at, \(WorkspaceChange.Actor.columns(of: "u", as: "linked_by"))
                FROM goal_solutions s JOIN goals g ON g.id = s.goal_id JOIN users u ON u.id = s.linked_by
                WHERE \(condition) ORDER BY s.goal_id, s.linked_at, s.solution
                """,
            ] + trailing)
        let (rows, metricRows, solutionRows) = (results[leading.count], results[leading.count + 1], results[leading.count + 2])
        let trailed = Array(results[(leading.count + 3)...])
        guard !rows.isEmpty else { return ([], trailed) }
        var goals = try rows.map(Self.goal)
        var metrics: [UUID: [GoalMetric]] = [:]
        for row in metricRows {
            metrics[try row.decode(UUID.self, column: "goal_id"), default: []].append(
                GoalMetric(
                    name: try row.decode(String.self, column: "name"), unit: try row.decode(String.self, column: "unit"),
                    baseline: try row.decode(Decimal?.self, column: "baseline"), target: try row.decode(Decimal?.self, column: "target"),
                    current: try row.decode(Decimal?.self, column: "current")))
        }
        var solutions: [UUID: [LinkedSolution]] = [:]
        for row in solutionRows {
            solutions[try row.decode(UUID.self, column: "goal_id"), default: []].append(
                LinkedSolution(
                    solution: try row.decode(String.self, column: "solution"), note: try row.decode(String.self, column: "note"),
                    linkedBy: try WorkspaceChange.Actor(row, prefix: "linked_by"), linkedAt: try row.decode(Date.self, column: "linked_at")))
        }
        for index in goals.indices {
            goals[index].metrics = metrics[goals[index].id] ?? []
            goals[index].solutions = solutions[goals[index].id] ?? []
        }
        return (goals, trailed)
    }

    private static func goal(_ row: PostgresRow) throws -> GoalView {
        func enumeration<Value: RawRepresentable<String>>(_ column: String) throws -> Value {
            let text = try row.decode(String.self, column: column)
            guard let value = Value(rawValue: text) else {
                throw PostgresError(kind: .decoding, message: "unexpected \(column) \(text)", column: column)
            }
            return value
        }
        return GoalView(
            id: try row.decode(UUID.self, column: "id"), accountID: try row.decode(UUID.self, column: "account_id"),
            kind: try enumeration("kind"), parentID: try row.decode(UUID?.self, column: "parent_id"),
            title: try row.decode(String.self, column: "title"), description: try row.decode(String.self, column: "description"),
            department: try row.decode(String.self, column: "department"), status: try enumeration("status"),
            targetDate: try decodeCalendarDate(row, "target_date"), metrics: [], solutions: [],
            version: Int(try row.decode(Int32.self, column: "version")),
            createdBy: try WorkspaceChange.Actor(row, prefix: "created_by"), createdAt: try row.decode(Date.self, column: "created_at"),
            updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"), updatedAt: try row.decode(Date.self, column: "updated_at"))
    }

    /// The metric rows as one JSON document, so the list is written in one statement whatever its length.
    private struct MetricRow: Encodable {
        var position: Int
        var name: String
        var unit: String
        var baseline: String?
        var target: String?
        var current: String?
    }

    /// The statements that replace the goal's metrics with `metrics`, to send in one round trip.
    private func replaceMetrics(of goalID: UUID, with metrics: [GoalMetric], tenantID: UUID) throws -> [PostgresQuery] {
        let rows = metrics.enumerated().map { index, metric in
            MetricRow(
                position: index, name: metric.name, unit: metric.unit, baseline: metric.baseline.map { "\($0)" },
                target: metric.target.map { "\($0)" }, current: metric.current.map { "\($0)" })
        }
        let document = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        return [
            "DELETE FROM goal_metrics WHERE goal_id = \(goalID)",
            """
            INSERT INTO goal_metrics (tenant_id, goal_id, position, name, unit, baseline, target, current)
            SELECT \(tenantID), \(goalID), m.position, m.name, m.unit, m.baseline::numeric, m.target::numeric, m.current::numeric
            FROM jsonb_to_recordset(\(document)::jsonb) AS m(position int2, name text, unit text, baseline text, target text, current text)
            """,
        ]
    }
}
