import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// A versioned record of the action plan area (an action, a process step, a review): what the
/// versioned-update rule and the journal need to know of it.
protocol PlanRecord: VersionedRecord, Sendable {
    static var entity: WorkspaceEntity { get }
    var id: UUID { get }
    var accountID: UUID { get }
    /// How the journal's one-line summary names it: `Action “Run the pilot”`.
    var journalName: String { get }
}

/// Journals the action plan area's changes, by one actor, in the transaction of the change.
struct PlanJournal {
    let journal: WorkspaceJournal
    let actor: Principal

    init(transaction: TenantTransaction, actor: Principal) {
        self.journal = WorkspaceJournal(transaction: transaction)
        self.actor = actor
    }

    /// Derived fields, beside the journal's own bookkeeping (`FieldChange.bookkeeping`).
    static let unjournaledFields: Set<String> = ["overdue"]

    /// Journals the change from `before` to `after` (`nil` before: created; `nil` after: deleted),
    /// summed up as `summary` (default: `Action “…” updated`).
    func record<Record: PlanRecord>(before: Record?, after: Record?, visibility: Visibility, summary: String? = nil) async throws {
        guard let record = after ?? before else { return }
        let operation: WorkspaceChange.Operation = before == nil ? .created : after == nil ? .deleted : .updated
        try await journal.record(JournalEntry(
            accountID: record.accountID, entity: Record.entity, entityID: record.id, operation: operation, version: after?.version,
            visibility: visibility, summary: summary ?? "\(record.journalName) \(operation.rawValue)",
            fields: FieldChange.diff(before: before, after: after, except: Self.unjournaledFields)), by: actor)
    }

    /// Journals that `record` is gone for the readers of `visibility`, without its fields.
    func recordRemoval<Record: PlanRecord>(of record: Record, visibility: Visibility, summary: String) async throws {
        try await journal.record(JournalEntry(
            accountID: record.accountID, entity: Record.entity, entityID: record.id, operation: .deleted, version: nil,
            visibility: visibility, summary: summary, fields: []), by: actor)
    }
}

extension PlanAction: PlanRecord {
    static var entity: WorkspaceEntity { .action }
    var journalName: String { "Action “\(title)”" }
}

extension ProcessStep: PlanRecord {
    static var entity: WorkspaceEntity { .processStep }
    var journalName: String { "Process step “\(activity)”" }
}

extension RoadmapReview: PlanRecord {
    static var entity: WorkspaceEntity { .review }
    var journalName: String { "Roadmap review of \(heldOn)" }
}
