import Foundation
import KeyplanAPI
import KeyplanPostgres
import Testing

@testable import KeyplanServer

/// Whitespace records made straight in the database of acme, for tests that need one to exist.
extension TwoTenantWorld {
    /// A new solution of acme's catalogue (version 1).
    func freshSolution() async throws -> Solution {
        let admin = try #require(users[.admin]).user
        return try await server.inTenant(acme) {
            try await SolutionRepository(transaction: $0).insert(tenantID: acme, name: "Solution \(UUID())", description: "", by: admin)
        }
    }

    /// A new cell of account A on a fresh solution (version 1).
    func freshWhitespaceCell(shared: Bool) async throws -> UUID {
        let solution = try await freshSolution()
        let id = UUID()
        let author = try #require(users[.admin]).user
        let query: PostgresQuery = """
            INSERT INTO whitespace_cells (tenant_id, id, account_id, business_unit, solution_id, shared, created_by, updated_by)
            VALUES (\(acme), \(id), \(accountA), 'Fresh unit', \(solution.id), \(shared), \(author), \(author))
            """
        _ = try await server.inTenant(acme) { try await $0.query(query).count }
        return id
    }
}
