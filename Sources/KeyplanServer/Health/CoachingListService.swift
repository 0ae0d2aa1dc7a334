import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Coaching`: the ranked prompts, for leaders.
struct CoachingListService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(CoachingService.list) { request, call in
            let limit = try Validate.limit(request.limit, maximum: 200)
            let items = try await CoachingRepository(transaction: call.transaction).items(ownedBy: request.sellerID)
            return CoachingList(items: Array(CoachingItem.ranked(items).prefix(limit)))
        }
    }
}
