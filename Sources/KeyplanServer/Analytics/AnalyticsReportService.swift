import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Analytics`: one consistent snapshot of the tenant's results.
struct AnalyticsReportService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(AnalyticsService.portfolio) { _, call in
            let caller = try call.caller()
            return try await environment.inTenant(caller.tenantID, isolation: .repeatableRead) {
                try await AnalyticsRepository(connection: $0).portfolio()
            }
        }
    }
}
