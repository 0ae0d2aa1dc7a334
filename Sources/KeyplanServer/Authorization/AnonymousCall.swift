import Foundation
import KeyplanPostgres
import KeyplanRPC

/// A call of a method anyone may make (signing in, accepting an invitation): no caller yet, and
/// no call transaction — such a method finds its tenant first and runs its own work.
struct AnonymousCall: Sendable {
    let server: ServerContext

    /// The client's IP address.
    var clientAddress: String? { clientIPAddress(server.remoteAddress) }

    /// Runs `body` as a write in `tenantID` whose audit row (this call's, a success) commits with
    /// it, as every write's does; the routes of signed-in calls do this themselves.
    func write<Result>(in tenantID: UUID, on database: PostgresClient, _ body: (TenantTransaction) async throws -> Result) async throws -> Result {
        let audit = CallAudit.current
        let result = try await database.inTenant(tenantID) { transaction in
            let result = try await body(transaction)
            if let record = audit?.snapshot.record(method: server.method, remoteAddress: server.remoteAddress, status: .ok) {
                transaction.addClosing([AuditRepository.insert([record], tenantID: record.tenantID)])
            }
            return result
        }
        audit?.update { $0.isWritten = true }
        return result
    }
}
