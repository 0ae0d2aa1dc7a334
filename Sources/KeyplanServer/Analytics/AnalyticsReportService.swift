import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Analytics`: one consistent snapshot of the tenant's results.
struct AnalyticsReportService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        // One snapshot: the seven statements of the report see the same data.
        routes.tenant(AnalyticsService.portfolio, shape: .single(.repeatableRead)) { query, call in
            var report = try await AnalyticsRepository(transaction: call.transaction).portfolio(ObjectiveScope(query.objective))
            // Where to grow, in the same snapshot: the whitespace potential, for the whole portfolio.
            if query.objective == nil { report.whitespace = try await WhitespaceGridQuery(transaction: call.transaction).rollup() }
            return report
        }
        routes.tenant(AnalyticsService.byObjective, shape: .single(.repeatableRead)) { _, call in
            let groups = try await AnalyticsRepository(transaction: call.transaction).portfolio(ObjectiveScope.groups)
            // The accounts without an objective are shown only when there are some.
            return ObjectiveAnalyticsReport(
                groups: zip(ObjectiveScope.groups, groups).compactMap { scope, analytics in
                    scope == .unset && analytics.strategicAccounts + analytics.otherAccounts == 0
                        ? nil : ObjectiveAnalytics(objective: scope.objective, analytics: analytics)
                })
        }
    }
}
