import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Audit`: admins page through the tenant's audit log, newest first.
struct AuditLogService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(AuditService.list) { request, call in
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 100)
            // Rows of reads and refusals are written in batches: those made before this call first.
            await environment.auditTrail.flush()
            let entries = try await AuditRepository(transaction: call.transaction).list(before: request.before, limit: limit, method: request.method)
            return AuditPage(entries: entries, nextCursor: entries.count == limit ? entries.last?.id : nil)
        }
    }
}
