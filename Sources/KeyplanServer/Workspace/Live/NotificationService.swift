import Foundation
import KeyplanAPI
import KeyplanPostgres
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
        // Reviews and rounds coming due become notifications as the list is read: one transaction, so the
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
            try await notifications.materializeReminders(for: caller.userID)
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
            try await notifications.materializeReminders()
            return ClaimedNotifications(notifications: try await notifications.claim(limit: limit, lease: .seconds(lease)))
        }

        routes.tenant(NotificationsService.confirmDelivery) { request, call in
            let ids = try Self.validate(request.ids)
            return NotificationCount(changed: try await NotificationRepository(transaction: call.transaction).confirmDelivery(ids))
        }
        registerSettings(with: &routes)
    }

    private func registerSettings(with routes: inout SecuredRoutes) {
        routes.tenant(NotificationsService.settings) { _, call in
            try await NotificationSettingsRepository(transaction: call.transaction).settings(of: call.principal.userID)
        }
        routes.tenant(NotificationsService.updateSettings) { request, call in
            try await NotificationSettingsRepository(transaction: call.transaction).update(
                call.principal.userID, mutedKinds: Set(request.mutedKinds), digest: request.digest, digestHour: digestHour)
        }
        // The link of a mail: whoever holds it may mute that mail's kind (a digest's: all mail) for its
        // recipient, and nothing else — it signs nobody in.
        routes.anonymous(NotificationsService.unsubscribe) { request, call in
            guard request.token.utf8.count <= 200,
                let (tenantID, userID, kind) = try await NotificationSettingsRepository.resolve(unsubscribe: request.token, on: environment.database)
            else {
                throw RPCError(code: .notFound, message: "this unsubscribe link is not valid: change your mail settings after signing in instead")
            }
            CallAudit.record {
                $0.tenantID = tenantID
                $0.userID = userID
            }
            return try await call.write(in: tenantID, on: environment.database) { transaction in
                let settings = NotificationSettingsRepository(transaction: transaction)
                let current = try await settings.settings(of: userID)
                let muted = kind.map { Set(current.mutedKinds).union([$0]) } ?? Set(NotificationKind.allCases)
                _ = try await settings.update(userID, mutedKinds: muted, digest: kind == nil ? false : current.digest, digestHour: digestHour)
                return Empty()
            }
        }
    }

    private var digestHour: Int { environment.mail?.configuration.delivery.digestHour ?? MailConfiguration.Delivery().digestHour }

    private static func validate(_ ids: [UUID]) throws -> [UUID] {
        guard (1...maximumIDs).contains(ids.count) else {
            throw RPCError(code: .invalidArgument, message: "ids must name 1 to \(maximumIDs) notifications")
        }
        return ids
    }
}
