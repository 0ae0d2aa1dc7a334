import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Health`: scores are recomputed here, in the reader's transaction, only for the
/// accounts whose inputs changed or whose score is from before today. That transaction is one
/// (the stored score's time must be from before the inputs were read, see ``HealthRepository``),
/// and, as a read's, does not wait for its flush: a lost score is recomputed on the next read.
struct HealthScoreService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(HealthService.get, shape: .single(.readCommitted)) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            let health = HealthRepository(transaction: transaction)
            let settings = try await health.settings()
            try await health.refresh(where: "a.id = \(request.accountID)", tenantID: caller.tenantID, settings: settings)
            guard let found = try await health.health(of: request.accountID, settings: settings) else {
                throw RPCError(code: .notFound, message: "no account \(request.accountID)")
            }
            return found
        }
        routes.tenant(HealthService.risks, shape: .single(.readCommitted)) { request, call in
            let caller = call.principal
            let limit = try Validate.limit(request.limit, maximum: 500)
            // A seller's list holds their team's accounts, as their portfolio does; of those, the
            // repository keeps the ones that can be at risk (strategic).
            let scope: PostgresQuery = """
                (\(caller.seesWholeTenant) OR EXISTS (SELECT FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(caller.userID)))
                AND \(ObjectiveScope(request.objective).condition)
                """
            let health = HealthRepository(transaction: call.transaction)
            let settings = try await health.settings()
            try await health.refresh(where: "\(scope) AND \(HealthRepository.canBeAtRisk)", tenantID: caller.tenantID, settings: settings)
            return RiskList(accounts: try await health.risks(where: scope, settings: settings, limit: limit))
        }
        routes.tenant(HealthService.settings) { _, call in
            try await HealthRepository(transaction: call.transaction).settings()
        }
        routes.tenant(HealthService.updateSettings) { request, call in
            let caller = call.principal
            if let problem = request.problem { throw RPCError(code: .invalidArgument, message: problem) }
            try await HealthRepository(transaction: call.transaction).save(request, tenantID: caller.tenantID)
            return request
        }
    }
}
