import Foundation
import KeyplanAPI

/// The relationship map's changes as the workspace journal records them: always `internal`
/// (the map is seller-internal, so a customer's history never shows them). A relationship is
/// journaled under its contact's id, so a contact's history tells who came to know them and how well.
struct MapJournal {
    let journal: WorkspaceJournal
    let actor: Principal

    func contact(_ operation: WorkspaceChange.Operation, before: Contact?, after: Contact?, summary: String? = nil) async throws {
        guard let contact = after ?? before else { return }
        let verb =
            switch operation {
            case .created: "added"
            case .updated: "updated"
            case .deleted: "removed"
            }
        try await record(
            operation, entity: .contact, of: contact.id, in: contact.accountID, version: after?.version,
            summary: summary ?? "Contact “\(contact.fullName)” \(verb)",
            fields: FieldChange.diff(before: before, after: after, except: ["externalID"]))
    }

    func relationship(_ operation: WorkspaceChange.Operation, before: Relationship?, after: Relationship?, contactName: String) async throws {
        guard let relationship = after ?? before else { return }
        let what =
            switch (before?.strength, after?.strength) {
            case (nil, let new?): "recorded (\(new.rawValue))"
            case (let old?, let new?) where old != new: "updated (\(old.rawValue) → \(new.rawValue))"
            case (_, _?): "updated"
            case (_, nil): "removed"
            }
        try await record(
            operation, entity: .relationship, of: relationship.contactID, in: relationship.accountID, version: after?.version,
            summary: "Relationship of \(relationship.userName) with “\(contactName)” \(what)",
            fields: FieldChange.diff(before: before, after: after, except: ["contactID"]))
    }

    private func record(
        _ operation: WorkspaceChange.Operation, entity: WorkspaceEntity, of id: UUID, in accountID: UUID, version: Int?, summary: String,
        fields: [FieldChange]
    ) async throws {
        try await journal.record(
            JournalEntry(
                accountID: accountID, entity: entity, entityID: id, operation: operation, version: version, visibility: .internal,
                summary: summary, fields: fields),
            by: actor)
    }
}
