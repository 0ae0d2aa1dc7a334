public import Foundation
public import KeyplanWire
import NIOCore

/// What a portfolio page holds: filters (each `nil` means any), a sort, a page size and the
/// cursor of the previous page.
@WireMessage
public struct PortfolioQuery: Codable, Hashable, Sendable {
    public enum Sort: String, Codable, Hashable, Sendable, CaseIterable {
        /// By name, A to Z.
        case name
        /// By priority, 1 first; unassessed accounts last.
        case priority
        /// Highest value score first; unassessed last.
        case value
        /// Strongest relationship first; unassessed last.
        case relationship
        /// Highest current annual revenue first (amounts compared across currencies as numbers); unknown last.
        case revenue
    }

    public var quadrant: Quadrant?
    public var priority: Int?
    public var status: AccountStatus?
    public var ownerID: UUID?
    public var region: String?
    public var industry: String?
    public var objective: AccountObjective?
    /// Only accounts never assessed or assessed longer ago than the tenant's review interval.
    public var dueForReview: Bool
    public var sort: Sort
    /// 1...500; default 50.
    public var pageSize: Int
    /// ``PortfolioPage/nextCursor`` of the previous page; `nil` for the first page.
    public var cursor: String?

    public init(
        quadrant: Quadrant? = nil, priority: Int? = nil, status: AccountStatus? = nil, ownerID: UUID? = nil,
        region: String? = nil, industry: String? = nil, objective: AccountObjective? = nil, dueForReview: Bool = false,
        sort: Sort = .priority, pageSize: Int = 50, cursor: String? = nil
    ) {
        self.quadrant = quadrant
        self.priority = priority
        self.status = status
        self.ownerID = ownerID
        self.region = region
        self.industry = industry
        self.objective = objective
        self.dueForReview = dueForReview
        self.sort = sort
        self.pageSize = pageSize
        self.cursor = cursor
    }

    enum CodingKeys: Int, CodingKey {
        case quadrant = 1, priority = 2, status = 3, ownerID = 4, region = 5, industry = 6, objective = 7
        case dueForReview = 8, sort = 9, pageSize = 10, cursor = 11
    }
}

/// One page of the portfolio.
@WireMessage
public struct PortfolioPage: Codable, Hashable, Sendable {
    public var accounts: [PortfolioAccount]
    /// Pass as ``PortfolioQuery/cursor`` (with the same filters and sort) for the next page;
    /// `nil` on the last page.
    public var nextCursor: String?

    enum CodingKeys: Int, CodingKey { case accounts = 1, nextCursor = 2 }
}

/// Where a page ended: the last row's sort key and id. Opaque to clients (base64 of its binary
/// encoding); the server checks that a cursor belongs to the sort it is used with.
@WireMessage
public struct PortfolioCursor: Codable, Hashable, Sendable {
    public var sort: PortfolioQuery.Sort
    /// The sort key of a text sort (name).
    public var text: String?
    /// The sort key of a numeric sort (missing values as their sentinel).
    public var number: Decimal?
    public var id: UUID

    enum CodingKeys: Int, CodingKey { case sort = 1, text = 2, number = 3, id = 4 }

    /// The cursor as an opaque token.
    public var token: String {
        get throws {
            var buffer = ByteBuffer()
            try BinaryEncoder().encode(self, into: &buffer)
            return Data(buffer.readableBytesView).base64EncodedString()
        }
    }

    /// Decodes a cursor token; `nil` when it is not one.
    public init?(token: String) {
        guard token.utf8.count <= 1024, let data = Data(base64Encoded: token),
            let cursor = try? BinaryDecoder().decode(PortfolioCursor.self, from: ByteBuffer(bytes: data))
        else { return nil }
        self = cursor
    }
}
