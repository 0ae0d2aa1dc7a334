import Foundation
import KeyplanPostgres
import KeyplanRPC

extension PostgresClient {
    /// Runs `body` as tenant work outside a unary call's own transaction (a stream's catch-up, an
    /// import chunk, a sign-in, a tenant's bootstrap): commits when it returns, rolls back when it
    /// throws. Errors pass through as they are; the routes turn them into statuses
    /// (``DatabaseFailure``).
    func inTenant<Result>(
        _ tenantID: UUID, shape: TenantTransaction.Shape = .single(.readCommitted), durability: TenantTransaction.Durability = .durable,
        _ body: (TenantTransaction) async throws -> Result
    ) async throws -> Result {
        let transaction = TenantTransaction(database: self, tenantID: tenantID, shape: shape, durability: durability)
        do {
            let result = try await body(transaction)
            try await transaction.commit()
            return result
        } catch {
            await transaction.rollBack()
            throw error
        }
    }
}
