public import Foundation
public import KeyplanWire

/// Records an account's revenue for one calendar month (replacing what that month had).
@WireMessage
public struct RecordRevenueRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// The month, `YYYY-MM`.
    public var period: String
    /// Exact, in the account's currency, at least 0 with at most two decimals.
    public var amount: Decimal

    enum CodingKeys: Int, CodingKey { case accountID = 1, period = 2, amount = 3 }
}

/// An account's revenue by month, oldest first, for trends.
@WireMessage
public struct RevenueHistory: Codable, Hashable, Sendable {
    @WireMessage
    public struct Entry: Codable, Hashable, Sendable {
        /// `YYYY-MM`.
        public var period: String
        public var amount: Decimal
        public var currency: String

        enum CodingKeys: Int, CodingKey { case period = 1, amount = 2, currency = 3 }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    enum CodingKeys: Int, CodingKey { case entries = 1 }
}

extension KeyplanClient {
    public func recordRevenue(_ request: RecordRevenueRequest) async throws -> RevenueHistory {
        try await call(PortfolioService.recordRevenue, request)
    }

    public func revenueHistory(of accountID: UUID) async throws -> RevenueHistory {
        try await call(PortfolioService.revenueHistory, AccountRef(accountID: accountID))
    }
}
