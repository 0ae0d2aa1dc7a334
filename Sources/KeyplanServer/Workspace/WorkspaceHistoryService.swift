import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Workspace`'s reading of the journal: the history of one record.
struct WorkspaceHistoryService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(WorkspaceService.history) { request, call in
            let caller = call.principal
            let limit = try Validate.limit(request.limit, maximum: 1000)
            return ChangeList(
                changes: try await WorkspaceJournal(transaction: call.transaction).history(
                    of: request.entityID, in: request.accountID, for: caller, limit: limit))
        }
    }
}
