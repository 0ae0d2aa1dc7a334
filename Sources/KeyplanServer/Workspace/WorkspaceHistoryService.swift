import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Workspace`'s reading of the journal: the history of one record.
struct WorkspaceHistoryService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(WorkspaceService.history) { request, call in
            let caller = try call.caller()
            let limit = try Validate.limit(request.limit, maximum: 1000)
            return ChangeList(changes: try await environment.inTenant(caller.tenantID) {
                try await WorkspaceJournal(connection: $0).history(of: request.entityID, in: request.accountID, for: caller, limit: limit)
            })
        }
    }
}
