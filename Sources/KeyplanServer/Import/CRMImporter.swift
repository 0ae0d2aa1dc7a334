import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// Imports rows of one file: checks each row's values, then upserts it by its external id in a
/// savepoint of its own, so a row goes in whole or not at all and a bad row never stops the good
/// ones. Re-importing a row updates what it inserted; an empty cell leaves a stored value as it is.
struct CRMImporter: Sendable {
    enum Outcome: Sendable, Hashable {
        case inserted, updated
        case rejected(ImportReport.Rejection)

        var isImported: Bool { if case .rejected = self { false } else { true } }
    }

    /// A row whose value is wrong; `field` names the column for the report.
    struct RowError: Error {
        var field: ImportField?
        var reason: String
    }

    let tenantID: UUID
    let columns: ImportColumns
    /// Whether a row may change the owner and team of an account that already exists: only an
    /// admin's import may, so a leader cannot make anyone (themselves included) owner of an account.
    let mayReassignOwners: Bool

    /// Imports one row within the caller's transaction.
    func importRow(_ row: ImportChunk.Row, on transaction: TenantTransaction) async throws -> Outcome {
        do {
            guard row.fields.count <= columns.header.count else {
                throw RowError(reason: "the row has \(row.fields.count) fields, the header \(columns.header.count)")
            }
            try await transaction.query("SAVEPOINT import_row")
            do {
                let inserted = try await upsert(row.fields, on: transaction)
                try await transaction.query("RELEASE SAVEPOINT import_row")
                return inserted ? .inserted : .updated
            } catch {
                try await transaction.query("ROLLBACK TO SAVEPOINT import_row")
                throw error
            }
        } catch let error as RowError {
            return .rejected(ImportReport.Rejection(line: row.line, column: error.field.flatMap(columns.columnName), reason: error.reason))
        } catch let error as PostgresError where [.uniqueViolation, .checkViolation, .foreignKeyViolation].contains(error.kind) {
            let reason =
                error.constraint == "accounts_name_unique"
                ? "another account already has this name"
                : error.kind == .checkViolation ? "a value is out of range" : "it conflicts with another record"
            return .rejected(ImportReport.Rejection(line: row.line, column: nil, reason: reason))
        }
    }

    /// The reporting line an imported contact row names, to be set once the whole file is in
    /// (``ImportedReportingLines``); `nil` for other kinds or an empty cell.
    func reportingLine(of row: ImportChunk.Row) -> ImportedReportingLines.Line? {
        guard columns.kind == .contacts, let contact = columns.value(.externalID, in: row.fields)?.text,
            let manager = columns.value(.reportsTo, in: row.fields)?.text
        else { return nil }
        return ImportedReportingLines.Line(line: row.line, contactExternalID: contact, manager: manager)
    }

