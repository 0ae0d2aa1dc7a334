import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Import`: accounts, contacts and opportunities from a CRM's CSV export, without
/// re-keying. A client-streaming call: the client sends ``ImportChunk``s (the first names the
/// kind, the header and an optional column mapping), the server upserts each row by its external
/// id in a savepoint of its own and answers one ``ImportReport`` with every rejected row.
public enum ImportService {
    public static let name = "keyplan.Import"
    public static let importRows = RPCMethod<ImportChunk, ImportReport>(
        MethodDescriptor(service: name, method: "Import"), kind: .clientStreaming, request: .binary, response: .binary)
    /// At most this many rows in one call.
    public static let maximumRows = 200_000
    /// At most this many rows in one chunk.
    public static let maximumChunkRows = 1_000
}

/// What a file holds.
public enum ImportKind: String, Codable, Hashable, Sendable, CaseIterable {
    case accounts, contacts, opportunities
}

/// A field Keyplan imports, by the name a mapping file uses for it.
public enum ImportField: String, Codable, Hashable, Sendable, CaseIterable {
    // Accounts
    case externalID, name, industry, region, annualRevenue, potentialRevenue, currency, ownerEmail
    // Contacts (and the account they belong to, by its external id; the contact they report to,
    // by its external id or email)
    case accountExternalID, firstName, lastName, title, email, reportsTo
    // Opportunities
    case amount, stage, closeDate, won

    /// The fields of a kind, the required ones first.
    public static func fields(of kind: ImportKind) -> (required: [ImportField], optional: [ImportField]) {
        switch kind {
        case .accounts: ([.externalID, .name], [.industry, .region, .annualRevenue, .potentialRevenue, .currency, .ownerEmail])
        case .contacts: ([.externalID, .accountExternalID, .lastName], [.firstName, .title, .email, .reportsTo])
        case .opportunities: ([.externalID, .accountExternalID, .name], [.amount, .currency, .stage, .closeDate, .won])
        }
    }

    /// Salesforce's standard export column names for the field, in order of preference.
    public func salesforceColumns(for kind: ImportKind) -> [String] {
        switch (self, kind) {
        case (.externalID, .accounts): ["Id", "Account ID"]
        case (.externalID, .contacts): ["Id", "Contact ID"]
        case (.externalID, .opportunities): ["Id", "Opportunity ID"]
        case (.name, .opportunities): ["Name", "Opportunity Name"]
        case (.name, _): ["Name", "Account Name"]
        case (.accountExternalID, _): ["AccountId", "Account ID"]
        case (.industry, _): ["Industry"]
        case (.region, _): ["BillingCountry", "Billing Country", "BillingState", "Billing State/Province"]
        case (.annualRevenue, _): ["AnnualRevenue", "Annual Revenue"]
        case (.potentialRevenue, _): ["Potential Revenue"]
        case (.currency, _): ["CurrencyIsoCode", "Currency ISO Code", "Currency"]
        case (.ownerEmail, _): ["Owner Email", "OwnerEmail"]
        case (.firstName, _): ["FirstName", "First Name"]
        case (.lastName, _): ["LastName", "Last Name"]
        case (.title, _): ["Title"]
        case (.email, _): ["Email"]
        case (.reportsTo, _): ["ReportsToId", "Reports To ID", "Reports To"]
        case (.amount, _): ["Amount"]
        case (.stage, _): ["StageName", "Stage"]
        case (.closeDate, _): ["CloseDate", "Close Date"]
        case (.won, _): ["IsWon", "Won"]
        }
    }
}

/// A slice of a file. The first chunk of a call carries ``kind``, ``header`` and ``mapping``.
@WireMessage
public struct ImportChunk: Codable, Hashable, Sendable {
    @WireMessage
    public struct Row: Codable, Hashable, Sendable {
        /// The line of the file the row starts on (the header is line 1), for the report.
        public var line: Int
        public var fields: [String]

        enum CodingKeys: Int, CodingKey { case line = 1, fields = 2 }
    }

    public var kind: ImportKind?
    public var header: [String]?
    /// Keyplan field name (``ImportField``) → the file's column name, for CRMs other than
    /// Salesforce; fields it does not name are looked up by their Salesforce names.
    public var mapping: [String: String]?
    public var rows: [Row]

    enum CodingKeys: Int, CodingKey { case kind = 1, header = 2, mapping = 3, rows = 4 }
}

/// The outcome of an import: counts, and every row that was refused and why.
@WireMessage
public struct ImportReport: Codable, Hashable, Sendable {
    @WireMessage
    public struct Rejection: Codable, Hashable, Sendable {
        public var line: Int
        /// The file's column at fault, `nil` when the row as a whole is.
        public var column: String?
        public var reason: String

        enum CodingKeys: Int, CodingKey { case line = 1, column = 2, reason = 3 }
    }

    public var inserted: Int
    public var updated: Int
    public var rejected: [Rejection]

    public init(inserted: Int = 0, updated: Int = 0, rejected: [Rejection] = []) {
        self.inserted = inserted
        self.updated = updated
        self.rejected = rejected
    }

    enum CodingKeys: Int, CodingKey { case inserted = 1, updated = 2, rejected = 3 }
}

extension KeyplanClient {
    /// Imports a parsed file in chunks of `chunkSize` rows; `progress` is told the rows sent so far.
    public func importRows(
        _ kind: ImportKind, _ document: CSVDocument, mapping: [String: String]? = nil, chunkSize: Int = ImportService.maximumChunkRows,
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> ImportReport {
        let size = max(1, min(chunkSize, ImportService.maximumChunkRows))
        return try await rpc.clientStreaming(ImportService.importRows, options: callOptions) { writer in
            var sent = 0
            var first = true
            // An empty file still sends its header, so the server checks the columns.
            repeat {
                let rows = document.records[sent..<min(sent + size, document.records.count)].map { ImportChunk.Row(line: $0.line, fields: $0.fields) }
                try await writer.write(
                    first ? ImportChunk(kind: kind, header: document.header, mapping: mapping, rows: rows) : ImportChunk(rows: rows))
                first = false
                sent += rows.count
                progress(sent)
            } while sent < document.records.count
        }.message
    }
}
