import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Workspace`'s live side: Watch (server-streaming live updates through the process's
/// ``WorkspaceEvents`` hub) and Activity (the feed, with the customer's engagement for sellers).
struct WorkspaceLiveService: SecuredService {
    let environment: ServiceEnvironment
    let events: WorkspaceEvents

    func register(with routes: inout SecuredRoutes) {
        routes.accountStream(WorkspaceService.watch) { request, writer, call in
            let watcher = WorkspaceWatcher(environment: environment, events: events, principal: call.principal, accountID: request.accountID)
            try await watcher.run(after: request.after, writer: writer)
        }

        routes.account(WorkspaceService.activity) { request, call in
            let caller = call.principal
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 50)
            if let before = request.before, before < 1 {
                throw RPCError(code: .invalidArgument, message: "before must be a change id (1 or more)")
            }
            let activity = WorkspaceActivity(transaction: call.transaction)
            let page = try await activity.page(of: request.accountID, before: request.before, limit: limit, for: caller)
            // Engagement is the sellers' view of the customer: never sent to a customer. Views are
            // added in batches: those counted so far first (a failed flush only leaves them to the
            // next batch, a second later).
            var engagement: Engagement?
            if caller.kind != .customer {
                try? await environment.visits.flush()
                engagement = try await activity.engagement(of: request.accountID)
            }
            return ActivityPage(changes: page.changes, nextBefore: page.nextBefore, engagement: engagement)
        }
    }
}
