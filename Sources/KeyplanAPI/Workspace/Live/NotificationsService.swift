public import Foundation
public import KeyplanRPC
public import KeyplanWire

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
    /// Which notifications the caller gets by mail, and whether as a daily digest.
    public static let settings = RPCMethod<Empty, NotificationSettings>.read(name, "GetSettings")
    /// Replaces the caller's mail settings.
    public static let updateSettings = RPCMethod<NotificationSettings, NotificationSettings>.unary(name, "UpdateSettings")
    /// Public: the one-click unsubscribe link of a notification mail. Mutes the mail's kind (a
    /// digest's link: all notification mail) for the person it was sent to.
    /// Answers nothing about the person: a link may be forwarded.
    public static let unsubscribe = RPCMethod<UnsubscribeRequest, Empty>.unary(name, "Unsubscribe")
}

/// What a notification is about.
public enum NotificationKind: String, Codable, Hashable, Sendable, CaseIterable {
    case actionAssigned = "action_assigned"
    case scoringRoundOpened = "scoring_round_opened"
    /// A scoring round the recipient has not answered closes within two days.
    case scoringRoundClosing = "scoring_round_closing"
    case reviewDue = "review_due"
    /// A held review waits for the customer's sign-off.
    case reviewSignOff = "review_sign_off"
    case mention
}

/// Which notifications come by mail. Every kind comes, one mail each, until muted; with
/// `digest`, one mail a day instead, listing the day's notifications by account.
@WireMessage
public struct NotificationSettings: Codable, Hashable, Sendable {
    /// Kinds not mailed (they are still listed by `keyplan.Notifications/List`).
    public var mutedKinds: [NotificationKind]
    public var digest: Bool
    /// When the next digest goes out (UTC); set by the server, ignored in an update.
    public var nextDigestAt: Date?

    public init(mutedKinds: [NotificationKind] = [], digest: Bool = false, nextDigestAt: Date? = nil) {
        self.mutedKinds = mutedKinds
        self.digest = digest
        self.nextDigestAt = nextDigestAt
    }

    enum CodingKeys: Int, CodingKey { case mutedKinds = 1, digest = 2, nextDigestAt = 3 }
}

/// The token of an unsubscribe link (`/unsubscribe/<token>`).
@WireMessage
public struct UnsubscribeRequest: Codable, Hashable, Sendable {
    public var token: String

    public init(token: String) { self.token = token }

    enum CodingKeys: Int, CodingKey { case token = 1 }
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

    enum CodingKeys: Int, CodingKey {
        case id = 1, kind = 2, accountID = 3, subjectID = 4, message = 5, createdAt = 6, deliveredAt = 7
        case acknowledgedAt = 8
    }
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

    enum CodingKeys: Int, CodingKey { case unacknowledgedOnly = 1, limit = 2, cursor = 3 }
}

@WireMessage
public struct NotificationPage: Codable, Hashable, Sendable {
    /// Newest first.
    public var notifications: [NotificationView]
    /// Pass as `cursor` for the next (older) page; `nil` on the last page.
    public var nextCursor: String?

    enum CodingKeys: Int, CodingKey { case notifications = 1, nextCursor = 2 }
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

    enum CodingKeys: Int, CodingKey { case limit = 1, leaseSeconds = 2 }
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

    enum CodingKeys: Int, CodingKey {
        case notification = 1, recipientID = 2, recipientEmail = 3, recipientName = 4, claimedUntil = 5
    }
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

    public func notificationSettings() async throws -> NotificationSettings {
        try await call(NotificationsService.settings, Empty())
    }

    public func updateNotificationSettings(_ settings: NotificationSettings) async throws -> NotificationSettings {
        try await call(NotificationsService.updateSettings, settings)
    }

    public func unsubscribe(token: String) async throws {
        _ = try await call(NotificationsService.unsubscribe, UnsubscribeRequest(token: token))
    }

    @discardableResult
    public func confirmDelivery(_ ids: [UUID]) async throws -> Int {
        try await call(NotificationsService.confirmDelivery, NotificationIDs(ids: ids)).changed
    }
}
