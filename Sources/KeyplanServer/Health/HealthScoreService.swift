import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Health`: scores are recomputed here, in the reader's transaction, only for the
/// accounts whose inputs changed or whose score is from before today.
struct HealthScoreService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(HealthService.get) { request, call in
            let caller = try call.caller()
            return try await environment.inTenant(caller.tenantID) { connection in
                let health = HealthRepository(connection: connection)
                try await health.refresh(where: "a.id = \(request.accountID)", tenantID: caller.tenantID, settings: try await health.settings())
                guard let found = try await health.health(of: request.accountID) else {
                    throw RPCError(code: .notFound, message: "no account \(request.accountID)")
                }
                return found
            }
        }
        routes.unary(HealthService.risks) { request, call in
            let caller = try call.caller()
            let limit = try Validate.limit(request.limit, maximum: 500)
            // Strategic accounts only (candidates have no plan yet); a seller's list holds their
            // team's accounts, as their portfolio does.
            let scope: PostgresQuery = """
                a.status = 'strategic' AND (\(caller.seesWholeTenant)
                    OR EXISTS (SELECT FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(caller.userID)))
                """
            return RiskList(accounts: try await environment.inTenant(caller.tenantID) { connection in
                let health = HealthRepository(connection: connection)
                let settings = try await health.settings()
                try await health.refresh(where: scope, tenantID: caller.tenantID, settings: settings)
                return try await health.risks(where: scope, settings: settings, limit: limit)
            })
        }
        routes.unary(HealthService.settings) { _, call in
            let caller = try call.caller()
            return try await environment.inTenant(caller.tenantID) { try await HealthRepository(connection: $0).settings() }
        }
        routes.unary(HealthService.updateSettings) { request, call in
            let caller = try call.caller()
            if let problem = request.problem { throw RPCError(code: .invalidArgument, message: problem) }
            try await environment.inTenant(caller.tenantID) { try await HealthRepository(connection: $0).save(request, tenantID: caller.tenantID) }
            return request
        }
    }
}
