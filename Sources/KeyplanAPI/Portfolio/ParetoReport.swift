public import Foundation
public import KeyplanWire

/// The Pareto view of current annual revenue. Amounts in different currencies are never added:
/// there is one ``Group`` per currency. Accounts without a known revenue, and archived accounts,
/// are left out.
@WireMessage
public struct ParetoReport: Codable, Hashable, Sendable {
    @WireMessage
    public struct Entry: Codable, Hashable, Sendable {
        public var accountID: UUID
        public var name: String
        public var revenue: Decimal

        enum CodingKeys: Int, CodingKey { case accountID = 1, name = 2, revenue = 3 }
    }

    @WireMessage
    public struct Group: Codable, Hashable, Sendable {
        public var currency: String
        public var accountCount: Int
        public var totalRevenue: Decimal
        /// ⌈20% of the accounts⌉ with the highest revenue.
        public var topFifthCount: Int
        /// Their share of the total, percent with two decimals (0 when the total is 0).
        public var topFifthShare: Decimal
        /// The smallest set of accounts whose revenue reaches 80% of the total: the highest
        /// first (ties by name, then id), as few as it takes.
        public var coreForEightyPercent: [Entry]

        enum CodingKeys: Int, CodingKey {
            case currency = 1, accountCount = 2, totalRevenue = 3, topFifthCount = 4, topFifthShare = 5
            case coreForEightyPercent = 6
        }

        /// The group of one currency's accounts, in any order.
        public init(currency: String, entries: [Entry]) {
            let sorted = entries.sorted {
                ($0.revenue, $1.name, $1.accountID.uuidString) > ($1.revenue, $0.name, $0.accountID.uuidString)
            }
            let total = sorted.reduce(Decimal(0)) { $0 + $1.revenue }
            let topCount = (sorted.count + 4) / 5
            let topRevenue = sorted.prefix(topCount).reduce(Decimal(0)) { $0 + $1.revenue }
            var core: [Entry] = []
            var running = Decimal(0)
            let target = total * 8 / 10
            for entry in sorted where total > 0 && running < target {
                core.append(entry)
                running += entry.revenue
            }
            self.init(
                currency: currency, accountCount: sorted.count, totalRevenue: total, topFifthCount: topCount,
                topFifthShare: total > 0 ? (topRevenue * 100 / total).rounded(2) : 0, coreForEightyPercent: core)
        }
    }

    /// By currency code.
    public var groups: [Group]

    public init(groups: [Group]) { self.groups = groups }

    enum CodingKeys: Int, CodingKey { case groups = 1 }
}
