public import Foundation
public import KeyplanWire

/// One page of an account's activity feed (``WorkspaceService/activity``).
@WireMessage
public struct ActivityRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// Changes older than this change id (the previous page's ``ActivityPage/nextBefore``);
    /// `nil` for the newest.
    public var before: Int64?
    /// At most this many changes (1–500, default 50).
    public var limit: Int?

    enum CodingKeys: Int, CodingKey { case accountID = 1, before = 2, limit = 3 }
}

/// Who changed what in an account workspace, newest first, and how engaged the customer is.
@WireMessage
public struct ActivityPage: Codable, Hashable, Sendable {
    /// Newest first; a customer's page holds shared changes only.
    public var changes: [WorkspaceChange]
    /// Pass as `before` for the next (older) page; `nil` on the last page.
    public var nextBefore: Int64?
    /// How often the customer reviews and updates the plan: seller-internal, `nil` for customers.
    public var engagement: Engagement?

    enum CodingKeys: Int, CodingKey { case changes = 1, nextBefore = 2, engagement = 3 }
}

/// The customer's engagement with an account workspace: their edits (journal changes by customer
/// users) and visits (account-scoped calls, counted per user and day).
@WireMessage
public struct Engagement: Codable, Hashable, Sendable {
    /// The last 30 days.
    public var last30Days: Window
    /// The last 90 days.
    public var last90Days: Window
    /// The customer's latest edit or visit; `nil`: never.
    public var lastCustomerActivityAt: Date?
    /// The sellers' latest edit or visit; `nil`: never.
    public var lastSellerActivityAt: Date?

    enum CodingKeys: Int, CodingKey {
        case last30Days = 1, last90Days = 2, lastCustomerActivityAt = 3, lastSellerActivityAt = 4
    }

    /// Customer engagement over the last `days` days.
    @WireMessage
    public struct Window: Codable, Hashable, Sendable {
        public var days: Int
        /// Changes made by customer users.
        public var customerEdits: Int
        /// Account-scoped calls by customer users.
        public var customerViews: Int
        /// Distinct customer users who visited.
        public var customerVisitors: Int
        /// Days on which at least one customer user visited.
        public var customerVisitDays: Int

        enum CodingKeys: Int, CodingKey {
            case days = 1, customerEdits = 2, customerViews = 3, customerVisitors = 4, customerVisitDays = 5
        }
    }
}

extension KeyplanClient {
    public func activity(accountID: UUID, before: Int64? = nil, limit: Int? = nil) async throws -> ActivityPage {
        try await call(WorkspaceService.activity, ActivityRequest(accountID: accountID, before: before, limit: limit))
    }
}
