import Foundation
import KeyplanWire

/// Records an account's revenue for one calendar month (replacing what that month had).
@WireMessage
public struct RecordRevenueRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// The month, `YYYY-MM`.
    public var period: String
    /// Exact, in the account's currency, at least 0 with at most two decimals.
    public var amount: Decimal

    public init(accountID: UUID, period: String, amount: Decimal) {
        self.accountID = accountID
        self.period = period
        self.amount = amount
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, period, amount }
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

        public init(period: String, amount: Decimal, currency: String) {
            self.period = period
            self.amount = amount
            self.currency = currency
        }

        enum CodingKeys: Int, CodingKey { case period = 1, amount, currency }
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
