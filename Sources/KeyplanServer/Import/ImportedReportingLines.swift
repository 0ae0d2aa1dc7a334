import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The reports-to column of a contacts import: an org chart out of the CRM. Applied after every
/// row of the file is in, so that a contact may name a manager further down the file; each line
/// in a savepoint of its own, under the account's reporting-lines lock, with the relationship
/// map's rules (a contact of the same account, no cycle). A line that cannot be set is reported
/// with its row's line and column; the contact itself stays imported.
struct ImportedReportingLines: Sendable {
    /// One row's reporting line: the imported contact and its manager's external id or email.
    struct Line: Sendable, Hashable {
        var line: Int
        var contactExternalID: String
        var manager: String
    }

    /// The file's reports-to column, for the report.
    let column: String?
    /// Who imports: the contacts' last editor when a line changes.
    let actor: UUID

    /// Sets each line that differs from what is stored (a re-import changes nothing); the lines
    /// refused, in file order.
    func apply(_ lines: [Line], on transaction: TenantTransaction) async throws -> [ImportReport.Rejection] {
        var rejected: [ImportReport.Rejection] = []
        let map = RelationshipMapRepository(transaction: transaction)
        for line in lines {
            try await transaction.query("SAVEPOINT import_reports_to")
            do {
                if let reason = try await set(line, map) {
                    rejected.append(ImportReport.Rejection(line: line.line, column: column, reason: reason))
                }
                try await transaction.query("RELEASE SAVEPOINT import_reports_to")
            } catch let error as PostgresError where [.checkViolation, .foreignKeyViolation].contains(error.kind) {
                try await transaction.query("ROLLBACK TO SAVEPOINT import_reports_to")
                rejected.append(
                    ImportReport.Rejection(line: line.line, column: column, reason: "the manager must be a contact of the same account"))
            }
        }
        return rejected
    }

    /// Sets one line; why not, in words, when it cannot be.
    private func set(_ line: Line, _ map: RelationshipMapRepository) async throws -> String? {
        let transaction = map.transaction
        guard
            let contact = try await transaction.query(
                "SELECT id, account_id, full_name, reports_to FROM contacts WHERE external_id = \(line.contactExternalID)"
            ).first
        else { return "the contact \"\(line.contactExternalID)\" was not imported" }
        let (contactID, accountID) = (try contact.decode(UUID.self, column: "id"), try contact.decode(UUID.self, column: "account_id"))
        let name = try contact.decode(String.self, column: "full_name")
        try await map.lockReportingLines(of: accountID)
        // By external id first (unique); else by email, which several contacts may share.
        let candidates = try await transaction.query(
            """
            SELECT id, full_name, external_id IS NOT DISTINCT FROM \(line.manager) AS by_id FROM contacts
            WHERE account_id = \(accountID) AND (external_id = \(line.manager) OR lower(email) = lower(\(line.manager)))
            ORDER BY by_id DESC, id LIMIT 2
            """)
        guard let manager = candidates.first else {
            return "no contact of this account has the external id or email \"\(line.manager)\""
        }
        guard try manager.decode(Bool.self, column: "by_id") || candidates.count == 1 else {
            return "several contacts of this account have the email \"\(line.manager)\": name the manager by external id"
        }
        let managerID = try manager.decode(UUID.self, column: "id")
        let managerName = try manager.decode(String.self, column: "full_name")
        guard managerID != contactID else { return "\(name) cannot report to themselves" }
        if try await map.managers(above: managerID).contains(contactID) {
            return "\(name) cannot report to \(managerName), who already reports (directly or not) to \(name): "
                + "reports-to lines must not form a cycle"
        }
        try await transaction.query(
            """
            UPDATE contacts SET reports_to = \(managerID), version = version + 1, updated_at = now(), updated_by = \(actor)
            WHERE id = \(contactID) AND reports_to IS DISTINCT FROM \(managerID)
            """)
        return nil
    }
}