    /// Inserts or updates the row; whether it was inserted.
    private func upsert(_ fields: [String], on transaction: TenantTransaction) async throws -> Bool {
        func text(_ field: ImportField, max: Int = 200) throws -> String? {
            guard let value = columns.value(field, in: fields)?.text else { return nil }
            guard value.count <= max else { throw RowError(field: field, reason: "longer than \(max) characters") }
            return value
        }
        func required(_ field: ImportField, max: Int = 200) throws -> String {
            guard let value = try text(field, max: max) else { throw RowError(field: field, reason: "required, but empty") }
            return value
        }
        func amount(_ field: ImportField) throws -> Decimal? {
            guard let value = try text(field, max: 40) else { return nil }
            guard let amount = ImportValue.amount(value) else {
                throw RowError(field: field, reason: "\"\(value)\" is not an amount (digits, at most two decimals, a dot as separator)")
            }
            return amount
        }
        func currency() throws -> String? {
            guard let value = try text(.currency, max: 10) else { return nil }
            do { return try Validate.currency(value) } catch {
                throw RowError(field: .currency, reason: "\"\(value)\" is not an ISO 4217 currency code")
            }
        }
        let externalID = try required(.externalID, max: 100)

        switch columns.kind {
        case .accounts:
            let name = try required(.name)
            let (industry, region) = (try text(.industry, max: 100), try text(.region, max: 100))
            let (revenue, potential, currency) = (try amount(.annualRevenue), try amount(.potentialRevenue), try currency())
            var ownerID: UUID?
            if let email = try text(.ownerEmail, max: 320) {
                ownerID = try await transaction.query(
                    """
                    SELECT id FROM users WHERE email = \(email.lowercased()) AND kind = 'seller' AND disabled_at IS NULL
                    """
                ).first?.decode(UUID.self, column: "id")
                if ownerID == nil { throw RowError(field: .ownerEmail, reason: "no active seller has this email") }
            }
            let row = try await transaction.query(
                """
                INSERT INTO accounts (tenant_id, id, name, industry, region, currency, annual_revenue, potential_revenue, external_id, owner_id)
                VALUES (\(tenantID), \(UUID()), \(name), coalesce(\(industry), ''), coalesce(\(region), ''), coalesce(\(currency), 'USD'),
                        \(revenue), \(potential), \(externalID), \(ownerID))
                ON CONFLICT (tenant_id, external_id) DO UPDATE SET name = excluded.name,
                    industry = coalesce(\(industry), accounts.industry), region = coalesce(\(region), accounts.region),
                    currency = coalesce(\(currency), accounts.currency),
                    annual_revenue = coalesce(excluded.annual_revenue, accounts.annual_revenue),
                    potential_revenue = coalesce(excluded.potential_revenue, accounts.potential_revenue),
                    owner_id = CASE WHEN \(mayReassignOwners) THEN coalesce(excluded.owner_id, accounts.owner_id) ELSE accounts.owner_id END
                RETURNING id, (xmax = 0) AS inserted
                """)[0]
            let inserted = try row.decode(Bool.self, column: "inserted")
            if let ownerID, inserted || mayReassignOwners {
                try await AccountRepository(transaction: transaction).setTeamMember(
                    tenantID: tenantID, accountID: try row.decode(UUID.self, column: "id"), userID: ownerID, role: .owner)
            }
            return inserted

        case .contacts:
            let account = try required(.accountExternalID, max: 100)
            let lastName = try required(.lastName, max: 100)
            let fullName = [try text(.firstName, max: 100), lastName].compactMap { $0 }.joined(separator: " ")
            let (title, email) = (try text(.title), try text(.email, max: 320))
            let rows = try await transaction.query(
                """
                INSERT INTO contacts (tenant_id, id, account_id, full_name, email, title, external_id)
                SELECT \(tenantID), \(UUID()), a.id, \(fullName), \(email), coalesce(\(title), ''), \(externalID)
                FROM accounts a WHERE a.external_id = \(account)
                ON CONFLICT (tenant_id, external_id) DO UPDATE SET account_id = excluded.account_id, full_name = excluded.full_name,
                    email = coalesce(excluded.email, contacts.email), title = coalesce(\(title), contacts.title)
                RETURNING (xmax = 0) AS inserted
                """)
            guard let row = rows.first else { throw RowError(field: .accountExternalID, reason: "no account has the external id \"\(account)\"") }
            return try row.decode(Bool.self, column: "inserted")

        case .opportunities:
            let account = try required(.accountExternalID, max: 100)
            let name = try required(.name)
            let (amount, currency, stage) = (try amount(.amount), try currency(), try text(.stage, max: 100))
            var closeDate: String?
            if let value = try text(.closeDate, max: 20) {
                guard let date = ImportValue.date(value) else {
                    throw RowError(field: .closeDate, reason: "\"\(value)\" is not a date (YYYY-MM-DD or M/D/YYYY)")
                }
                closeDate = date
            }
            var won: Bool?
            if let value = try text(.won, max: 10) {
                guard let flag = ImportValue.flag(value) else { throw RowError(field: .won, reason: "\"\(value)\" is not true or false") }
                won = flag
            }
            let rows = try await transaction.query(
                """
                INSERT INTO opportunities (tenant_id, id, account_id, external_id, name, amount, currency, stage, close_date, won)
                SELECT \(tenantID), \(UUID()), a.id, \(externalID), \(name), \(amount), coalesce(\(currency), a.currency),
                       coalesce(\(stage), ''), \(closeDate)::date, \(won)
                FROM accounts a WHERE a.external_id = \(account)
                ON CONFLICT (tenant_id, external_id) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
                    amount = coalesce(excluded.amount, opportunities.amount), currency = coalesce(\(currency), opportunities.currency),
                    stage = coalesce(\(stage), opportunities.stage), close_date = coalesce(excluded.close_date, opportunities.close_date),
                    won = coalesce(excluded.won, opportunities.won)
                RETURNING (xmax = 0) AS inserted
                """)
            guard let row = rows.first else { throw RowError(field: .accountExternalID, reason: "no account has the external id \"\(account)\"") }
            return try row.decode(Bool.self, column: "inserted")
        }
    }
}

/// Strict readings of CSV cells.
enum ImportValue {
    /// At most 16 digits (no sign: amounts are never negative) and at most two decimals after a dot.
    static func amount(_ text: String) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 16,
            whole.allSatisfy(\.isASCIIDigit), parts.count == 1 || (1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isASCIIDigit)
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// `YYYY-MM-DD` or `M/D/YYYY` (Salesforce's US exports), as `YYYY-MM-DD`; `nil` unless a real date.
    static func date(_ text: String) -> String? {
        let iso = text.split(separator: "-", omittingEmptySubsequences: false)
        let us = text.split(separator: "/", omittingEmptySubsequences: false)
        let parts: (year: Substring, month: Substring, day: Substring)
        if iso.count == 3, iso[0].count == 4 {
            parts = (iso[0], iso[1], iso[2])
        } else if us.count == 3, us[2].count == 4 {
            parts = (us[2], us[0], us[1])
        } else {
            return nil
        }
        guard [parts.year, parts.month, parts.day].allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }),
            let year = Int(parts.year), let month = Int(parts.month), let day = Int(parts.day), (1...12).contains(month), year >= 1
        else { return nil }
        let days = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes": true
        case "false", "0", "no": false
        default: nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
