import Foundation
import KeyplanAPI
import KeyplanPostgres

/// A change about to be journaled; the journal adds its id and time.
struct JournalEntry: Sendable {
    var accountID: UUID
    var entity: WorkspaceEntity
    var entityID: UUID
    var operation: WorkspaceChange.Operation
    var version: Int?
    var visibility: Visibility
    var summary: String
    var fields: [FieldChange]
}

/// The workspace journal of the transaction's tenant (`workspace_changes`).
///
/// Every service that changes a workspace record calls ``record(_:by:)`` in the same transaction
/// as the change: the change and its journal row commit together, and the row's insert trigger
/// notifies every server process (live updates), so a change can never be seen without its
/// history or vice versa.
struct WorkspaceJournal {
    let transaction: TenantTransaction

    /// Appends `entry` by `actor`; returns the change's id.
    @discardableResult
    func record(_ entry: JournalEntry, by actor: Principal) async throws -> Int64 {
        let rows = try await transaction.query(try Self.insert(entry, by: actor))
        return try rows[0].decode(Int64.self, column: "id")
    }

    /// Appends `entry` by `actor` with the transaction's COMMIT (no round trip of its own), for
    /// a change whose journal row is the last thing it writes.
    func recordAtCommit(_ entry: JournalEntry, by actor: Principal) throws {
        transaction.addClosing([try Self.insert(entry, by: actor)])
    }

    private static func insert(_ entry: JournalEntry, by actor: Principal) throws -> PostgresQuery {
        let fields = String(decoding: try JSONEncoder().encode(entry.fields), as: UTF8.self)
        let summary = entry.summary.clipped(to: 500)
        return """
            INSERT INTO workspace_changes (tenant_id, account_id, actor_id, actor_kind, entity, entity_id, operation, version, visibility, summary, fields)
            VALUES (\(actor.tenantID), \(entry.accountID), \(actor.userID), \(actor.userKind.rawValue), \(entry.entity.rawValue),
                    \(entry.entityID), \(entry.operation.rawValue), \(entry.version), \(entry.visibility.rawValue), \(summary), \(fields)::jsonb)
            RETURNING id
            """
    }

    /// The changes of one record, oldest first; a customer's list holds only shared ones.
    func history(of entityID: UUID, in accountID: UUID, for principal: Principal, limit: Int) async throws -> [WorkspaceChange] {
        try await changes(of: accountID, where: "c.entity_id = \(entityID)", for: principal, order: .oldestFirst, limit: limit)
    }

    /// The changes of an account after the change `after` (all when `nil`), oldest first; a
    /// customer's list holds only shared ones.
    func changes(in accountID: UUID, after: Int64?, for principal: Principal, limit: Int) async throws -> [WorkspaceChange] {
        try await changes(
            of: accountID, where: "(\(after)::bigint IS NULL OR c.id > \(after))", for: principal, order: .oldestFirst, limit: limit)
    }

    /// The change `id` of an account, if `principal` may see it.
    func change(_ id: Int64, in accountID: UUID, for principal: Principal) async throws -> WorkspaceChange? {
        try await changes(of: accountID, where: "c.id = \(id)", for: principal, order: .oldestFirst, limit: 1).first
    }

    enum Order { case oldestFirst, newestFirst }

    /// Journal rows of an account matching `condition`, joined with their actors, with internal rows removed
    /// for customers here in SQL: the server never even reads them for a customer. A customer's rows show
    /// sellers' addresses only for the team (``WorkspaceChange/Actor/columns(of:as:)``): the setting that rule reads
    /// is made here too, as a watcher reads without an account check of its own.
    func changes(
        of accountID: UUID, where condition: PostgresQuery, for principal: Principal, order: Order, limit: Int
    ) async throws -> [WorkspaceChange] {
        let customer = principal.kind == .customer
        let direction: PostgresQuery = order == .oldestFirst ? "ASC" : "DESC"
        let read: PostgresQuery = """
            SELECT c.id, c.account_id, c.at, \(WorkspaceChange.Actor.columns(of: "u", as: "actor")), c.entity, c.entity_id, c.operation,
                   c.version, c.visibility, c.summary, c.fields::text AS fields
            FROM workspace_changes c JOIN users u ON u.id = c.actor_id
            WHERE c.account_id = \(accountID) AND \(condition) AND (NOT \(customer) OR c.visibility = 'shared')
            ORDER BY c.id \(direction) LIMIT \(limit)
            """
        guard customer else { return try await transaction.query(read).map(Self.change) }
        let customerView: PostgresQuery = "SELECT set_config('app.customer_account', \(accountID.uuidString.lowercased()), true)"
        return try await transaction.pipeline([customerView, read])[1].map(Self.change)
    }

    static func change(_ row: PostgresRow) throws -> WorkspaceChange {
        func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws -> Value {
            let text = try row.decode(String.self, column: column)
            guard let value = Value(rawValue: text) else { throw PostgresError(kind: .decoding, message: "unexpected \(column) \(text)") }
            return value
        }
        return WorkspaceChange(
            id: try row.decode(Int64.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            at: try row.decode(Date.self, column: "at"),
            actor: try WorkspaceChange.Actor(row, prefix: "actor"),
            entity: try enumeration(WorkspaceEntity.self, "entity"),
            entityID: try row.decode(UUID.self, column: "entity_id"),
            operation: try enumeration(WorkspaceChange.Operation.self, "operation"),
            version: try row.decode(Int?.self, column: "version"),
            visibility: try enumeration(Visibility.self, "visibility"),
            summary: try row.decode(String.self, column: "summary"),
            fields: try JSONDecoder().decode([FieldChange].self, from: Data(try row.decode(String.self, column: "fields").utf8)))
    }
}

extension Principal {
    /// Seller or customer, as the journal records it.
    var userKind: UserKind { kind == .customer ? .customer : .seller }
}
