import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Coaching`: the ranked prompts, for leaders.
struct CoachingListService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(CoachingService.list) { request, call in
            let caller = try call.caller()
            let limit = try Validate.limit(request.limit, maximum: 200)
            let items = try await environment.inTenant(caller.tenantID) {
                try await CoachingRepository(connection: $0).items(ownedBy: request.sellerID)
            }
            return CoachingList(items: Array(CoachingItem.ranked(items).prefix(limit)))
        }
    }
}
