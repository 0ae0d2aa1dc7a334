import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Notifications`: people read and acknowledge their own notifications; an integration
/// (an admin's API key) claims the tenant's undelivered ones and confirms their delivery. Reviews
/// coming due are turned into notifications first, each time the outbox is read.
struct NotificationService: SecuredService {
    let environment: ServiceEnvironment

    /// Ids per acknowledge or confirm call.
    static let maximumIDs = 500

    private static let unknownCursor = RPCError(code: .invalidArgument, message: "the cursor is not one a page of yours returned")

    func register(with routes: inout SecuredRoutes) {
        // Reviews coming due become notifications as the list is read: one transaction, so the
        // list shows what it just made.
        routes.tenant(NotificationsService.list, shape: .single(.readCommitted)) { request, call in
            let caller = call.principal
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 100)
            let cursor = try request.cursor.map { (text: String) throws -> UUID in
                guard let id = UUID(uuidString: text) else { throw Self.unknownCursor }
                return id
            }
            let transaction = call.transaction
            let notifications = NotificationRepository(transaction: transaction)
            if let cursor, try await notifications.exists(cursor, for: caller.userID) == false { throw Self.unknownCursor }
            try await notifications.materializeReviewsDue(for: caller.userID)
            let page = try await notifications.list(
                for: caller.userID, unacknowledgedOnly: request.unacknowledgedOnly, after: cursor, limit: limit + 1)
            return NotificationPage(
                notifications: Array(page.prefix(limit)), nextCursor: page.count > limit ? page[limit - 1].id.uuidString : nil)
        }

        routes.tenant(NotificationsService.acknowledge) { request, call in
            let caller = call.principal
            let ids = try Self.validate(request.ids)
            return NotificationCount(changed: try await NotificationRepository(transaction: call.transaction).acknowledge(ids, for: caller.userID))
        }

        routes.tenant(NotificationsService.claim) { request, call in
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 100)
            let lease = request.leaseSeconds ?? 300
            guard (10...3600).contains(lease) else {
                throw RPCError(code: .invalidArgument, message: "leaseSeconds must be between 10 and 3600")
            }
            let notifications = NotificationRepository(transaction: call.transaction)
            try await notifications.materializeReviewsDue()
            return ClaimedNotifications(notifications: try await notifications.claim(limit: limit, lease: .seconds(lease)))
        }

        routes.tenant(NotificationsService.confirmDelivery) { request, call in
            let ids = try Self.validate(request.ids)
            return NotificationCount(changed: try await NotificationRepository(transaction: call.transaction).confirmDelivery(ids))
        }
    }

    private static func validate(_ ids: [UUID]) throws -> [UUID] {
        guard (1...maximumIDs).contains(ids.count) else {
            throw RPCError(code: .invalidArgument, message: "ids must name 1 to \(maximumIDs) notifications")
        }
        return ids
    }
}
