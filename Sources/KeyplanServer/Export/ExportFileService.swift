import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Export`: files for other tools, built on the server.
struct ExportFileService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        // One transaction: the stale health scores of the scope are recomputed first (as the risk
        // list does), so the file shows what `health show` would.
        routes.tenant(ExportService.accounts, shape: .single(.readCommitted)) { query, call in
            let caller = call.principal
            let scope: PostgresQuery = """
                (\(caller.seesWholeTenant) OR EXISTS (SELECT FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(caller.userID)))
                AND \(ObjectiveScope(query.objective).condition)
                """
            let health = HealthRepository(transaction: call.transaction)
            try await health.refresh(where: scope, tenantID: caller.tenantID, settings: try await health.settings())
            return ExportedFile(
                fileName: "accounts.csv", contentType: "text/csv; charset=utf-8",
                content: try await AccountsCSV(transaction: call.transaction).export(where: scope))
        }
        // One read-committed transaction, as `Health/Get`: the health score is recomputed first when stale.
        routes.account(ExportService.plan, shape: .single(.readCommitted)) { request, call in
            try await AccountPlanExport(transaction: call.transaction).document(of: request.accountID, view: .seller, for: call.principal)
        }
        routes.account(ExportService.customerPlan, shape: .single(.repeatableRead)) { request, call in
            try await AccountPlanExport(transaction: call.transaction).document(of: request.accountID, view: .customer, for: call.principal)
        }
    }
}
