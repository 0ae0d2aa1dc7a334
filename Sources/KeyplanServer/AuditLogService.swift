import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Audit`: admins page through the tenant's audit log, newest first.
struct AuditLogService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(AuditService.list) { request, call in
            let caller = try call.caller()
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 100)
            let entries = try await environment.inTenant(caller.tenantID) {
                try await AuditRepository(connection: $0).list(before: request.before, limit: limit, method: request.method)
            }
            return AuditPage(entries: entries, nextCursor: entries.count == limit ? entries.last?.id : nil)
        }
    }
}
