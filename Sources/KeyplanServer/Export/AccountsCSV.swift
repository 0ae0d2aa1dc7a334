import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The accounts export: the caller's portfolio as CSV in ``AccountsExportColumns``, one row per
/// account in external-id order (accounts without one last, by name), values written exactly as
/// the import reads them back. An account without an external id has an empty `Id`, which the
/// import refuses: set one (`keyplan portfolio profile --external-id`) to round-trip it.
struct AccountsCSV {
    let transaction: TenantTransaction

    func export(where scope: PostgresQuery) async throws -> String {
        let rows = try await transaction.query(
            """
            SELECT a.external_id, a.name, a.industry, a.region, a.annual_revenue, a.potential_revenue, a.currency, o.email AS owner_email,
                   a.objective, a.status, a.value_score, a.relationship_score, a.quadrant, a.priority, a.assessed_at,
                   h.score AS health_score, h.band AS health_band
            FROM accounts a LEFT JOIN users o ON o.id = a.owner_id LEFT JOIN account_health h ON h.account_id = a.id
            WHERE \(scope)
            ORDER BY a.external_id NULLS LAST, a.name, a.id
            """)
        var text = CSVDocument.record(AccountsExportColumns.header)
        for row in rows {
            var fields: [String] = []
            for field in AccountsExportColumns.imported {
                fields.append(try Self.value(of: field, row))
            }
            fields += [
                try row.decode(String?.self, column: "objective") ?? "",
                try row.decode(String.self, column: "status"),
                try row.decode(Decimal?.self, column: "value_score").map { "\($0)" } ?? "",
                try row.decode(Decimal?.self, column: "relationship_score").map { "\($0)" } ?? "",
                try row.decode(String?.self, column: "quadrant") ?? "",
                try row.decode(Int16?.self, column: "priority").map { "\($0)" } ?? "",
                try row.decode(Date?.self, column: "assessed_at").map(RFC3339.string(from:)) ?? "",
                try row.decode(Decimal?.self, column: "health_score").map { "\($0)" } ?? "",
                try row.decode(String?.self, column: "health_band") ?? "",
            ]
            text += CSVDocument.record(fields)
        }
        return text
    }

    /// An imported field's cell: what the import reads into the same column.
    private static func value(of field: ImportField, _ row: PostgresRow) throws -> String {
        switch field {
        case .externalID: try row.decode(String?.self, column: "external_id") ?? ""
        case .name: try row.decode(String.self, column: "name")
        case .industry: try row.decode(String.self, column: "industry")
        case .region: try row.decode(String.self, column: "region")
        case .annualRevenue: try row.decode(Decimal?.self, column: "annual_revenue").map { "\($0)" } ?? ""
        case .potentialRevenue: try row.decode(Decimal?.self, column: "potential_revenue").map { "\($0)" } ?? ""
        case .currency: try row.decode(String.self, column: "currency")
        case .ownerEmail: try row.decode(String?.self, column: "owner_email") ?? ""
        default: ""
        }
    }
}
