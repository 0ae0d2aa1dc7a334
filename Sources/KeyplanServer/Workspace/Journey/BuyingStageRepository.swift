import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The buying stages of the transaction's tenant, with the actions aligned to each.
struct BuyingStageRepository {
    let transaction: TenantTransaction
    /// A customer's reads list only the shared actions of a stage.
    let sharedActionsOnly: Bool

    /// The stage's own columns and its actions (as JSON, ordered by title), in one statement.
    private var select: PostgresQuery {
        """
        SELECT s.id, s.account_id, s.position, s.name, s.customer_people, s.criteria, s.current, s.version, s.updated_at,
               \(WorkspaceChange.Actor.columns(of: "b", as: "updated_by")),
               coalesce((SELECT json_agg(json_build_object('id', a.id, 'title', a.title, 'status', a.status) ORDER BY a.title, a.id)
                         FROM buying_stage_actions l JOIN actions a ON a.tenant_id = l.tenant_id AND a.id = l.action_id
                         WHERE l.stage_id = s.id AND (a.shared OR NOT \(sharedActionsOnly)))::text, '[]') AS actions,
               coalesce((SELECT json_agg(json_build_object('id', p.id, 'activity', p.activity, 'side', p.side) ORDER BY p.position, p.activity, p.id)
                         FROM buying_stage_steps l JOIN process_steps p ON p.tenant_id = l.tenant_id AND p.id = l.step_id
                         WHERE l.stage_id = s.id)::text, '[]') AS steps
        FROM buying_stages s JOIN users b ON b.id = s.updated_by
        """
    }

