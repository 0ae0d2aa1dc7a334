import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Reads of the whitespace map as a whole: an account's grid, the tenant's roll-up.
struct WhitespaceGridQuery {
    let transaction: TenantTransaction

    /// The account's grid as `reader` may see it: a seller's columns are the catalogue's active
    /// solutions and those of the account's cells; a customer's, only those of shared cells.
    func grid(of accountID: UUID, for reader: Principal) async throws -> WhitespaceGrid {
        let cells = try await WhitespaceCellRepository(transaction: transaction).list(in: accountID, for: reader)
        let name = try await transaction.query("SELECT name FROM accounts WHERE id = \(accountID)").first?.decode(String.self, column: "name") ?? ""
        var columns = Dictionary(cells.map { ($0.solutionID, $0.solutionName) }, uniquingKeysWith: { first, _ in first })
        if reader.kind != .customer {
            for solution in try await SolutionRepository(transaction: transaction).list(includeArchived: false) {
                columns[solution.id] = solution.name
            }
        }
        var units: [String] = []
        for cell in cells where !units.contains(where: { $0.lowercased() == cell.businessUnit.lowercased() }) { units.append(cell.businessUnit) }
        return WhitespaceGrid(
            accountID: accountID, accountName: name, businessUnits: units,
            solutions: columns.map { WhitespaceGrid.Column(solutionID: $0.key, name: $0.value) }
                .sorted { ($0.name.lowercased(), $0.solutionID.uuidString) < ($1.name.lowercased(), $1.solutionID.uuidString) },
            cells: cells)
    }

    /// The tenant's potential: opportunities' annual values by solution and by account, per
    /// currency, archived accounts left out. One statement; the grouping is done here.
    func rollup() async throws -> WhitespaceRollup {
        let rows = try await transaction.query(
            """
            SELECT a.currency, s.id AS solution_id, s.name AS solution_name, a.id AS account_id, a.name AS account_name,
                   coalesce(sum(c.annual_value), 0) AS potential, count(*)::int8 AS opportunities
            FROM whitespace_cells c JOIN accounts a ON a.id = c.account_id JOIN solutions s ON s.id = c.solution_id
            WHERE c.status = 'opportunity' AND a.status <> 'archived'
            GROUP BY a.currency, s.id, s.name, a.id, a.name
            """)
        struct Part {
            var currency: String
            var solution: WhitespaceRollup.Entry
            var account: WhitespaceRollup.Entry
        }
        let parts = try rows.map { row in
            let potential = try row.decode(Decimal.self, column: "potential"), count = Int(try row.decode(Int64.self, column: "opportunities"))
            return Part(
                currency: try row.decode(String.self, column: "currency"),
                solution: .init(
                    id: try row.decode(UUID.self, column: "solution_id"), name: try row.decode(String.self, column: "solution_name"),
                    potential: potential, opportunities: count),
                account: .init(
                    id: try row.decode(UUID.self, column: "account_id"), name: try row.decode(String.self, column: "account_name"),
                    potential: potential, opportunities: count))
        }
        func summed(_ entries: [WhitespaceRollup.Entry]) -> [WhitespaceRollup.Entry] {
            Dictionary(grouping: entries, by: \.id).values.map { group in
                var total = group[0]
                total.potential = group.reduce(0) { $0 + $1.potential }
                total.opportunities = group.reduce(0) { $0 + $1.opportunities }
                return total
            }.sorted { ($1.potential, $0.name, $0.id.uuidString) < ($0.potential, $1.name, $1.id.uuidString) }
        }
        let groups = Dictionary(grouping: parts, by: \.currency).map { currency, parts in
            WhitespaceRollup.Group(
                currency: currency, totalPotential: parts.reduce(0) { $0 + $1.solution.potential },
                opportunities: parts.reduce(0) { $0 + $1.solution.opportunities }, bySolution: summed(parts.map(\.solution)),
                byAccount: summed(parts.map(\.account)))
        }
        return WhitespaceRollup(groups: groups.sorted { $0.currency < $1.currency })
    }
}
