import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.RelationshipMap`: contacts, relationships and coverage of one account. The policy
/// admits sellers in scope to read and the account's team (and admins) to write; every write
/// runs in one transaction with its internal journal rows.
struct AccountRelationshipMapService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(RelationshipMapService.addContact) { request, call in
            let caller = call.principal
            let contact = try MapValidation.contact(request)
            return try await inMap(call) { map, journal in
                if let manager = contact.reportsTo { try await map.requireManager(manager, for: contact) }
                let added = try await map.repository.insert(tenantID: caller.tenantID, contact, by: caller.userID)
                try await journal.contact(.created, before: nil, after: added)
                return added
            }
        }
        routes.account(RelationshipMapService.updateContact) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let movesManager = request.reportsTo != nil || request.clear.contains(.reportsTo)
            return try await inMap(call) { map, journal in
                // Lock the reports-to lines before the row, in the same order as every other writer.
                if movesManager { try await map.repository.lockReportingLines(of: request.accountID) }
                let current = try await map.lockedContact(request.contactID, of: request.accountID, expectedVersion: request.expectedVersion)
                let updated = try MapValidation.applying(request, to: current)
                guard updated != current else { return current }
                if let manager = updated.reportsTo, manager != current.reportsTo { try await map.requireManager(manager, for: updated) }
                let saved = try await map.repository.update(updated, by: call.principal.userID)
                try await journal.contact(.updated, before: current, after: saved)
                return saved
            }
        }
        routes.account(RelationshipMapService.removeContact) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            return try await inMap(call) { map, journal in
                try await map.repository.lockReportingLines(of: request.accountID)
                let current = try await map.lockedContact(request.contactID, of: request.accountID, expectedVersion: request.expectedVersion)
                for report in try await map.repository.detachReports(of: current.id, by: call.principal.userID) {
                    var before = report
                    (before.reportsTo, before.version) = (current.id, report.version - 1)
                    try await journal.contact(
                        .updated, before: before, after: report,
                        summary: "Contact “\(report.fullName)” no longer reports to “\(current.fullName)” (removed)")
                }
                for relationship in try await map.repository.relationships(with: current.id) {
                    try await journal.relationship(.deleted, before: relationship, after: nil, contactName: current.fullName)
                }
                try await map.repository.delete(current.id)
                try await journal.contact(.deleted, before: current, after: nil)
                return Empty()
            }
        }
        // Contacts and relationships read in one snapshot, so they agree.
        routes.account(RelationshipMapService.map, shape: .single(.repeatableRead)) { request, call in
            try await relationshipMap(of: request.accountID, in: call)
        }
        routes.account(RelationshipMapService.coverageGaps, shape: .single(.repeatableRead)) { request, call in
            CoverageReport(map: try await relationshipMap(of: request.accountID, in: call))
        }
        routes.account(RelationshipMapService.setRelationship) { request, call in
            let caller = call.principal
            let note = try request.note.map(MapValidation.note)
            try Validate.expectedVersion(request.expectedVersion)
            return try await inMap(call) { map, journal in
                let contact = try await map.contact(request.contactID, of: request.accountID)
                let member = try await map.teamMember(request.userID, of: request.accountID, transaction: call.transaction)
                let existing = try await map.repository.relationship(of: member.userID, with: contact.id, in: request.accountID)
                switch (existing, request.expectedVersion) {
                case (nil, nil):
                    guard let strength = request.strength else {
                        throw RPCError(code: .invalidArgument, message: "a new relationship needs its strength (weak, moderate or strong)")
                    }
                    let wanted = Relationship(
                        accountID: request.accountID, contactID: contact.id, userID: member.userID, userName: member.displayName,
                        strength: strength, note: note ?? "")
                    if let added = try await map.repository.insert(tenantID: caller.tenantID, wanted, by: caller.userID) {
                        try await journal.relationship(.created, before: nil, after: added, contactName: contact.fullName)
                        return added
                    }
                    // Recorded by someone else meanwhile: theirs is the current record.
                    guard let theirs = try await map.repository.relationship(of: member.userID, with: contact.id, in: request.accountID) else {
                        throw RPCError(code: .aborted, message: "the relationship changed meanwhile; retry")
                    }
                    throw try Self.exists(theirs, contact: contact)
                case (nil, _?):
                    throw RPCError(
                        code: .notFound, message: "\(member.displayName) has no relationship with \(contact.fullName) (removed meanwhile?)")
                case (let current?, nil):
                    throw try Self.exists(current, contact: contact)
                case (let current?, let expected?):
                    guard current.version == expected else { throw try current.staleError(expected: expected) }
                    var changed = current
                    (changed.strength, changed.note) = (request.strength ?? current.strength, note ?? current.note)
                    guard changed != current else { return current }
                    let saved = try await map.repository.update(changed, by: caller.userID)
                    try await journal.relationship(.updated, before: current, after: saved, contactName: contact.fullName)
                    return saved
                }
            }
        }
        routes.account(RelationshipMapService.removeRelationship) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            return try await inMap(call) { map, journal in
                let contact = try await map.contact(request.contactID, of: request.accountID)
                let current = try await map.repository.relationship(of: request.userID, with: contact.id, in: request.accountID)
                    .unchanged(since: request.expectedVersion, missing: "no relationship of user \(request.userID) with \(contact.fullName)")
                try await map.repository.delete(current)
                try await journal.relationship(.deleted, before: current, after: nil, contactName: contact.fullName)
                return Empty()
            }
        }
    }

    /// Runs `body` with the map's repository and journal over the call's transaction.
    private func inMap<Result: Sendable>(_ call: AccountCall, _ body: (MapTransaction, MapJournal) async throws -> Result) async throws -> Result {
        try await body(
            MapTransaction(repository: RelationshipMapRepository(transaction: call.transaction)),
            MapJournal(journal: WorkspaceJournal(transaction: call.transaction), actor: call.principal))
    }

    /// The whole map (the call's transaction is one snapshot: see the routes).
    private func relationshipMap(of accountID: UUID, in call: AccountCall) async throws -> RelationshipMap {
        let repository = RelationshipMapRepository(transaction: call.transaction)
        return RelationshipMap(
            accountID: accountID, contacts: try await repository.contacts(of: accountID),
            relationships: try await repository.relationships(of: accountID))
    }

    /// ABORTED with the relationship that already exists: an update names the version it read.
    private static func exists(_ relationship: Relationship, contact: Contact) throws -> RPCError {
        try CurrentRecord.aborted(
            relationship, version: relationship.version,
            message: "\(relationship.userName) already has a relationship with \(contact.fullName) (version \(relationship.version)); "
                + "name that version to update it")
    }
}

/// The lookups every map write starts with, answering the statuses the caller can act on.
struct MapTransaction {
    let repository: RelationshipMapRepository

    /// A contact of the account, or NOT_FOUND.
    func contact(_ id: UUID, of accountID: UUID) async throws -> Contact {
        guard let contact = try await repository.contact(id, of: accountID) else {
            throw RPCError(code: .notFound, message: "no contact \(id) on this account")
        }
        return contact
    }

    /// A contact of the account locked for a change at `expectedVersion` (any version when `nil`):
    /// NOT_FOUND when missing, ABORTED with the current contact when it moved on.
    func lockedContact(_ id: UUID, of accountID: UUID, expectedVersion: Int?) async throws -> Contact {
        try await repository.contact(id, of: accountID, locking: true).unchanged(since: expectedVersion, missing: "no contact \(id) on this account")
    }

    /// Checks that `managerID` may be `contact`'s manager: a contact of the same account, and not
    /// one of `contact`'s own reports, direct or not (the lines would form a cycle).
    func requireManager(_ managerID: UUID, for contact: Contact) async throws {
        guard let manager = try await repository.contact(managerID, of: contact.accountID) else {
            throw RPCError(code: .failedPrecondition, message: "reports-to: \(managerID) is not a contact of this account")
        }
        if try await repository.managers(above: manager.id).contains(contact.id) {
            throw RPCError(
                code: .failedPrecondition,
                message: "\(contact.fullName) cannot report to \(manager.fullName), who already reports (directly or not) to \(contact.fullName): "
                    + "reports-to lines must not form a cycle")
        }
    }

    /// One of our team members: a seller taking part in the account, or INVALID_ARGUMENT.
    func teamMember(_ userID: UUID, of accountID: UUID, transaction: TenantTransaction) async throws -> WorkspaceChange.Actor {
        let person = try await AccountParticipants(transaction: transaction, accountID: accountID).person(userID, as: "the team member")
        guard person.kind == .seller else {
            throw RPCError(
                code: .invalidArgument, message: "\(person.displayName) is one of the customer's people: a relationship is one of our team's")
        }
        return person
    }
}