    /// A new stage; without a position it goes after the last.
    func insert(
        tenantID: UUID, accountID: UUID, position: Int?, name: String, customerPeople: String, criteria: String, by author: UUID
    )
        async throws -> BuyingStage
    {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO buying_stages (tenant_id, id, account_id, position, name, customer_people, criteria, updated_by)
            VALUES (\(tenantID), \(id), \(accountID),
                    coalesce(\(position)::int2, (SELECT coalesce(max(position) + 1, 0) FROM buying_stages WHERE account_id = \(accountID))),
                    \(name), \(customerPeople), \(criteria), \(author))
            """)
        return try await reread(id)
    }

    /// Replaces the stage's fields and raises its version.
    func update(_ id: UUID, position: Int, name: String, customerPeople: String, criteria: String, current: Bool, by author: UUID) async throws {
        try await transaction.query(
            """
            UPDATE buying_stages SET position = \(position)::int2, name = \(name), customer_people = \(customerPeople), criteria = \(criteria),
                current = \(current), version = version + 1, updated_by = \(author), updated_at = now()
            WHERE id = \(id)
            """)
    }

    /// Replaces the stage's actions by `actionIDs`, keeping those in `kept` (actions the writer cannot see).
    func link(_ id: UUID, actions actionIDs: [UUID], keeping kept: [UUID]) async throws {
        try await transaction.pipeline([
            "DELETE FROM buying_stage_actions WHERE stage_id = \(id) AND NOT action_id = ANY(\(kept)::uuid[])",
            """
            INSERT INTO buying_stage_actions (tenant_id, stage_id, action_id)
            SELECT app_current_tenant(), \(id), a FROM unnest(\(actionIDs)::uuid[]) AS a
            ON CONFLICT DO NOTHING
            """,
        ])
    }

    /// Replaces the stage's process steps by `stepIDs`, which must all be steps of the account's map.
    func link(_ id: UUID, steps stepIDs: [UUID], in accountID: UUID) async throws -> Bool {
        let found = try await transaction.query(
            "SELECT count(*) AS n FROM process_steps WHERE account_id = \(accountID) AND id = ANY(\(stepIDs)::uuid[])")
        guard try found[0].decode(Int.self, column: "n") == stepIDs.count else { return false }
        try await transaction.pipeline([
            "DELETE FROM buying_stage_steps WHERE stage_id = \(id)",
            """
            INSERT INTO buying_stage_steps (tenant_id, stage_id, step_id)
            SELECT app_current_tenant(), \(id), p FROM unnest(\(stepIDs)::uuid[]) AS p
            """,
        ])
        return true
    }

    /// The ids of the stage's actions that are not shared.
    func internalActions(of id: UUID) async throws -> [UUID] {
        try await transaction.query(
            """
            SELECT l.action_id FROM buying_stage_actions l JOIN actions a ON a.id = l.action_id
            WHERE l.stage_id = \(id) AND NOT a.shared
            """
        ).map { try $0.decode(UUID.self, column: "action_id") }
    }

    func delete(_ id: UUID) async throws {
        try await transaction.query("DELETE FROM buying_stages WHERE id = \(id)")
    }

    /// The stage, locked until the transaction ends.
    func lock(_ id: UUID, in accountID: UUID) async throws -> BuyingStage? {
        let condition: PostgresQuery = "s.id = \(id) AND s.account_id = \(accountID)"
        return try await transaction.read("\(select) WHERE \(condition)", lockingFirst: "SELECT FROM buying_stages s WHERE \(condition) FOR UPDATE")
            .first.map(Self.stage)
    }

    /// The account's current stage other than `id`, locked.
    func lockCurrent(in accountID: UUID, other id: UUID) async throws -> BuyingStage? {
        let condition: PostgresQuery = "s.account_id = \(accountID) AND s.current AND s.id <> \(id)"
        return try await transaction.read("\(select) WHERE \(condition)", lockingFirst: "SELECT FROM buying_stages s WHERE \(condition) FOR UPDATE")
            .first.map(Self.stage)
    }

    /// The account's journey, in position order.
    func journey(of accountID: UUID) async throws -> [BuyingStage] {
        try await transaction.query("\(select) WHERE s.account_id = \(accountID) ORDER BY s.position, s.name, s.id").map(Self.stage)
    }

    /// Which of `ids` are actions of the account: all of them, and whether each is shared.
    func actions(_ ids: [UUID], in accountID: UUID) async throws -> [UUID: Bool] {
        Dictionary(
            uniqueKeysWithValues: try await transaction.query(
                "SELECT id, shared FROM actions WHERE account_id = \(accountID) AND id = ANY(\(ids)::uuid[])"
            ).map { (try $0.decode(UUID.self, column: "id"), try $0.decode(Bool.self, column: "shared")) })
    }

    func reread(_ id: UUID) async throws -> BuyingStage {
        guard let row = try await transaction.query("\(select) WHERE s.id = \(id)").first else {
            throw PostgresError(kind: .decoding, message: "the buying stage \(id) vanished while it was written")
        }
        return try Self.stage(row)
    }

    private struct ActionRow: Decodable {
        var id: UUID
        var title: String
        var status: ActionStatus
    }

    private struct StepRow: Decodable {
        var id: UUID
        var activity: String
        var side: ProcessSide
    }

    static func stage(_ row: PostgresRow) throws -> BuyingStage {
        let actions = try JSONDecoder().decode([ActionRow].self, from: Data(try row.decode(String.self, column: "actions").utf8))
        let steps = try JSONDecoder().decode([StepRow].self, from: Data(try row.decode(String.self, column: "steps").utf8))
        return BuyingStage(
            id: try row.decode(UUID.self, column: "id"), accountID: try row.decode(UUID.self, column: "account_id"),
            position: try row.decode(Int.self, column: "position"), name: try row.decode(String.self, column: "name"),
            customerPeople: try row.decode(String.self, column: "customer_people"), criteria: try row.decode(String.self, column: "criteria"),
            current: try row.decode(Bool.self, column: "current"),
            actions: actions.map { ActionSummary(id: $0.id, title: $0.title, status: $0.status) },
            version: try row.decode(Int.self, column: "version"), updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
            updatedAt: try row.decode(Date.self, column: "updated_at"),
            processSteps: steps.map { ProcessStepSummary(id: $0.id, activity: $0.activity, side: $0.side) })
    }
}
