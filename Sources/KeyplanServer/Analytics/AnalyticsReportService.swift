import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Analytics`: one consistent snapshot of the tenant's results.
struct AnalyticsReportService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        // One snapshot: the seven statements of the report see the same data.
        routes.tenant(AnalyticsService.portfolio, shape: .single(.repeatableRead)) { _, call in
            try await AnalyticsRepository(transaction: call.transaction).portfolio()
        }
    }
}
