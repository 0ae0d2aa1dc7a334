import Foundation
import KeyplanRPC
import KeyplanWire

/// `keyplan.Notifications`: the outbox of what someone should be told. People list and
/// acknowledge their own; a mail or chat integration (an admin API key) claims undelivered ones
/// under a lease, delivers them, and confirms.
public enum NotificationsService {
    public static let name = "keyplan.Notifications"
    /// The caller's own notifications, newest first.
    public static let list = RPCMethod<ListNotificationsRequest, NotificationPage>.read(name, "List")
    /// Marks some of the caller's own notifications as read.
    public static let acknowledge = RPCMethod<NotificationIDs, NotificationCount>.unary(name, "Acknowledge")
    /// Claims up to `limit` undelivered notifications of the tenant for delivery, oldest first.
    public static let claim = RPCMethod<ClaimNotificationsRequest, ClaimedNotifications>.unary(name, "Claim")
    /// Marks claimed notifications as delivered.
    public static let confirmDelivery = RPCMethod<NotificationIDs, NotificationCount>.unary(name, "ConfirmDelivery")
}

/// What a notification is about.
public enum NotificationKind: String, Codable, Hashable, Sendable, CaseIterable {
    case actionAssigned = "action_assigned"
    case scoringRoundOpened = "scoring_round_opened"
    case reviewDue = "review_due"
    case mention
}

/// One notification, as its recipient sees it.
@WireMessage
public struct NotificationView: Codable, Hashable, Sendable {
    public var id: UUID
    public var kind: NotificationKind
    public var accountID: UUID?
    /// The record it is about (an action, a scoring round, a review, a comment).
    public var subjectID: UUID?
    public var message: String
    public var createdAt: Date
    public var deliveredAt: Date?
    public var acknowledgedAt: Date?

    public init(
        id: UUID, kind: NotificationKind, accountID: UUID?, subjectID: UUID?, message: String, createdAt: Date,
        deliveredAt: Date?, acknowledgedAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.accountID = accountID
        self.subjectID = subjectID
        self.message = message
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.acknowledgedAt = acknowledgedAt
    }

    enum CodingKeys: Int, CodingKey { case id = 1, kind, accountID, subjectID, message, createdAt, deliveredAt, acknowledgedAt }
}

@WireMessage
public struct ListNotificationsRequest: Codable, Hashable, Sendable {
    /// Only those not yet acknowledged.
    public var unacknowledgedOnly: Bool
    /// At most this many (1–500, default 100).
    public var limit: Int?
    /// The previous page's ``NotificationPage/nextCursor``.
    public var cursor: String?

    public init(unacknowledgedOnly: Bool = false, limit: Int? = nil, cursor: String? = nil) {
        self.unacknowledgedOnly = unacknowledgedOnly
        self.limit = limit
        self.cursor = cursor
    }

    enum CodingKeys: Int, CodingKey { case unacknowledgedOnly = 1, limit, cursor }
}

@WireMessage
public struct NotificationPage: Codable, Hashable, Sendable {
    /// Newest first.
    public var notifications: [NotificationView]
    /// Pass as `cursor` for the next (older) page; `nil` on the last page.
    public var nextCursor: String?

    public init(notifications: [NotificationView], nextCursor: String?) {
        self.notifications = notifications
        self.nextCursor = nextCursor
    }

    enum CodingKeys: Int, CodingKey { case notifications = 1, nextCursor }
}

/// Notification ids to acknowledge or confirm (1–500). All must exist for the caller, or none
/// is changed (NOT_FOUND).
@WireMessage
public struct NotificationIDs: Codable, Hashable, Sendable {
    public var ids: [UUID]

    public init(ids: [UUID]) { self.ids = ids }

    enum CodingKeys: Int, CodingKey { case ids = 1 }
}

/// How many notifications changed (ones already acknowledged or delivered are not counted again).
@WireMessage
public struct NotificationCount: Codable, Hashable, Sendable {
    public var changed: Int

    public init(changed: Int) { self.changed = changed }

    enum CodingKeys: Int, CodingKey { case changed = 1 }
}

@WireMessage
public struct ClaimNotificationsRequest: Codable, Hashable, Sendable {
    /// At most this many (1–500, default 100).
    public var limit: Int?
    /// How long the claim holds, in seconds (10–3600, default 300): undelivered notifications
    /// whose lease ran out can be claimed again, so a crashed integration loses nothing.
    public var leaseSeconds: Int?

    public init(limit: Int? = nil, leaseSeconds: Int? = nil) {
        self.limit = limit
        self.leaseSeconds = leaseSeconds
    }

    enum CodingKeys: Int, CodingKey { case limit = 1, leaseSeconds }
}

/// A notification claimed for delivery, with where to deliver it.
@WireMessage
public struct ClaimedNotification: Codable, Hashable, Sendable {
    public var notification: NotificationView
    public var recipientID: UUID
    public var recipientEmail: String
    public var recipientName: String
    /// Confirm the delivery before this; afterwards it may be claimed again.
    public var claimedUntil: Date

    public init(notification: NotificationView, recipientID: UUID, recipientEmail: String, recipientName: String, claimedUntil: Date) {
        self.notification = notification
        self.recipientID = recipientID
        self.recipientEmail = recipientEmail
        self.recipientName = recipientName
        self.claimedUntil = claimedUntil
    }

    enum CodingKeys: Int, CodingKey { case notification = 1, recipientID, recipientEmail, recipientName, claimedUntil }
}

@WireMessage
public struct ClaimedNotifications: Codable, Hashable, Sendable {
    /// Oldest first.
    public var notifications: [ClaimedNotification]

    public init(notifications: [ClaimedNotification]) { self.notifications = notifications }

    enum CodingKeys: Int, CodingKey { case notifications = 1 }
}

extension KeyplanClient {
    public func notifications(_ request: ListNotificationsRequest = ListNotificationsRequest()) async throws -> NotificationPage {
        try await call(NotificationsService.list, request)
    }

    @discardableResult
    public func acknowledgeNotifications(_ ids: [UUID]) async throws -> Int {
        try await call(NotificationsService.acknowledge, NotificationIDs(ids: ids)).changed
    }

    public func claimNotifications(limit: Int? = nil, leaseSeconds: Int? = nil) async throws -> [ClaimedNotification] {
        try await call(NotificationsService.claim, ClaimNotificationsRequest(limit: limit, leaseSeconds: leaseSeconds)).notifications
    }

    @discardableResult
    public func confirmDelivery(_ ids: [UUID]) async throws -> Int {
        try await call(NotificationsService.confirmDelivery, NotificationIDs(ids: ids)).changed
    }
}
