public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Coaching`: for leaders, where coaching matters most, per seller and account, ranked.
public enum CoachingService {
    public static let name = "keyplan.Coaching"
    public static let list = RPCMethod<CoachingQuery, CoachingList>.read(name, "List")
}

@WireMessage
public struct CoachingQuery: Codable, Hashable, Sendable {
    /// Only the accounts this seller owns.
    public var sellerID: UUID?
    /// At most this many accounts (default and maximum 200).
    public var limit: Int?

    enum CodingKeys: Int, CodingKey { case sellerID = 1, limit = 2 }
}

/// One account's coaching prompts and the seller who owns it.
@WireMessage
public struct CoachingItem: Codable, Hashable, Sendable {
    public var accountID: UUID
    public var accountName: String
    public var sellerID: UUID?
    public var sellerName: String?
    /// The sum of the prompts' points: the ranking key.
    public var points: Int
    public var prompts: [CoachingPrompt]

    public init(accountID: UUID, accountName: String, sellerID: UUID?, sellerName: String?, prompts: [CoachingPrompt]) {
        self.accountID = accountID
        self.accountName = accountName
        self.sellerID = sellerID
        self.sellerName = sellerName
        self.points = prompts.reduce(0) { $0 + $1.points }
        self.prompts = prompts
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, accountName = 2, sellerID = 3, sellerName = 4, points = 5, prompts = 6
    }

    /// Most points first; ties by account name.
    public static func ranked(_ items: [CoachingItem]) -> [CoachingItem] {
        items.filter { !$0.prompts.isEmpty }.sorted { ($1.points, $0.accountName) < ($0.points, $1.accountName) }
    }
}

@WireMessage
public struct CoachingList: Codable, Hashable, Sendable {
    public var items: [CoachingItem]

    public init(items: [CoachingItem]) { self.items = items }

    enum CodingKeys: Int, CodingKey { case items = 1 }
}

extension KeyplanClient {
    public func coaching(_ query: CoachingQuery = CoachingQuery()) async throws -> [CoachingItem] {
        try await call(CoachingService.list, query).items
    }
}
