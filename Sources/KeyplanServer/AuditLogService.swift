import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Audit`: admins page through the tenant's audit log, newest first.
struct AuditLogService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(AuditService.list) { request, call in
            let caller = try call.caller()
            let limit = Int(request.limit ?? 100)
            guard (1...500).contains(limit) else {
                throw RPCError(code: .invalidArgument, message: "limit must be between 1 and 500")
            }
            let entries = try await environment.inTenant(caller.tenantID) {
                try await AuditRepository(connection: $0).list(before: request.before, limit: limit, method: request.method)
            }
            return AuditPage(entries: entries, nextCursor: entries.count == limit ? entries.last?.id : nil)
        }
    }
}
