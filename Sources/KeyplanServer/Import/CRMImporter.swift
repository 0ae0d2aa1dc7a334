import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// Imports rows of one file, a chunk at a time: checks each row's values in Swift, then upserts
/// the chunk's good rows by their external ids as one set-based statement (the rows travel as one
/// JSON document), so a chunk of a thousand rows costs a round trip, not three thousand. When the
/// database refuses that statement (two rows naming one account name, say), the chunk is imported
/// again row by row, each in a savepoint of its own, so a bad row never stops the good ones and is
/// reported with its line. Re-importing a row updates what it inserted; an empty cell leaves a
/// stored value as it is.
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

    /// A row whose values passed the checks, as the batch statement reads them.
    struct CheckedRow: Sendable {
        var externalID: String
        /// The statement's input fields by name (``JSONRows``), text or null.
        var values: KeyValuePairs<String, String?>
        /// Why the row is refused when the statement does not return it: the account or owner it
        /// names does not exist.
        var unresolved: RowError
    }

    let tenantID: UUID
    let columns: ImportColumns
    /// Whether a row may change the owner and team of an account that already exists: only an
    /// admin's import may, so a leader cannot make anyone (themselves included) owner of an account.
    let mayReassignOwners: Bool

    /// A chunk's rows, checked: the outcomes known already (rejections) and the rows to write.
    struct CheckedChunk: Sendable {
        var rows: [ImportChunk.Row]
        var outcomes: [Outcome?]
        var checked: [(index: Int, row: CheckedRow)]
    }

    /// Checks one chunk's rows (no database work, so it can overlap the previous chunk's write).
    func check(_ rows: [ImportChunk.Row]) -> CheckedChunk {
        var chunk = CheckedChunk(rows: rows, outcomes: Array(repeating: nil, count: rows.count), checked: [])
        for (index, row) in rows.enumerated() {
            do {
                chunk.checked.append((index, try check(row)))
            } catch let error as RowError {
                chunk.outcomes[index] = rejection(error, of: row)
            } catch {
                chunk.outcomes[index] = rejection(RowError(reason: "\(error)"), of: row)
            }
        }
        return chunk
    }

    /// Writes a checked chunk in its own transaction; each row's outcome, in order.
    func write(_ chunk: CheckedChunk, into database: PostgresClient) async throws -> [Outcome] {
        let (rows, checked) = (chunk.rows, chunk.checked)
        var outcomes = chunk.outcomes
        do {
            let written = try await database.inTenant(tenantID) { transaction in
                var written: [(Int, Outcome)] = []
                for batch in Self.batches(checked) {
                    let stored = try await upsert(batch.map { $0.row }, on: transaction)
                    for (index, row) in batch { written.append((index, stored[row.externalID] ?? rejection(row.unresolved, of: rows[index]))) }
                }
                return written
            }
            for (index, outcome) in written { outcomes[index] = outcome }
        } catch let error as PostgresError where Self.rowLevel(error) {
            try await database.inTenant(tenantID) { transaction in
                for (index, row) in checked { outcomes[index] = try await importAlone(row, line: rows[index], on: transaction) }
            }
        }
        return outcomes.map { $0! }
    }

    /// The reporting line an imported contact row names, to be set once the whole file is in
    /// (``ImportedReportingLines``); `nil` for other kinds or an empty cell.
    func reportingLine(of row: ImportChunk.Row) -> ImportedReportingLines.Line? {
        guard columns.kind == .contacts, let contact = columns.value(.externalID, in: row.fields)?.text,
            let manager = columns.value(.reportsTo, in: row.fields)?.text
        else { return nil }
        return ImportedReportingLines.Line(line: row.line, contactExternalID: contact, manager: manager)
    }

    /// Runs of rows with distinct external ids, in file order: a row naming an external id seen
    /// earlier in the chunk starts a new batch, so it updates what the earlier one wrote, as it
    /// would in a file imported row by row.
    static func batches(_ rows: [(index: Int, row: CheckedRow)]) -> [ArraySlice<(index: Int, row: CheckedRow)>] {
        var batches: [ArraySlice<(index: Int, row: CheckedRow)>] = []
        var seen: Set<String> = []
        var start = rows.startIndex
        for position in rows.indices where !seen.insert(rows[position].row.externalID).inserted {
            batches.append(rows[start..<position])
            seen = [rows[position].row.externalID]
            start = position
        }
        if start < rows.endIndex { batches.append(rows[start...]) }
        return batches
    }

    /// A refusal that belongs to one row (a duplicate name, a value out of range), not to the import.
    static func rowLevel(_ error: PostgresError) -> Bool {
        [.uniqueViolation, .checkViolation, .foreignKeyViolation].contains(error.kind)
    }

    private func rejection(_ error: RowError, of row: ImportChunk.Row) -> Outcome {
        .rejected(ImportReport.Rejection(line: row.line, column: error.field.flatMap(columns.columnName), reason: error.reason))
    }

    /// One row in a savepoint of its own, after its chunk's statement was refused.
    private func importAlone(_ row: CheckedRow, line: ImportChunk.Row, on transaction: TenantTransaction) async throws -> Outcome {
        try await transaction.query("SAVEPOINT import_row")
        do {
            let stored = try await upsert([row], on: transaction)
            try await transaction.query("RELEASE SAVEPOINT import_row")
            return stored[row.externalID] ?? rejection(row.unresolved, of: line)
        } catch let error as PostgresError where Self.rowLevel(error) {
            try await transaction.query("ROLLBACK TO SAVEPOINT import_row")
            let reason =
                error.constraint == "accounts_name_unique"
                ? "another account already has this name"
                : error.kind == .checkViolation ? "a value is out of range" : "it conflicts with another record"
            return .rejected(ImportReport.Rejection(line: line.line, column: nil, reason: reason))
        }
    }

    /// Checks a row's values: what the statement will write, or why the row is refused.
    func check(_ row: ImportChunk.Row) throws -> CheckedRow {
        let fields = row.fields
        guard fields.count <= columns.header.count else {
            throw RowError(reason: "the row has \(fields.count) fields, the header \(columns.header.count)")
        }
        func text(_ field: ImportField, max: Int = 200) throws -> String? {
            guard let value = columns.value(field, in: fields)?.text else { return nil }
            guard value.count <= max else { throw RowError(field: field, reason: "longer than \(max) characters") }
            return value
        }
        func required(_ field: ImportField, max: Int = 200) throws -> String {
            guard let value = try text(field, max: max) else { throw RowError(field: field, reason: "required, but empty") }
            return value
        }
        func amount(_ field: ImportField) throws -> String? {
            guard let value = try text(field, max: 40) else { return nil }
            guard ImportValue.amount(value) != nil else {
                throw RowError(field: field, reason: "\"\(value)\" is not an amount (digits, at most two decimals, a dot as separator)")
            }
            return value
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
            let owner = try text(.ownerEmail, max: 320)?.lowercased()
            return CheckedRow(
                externalID: externalID,
                values: [
                    "external_id": externalID, "name": name, "industry": industry, "region": region, "currency": currency,
                    "annual_revenue": revenue, "potential_revenue": potential, "owner_email": owner,
                ],
                unresolved: RowError(field: .ownerEmail, reason: "no active seller has this email"))

        case .contacts:
            let account = try required(.accountExternalID, max: 100)
            let lastName = try required(.lastName, max: 100)
            let fullName = [try text(.firstName, max: 100), lastName].compactMap { $0 }.joined(separator: " ")
            let (title, email) = (try text(.title), try text(.email, max: 320))
            return CheckedRow(
                externalID: externalID,
                values: ["external_id": externalID, "account": account, "full_name": fullName, "email": email, "title": title],
                unresolved: RowError(field: .accountExternalID, reason: "no account has the external id \"\(account)\""))

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
            var won: String?
            if let value = try text(.won, max: 10) {
                guard let flag = ImportValue.flag(value) else { throw RowError(field: .won, reason: "\"\(value)\" is not true or false") }
                won = flag ? "true" : "false"
            }
            return CheckedRow(
                externalID: externalID,
                values: [
                    "external_id": externalID, "account": account, "name": name, "amount": amount, "currency": currency, "stage": stage,
                    "close_date": closeDate, "won": won,
                ],
                unresolved: RowError(field: .accountExternalID, reason: "no account has the external id \"\(account)\""))
        }
    }

    /// Upserts rows with distinct external ids in one statement; what became of each row it wrote,
    /// by external id. A row it did not write names an account or owner that does not exist.
    ///
    /// An update and an insert in one statement rather than `ON CONFLICT … DO UPDATE`: an update
    /// keeps a stored value where the row's cell is empty, which `excluded` cannot tell from a
    /// default. Both parts read the statement's one snapshot, so a row is updated or inserted,
    /// never both; an insert racing another import's is refused as a unique violation, and the
    /// chunk is then imported row by row, where the other's row is seen and updated.
    private func upsert(_ rows: [CheckedRow], on transaction: TenantTransaction) async throws -> [String: Outcome] {
        var document = JSONRows()
        for row in rows { document.row { object in for (name, value) in row.values { object.field(name, value) } } }
        let input = document.json
        let statement: PostgresQuery
        switch columns.kind {
        case .accounts:
            statement = """
                WITH r AS (
                    SELECT r.*, u.id AS owner_id
                    FROM jsonb_to_recordset(\(input)::jsonb) AS r(external_id text, name text, industry text, region text, currency text,
                                                               annual_revenue numeric, potential_revenue numeric, owner_email text)
                    LEFT JOIN users u ON u.email = r.owner_email AND u.kind = 'seller' AND u.disabled_at IS NULL
                    WHERE r.owner_email IS NULL OR u.id IS NOT NULL
                ), updated AS (
                    UPDATE accounts a SET name = r.name, industry = coalesce(r.industry, a.industry), region = coalesce(r.region, a.region),
                        currency = coalesce(r.currency, a.currency), annual_revenue = coalesce(r.annual_revenue, a.annual_revenue),
                        potential_revenue = coalesce(r.potential_revenue, a.potential_revenue),
                        owner_id = CASE WHEN \(mayReassignOwners) THEN coalesce(r.owner_id, a.owner_id) ELSE a.owner_id END
                    FROM r WHERE a.external_id = r.external_id
                    RETURNING a.id, a.external_id, r.owner_id AS given_owner
                ), inserted AS (
                    INSERT INTO accounts (tenant_id, id, name, industry, region, currency, annual_revenue, potential_revenue, external_id, owner_id)
                    SELECT \(tenantID), gen_random_uuid(), r.name, coalesce(r.industry, ''), coalesce(r.region, ''), coalesce(r.currency, 'USD'),
                           r.annual_revenue, r.potential_revenue, r.external_id, r.owner_id
                    FROM r WHERE NOT EXISTS (SELECT FROM accounts a WHERE a.external_id = r.external_id)
                    RETURNING id, external_id, owner_id AS given_owner
                ), team AS (
                    INSERT INTO account_team (tenant_id, account_id, user_id, role)
                    SELECT \(tenantID), x.id, x.given_owner, 'owner'
                    FROM (SELECT * FROM inserted UNION ALL SELECT * FROM updated WHERE \(mayReassignOwners)) x
                    WHERE x.given_owner IS NOT NULL
                    ON CONFLICT (tenant_id, account_id, user_id) DO UPDATE SET role = excluded.role
                )
                SELECT external_id, false AS inserted FROM updated UNION ALL SELECT external_id, true FROM inserted
                """
        case .contacts:
            statement = """
                WITH r AS (
                    SELECT r.*, a.id AS account_id
                    FROM jsonb_to_recordset(\(input)::jsonb) AS r(external_id text, account text, full_name text, email text, title text)
                    JOIN accounts a ON a.external_id = r.account
                ), updated AS (
                    UPDATE contacts c SET account_id = r.account_id, full_name = r.full_name, email = coalesce(r.email, c.email),
                        title = coalesce(r.title, c.title)
                    FROM r WHERE c.external_id = r.external_id
                    RETURNING c.external_id
                ), inserted AS (
                    INSERT INTO contacts (tenant_id, id, account_id, full_name, email, title, external_id)
                    SELECT \(tenantID), gen_random_uuid(), r.account_id, r.full_name, r.email, coalesce(r.title, ''), r.external_id
                    FROM r WHERE NOT EXISTS (SELECT FROM contacts c WHERE c.external_id = r.external_id)
                    RETURNING external_id
                )
                SELECT external_id, false AS inserted FROM updated UNION ALL SELECT external_id, true FROM inserted
                """
        case .opportunities:
            statement = """
                WITH r AS (
                    SELECT r.*, a.id AS account_id, a.currency AS account_currency
                    FROM jsonb_to_recordset(\(input)::jsonb) AS r(external_id text, account text, name text, amount numeric, currency text,
                                                               stage text, close_date date, won boolean)
                    JOIN accounts a ON a.external_id = r.account
                ), updated AS (
                    UPDATE opportunities o SET account_id = r.account_id, name = r.name, amount = coalesce(r.amount, o.amount),
                        currency = coalesce(r.currency, o.currency), stage = coalesce(r.stage, o.stage),
                        close_date = coalesce(r.close_date, o.close_date), won = coalesce(r.won, o.won)
                    FROM r WHERE o.external_id = r.external_id
                    RETURNING o.external_id
                ), inserted AS (
                    INSERT INTO opportunities (tenant_id, id, account_id, external_id, name, amount, currency, stage, close_date, won)
                    SELECT \(tenantID), gen_random_uuid(), r.account_id, r.external_id, r.name, r.amount, coalesce(r.currency, r.account_currency),
                           coalesce(r.stage, ''), r.close_date, r.won
                    FROM r WHERE NOT EXISTS (SELECT FROM opportunities o WHERE o.external_id = r.external_id)
                    RETURNING external_id
                )
                SELECT external_id, false AS inserted FROM updated UNION ALL SELECT external_id, true FROM inserted
                """
        }
        var stored: [String: Outcome] = [:]
        for row in try await transaction.query(statement) {
            stored[try row.decode(String.self, column: "external_id")] = try row.decode(Bool.self, column: "inserted") ? .inserted : .updated
        }
        return stored
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
