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
    /// Fields its journal rows leave out, beside ``PlanJournal/unjournaledFields``.
    static var unjournaledFields: Set<String> { get }
}

extension PlanRecord {
    static var unjournaledFields: Set<String> { [] }
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
        try await journal.record(
            JournalEntry(
                accountID: record.accountID, entity: Record.entity, entityID: record.id, operation: operation, version: after?.version,
                visibility: visibility, summary: summary ?? "\(record.journalName) \(operation.rawValue)",
                fields: FieldChange.diff(before: before, after: after, except: Self.unjournaledFields.union(Record.unjournaledFields))),
            by: actor)
    }

    /// Journals that `record` is gone for the readers of `visibility`, without its fields.
    func recordRemoval<Record: PlanRecord>(of record: Record, visibility: Visibility, summary: String) async throws {
        try await recordSummary(of: record, operation: .deleted, version: nil, visibility: visibility, summary: summary)
    }

    /// Journals a change of `record` as its summary alone, for the readers of `visibility` (a part of it
    /// only some may read changed, such as a review's agenda item about an internal action).
    func recordSummary<Record: PlanRecord>(
        of record: Record, operation: WorkspaceChange.Operation = .updated, version: Int?, visibility: Visibility, summary: String
    ) async throws {
        try await journal.record(
            JournalEntry(
                accountID: record.accountID, entity: Record.entity, entityID: record.id, operation: operation, version: version,
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
    /// Agenda items and follow-ups may concern internal actions while the review's rows are shared:
    /// they are journaled on their own (``PlanJournal/recordSummary(of:operation:version:visibility:summary:)``).
    static var unjournaledFields: Set<String> { ["agenda", "followUps"] }
}

extension BuyingStage: PlanRecord {
    static var entity: WorkspaceEntity { .buyingStage }
    var journalName: String { "Buying stage “\(name)”" }
    /// A stage's actions may be internal while its journal rows are shared: they are left out.
    static var unjournaledFields: Set<String> { ["actions"] }
}
