public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Export`: the plan out to other tools. The accounts as CSV in the very columns the
/// accounts import reads (``ImportField/salesforceColumns(for:)``), so that a round trip through
/// the import changes nothing; and one account's plan as one document.
public enum ExportService {
    public static let name = "keyplan.Export"
    /// The accounts in the caller's portfolio as CSV, with their assessment, quadrant, priority,
    /// health and objective. Seller-internal.
    public static let accounts = RPCMethod<AccountsExportQuery, ExportedFile>.read(name, "Accounts")
    /// One account's plan as the account team sees it, seller-internal parts included.
    public static let plan = RPCMethod<AccountRef, AccountPlanDocument>.read(name, "Plan")
    /// One account's plan as its customer sees it: for anyone who may read the account (a seller
    /// checks what the customer gets), built from the customer's views.
    public static let customerPlan = RPCMethod<AccountRef, AccountPlanDocument>.read(name, "CustomerPlan")
}

/// Which accounts to export: those of the caller's portfolio, optionally of one objective.
@WireMessage
public struct AccountsExportQuery: Codable, Hashable, Sendable {
    public var objective: AccountObjective?

    public init(objective: AccountObjective? = nil) { self.objective = objective }

    enum CodingKeys: Int, CodingKey { case objective = 1 }
}

/// A file the server made, to be written as it is.
@WireMessage
public struct ExportedFile: Codable, Hashable, Sendable {
    /// A suggested file name.
    public var fileName: String
    /// Its media type, e.g. `text/csv; charset=utf-8`.
    public var contentType: String
    public var content: String

    public init(fileName: String, contentType: String, content: String) {
        self.fileName = fileName
        self.contentType = contentType
        self.content = content
    }

    enum CodingKeys: Int, CodingKey { case fileName = 1, contentType = 2, content = 3 }
}

/// The columns of the accounts export: first the import's fields under their first Salesforce
/// name, which the import reads back; then what Keyplan adds, which the import ignores.
public enum AccountsExportColumns {
    public static let imported: [ImportField] = {
        let (required, optional) = ImportField.fields(of: .accounts)
        return required + optional
    }()
    public static let added = [
        "Objective", "Status", "Value Score", "Relationship Score", "Quadrant", "Priority", "Assessed At", "Health Score", "Health Band",
    ]
    public static var header: [String] { imported.map { $0.salesforceColumns(for: .accounts)[0] } + added }
}

extension CSVDocument {
    /// One record as RFC 4180 text, ending in CRLF: a field with a comma, quote, CR or LF is
    /// quoted, its quotes doubled.
    public static func record(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }
}

extension KeyplanClient {
    public func exportPlan(of accountID: UUID, view: AccountPlanDocument.View) async throws -> AccountPlanDocument {
        try await call(view == .seller ? ExportService.plan : ExportService.customerPlan, AccountRef(accountID: accountID))
    }

    public func exportAccounts(objective: AccountObjective? = nil) async throws -> ExportedFile {
        try await call(ExportService.accounts, AccountsExportQuery(objective: objective))
    }
}
