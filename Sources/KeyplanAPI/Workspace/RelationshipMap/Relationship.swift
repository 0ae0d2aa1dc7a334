public import Foundation
public import KeyplanWire

/// How well one of our team members (a seller of the tenant) knows one of the customer's
/// contacts. Seller-internal.
@WireMessage
public struct Relationship: Codable, Hashable, Sendable {
    public var accountID: UUID
    public var contactID: UUID
    /// Our team member: a seller of the tenant.
    public var userID: UUID
    /// The team member's display name.
    public var userName: String
    public var strength: RelationshipStrength
    public var note: String
    public var version: Int
    public var updatedAt: Date
    /// Who changed the relationship last; `nil` when unknown (written before Keyplan recorded it).
    public var updatedBy: WorkspaceChange.Actor?

    public init(
        accountID: UUID, contactID: UUID, userID: UUID, userName: String, strength: RelationshipStrength, note: String = "",
        version: Int = 1, updatedAt: Date = Date(timeIntervalSince1970: 0), updatedBy: WorkspaceChange.Actor? = nil
    ) {
        self.accountID = accountID
        self.contactID = contactID
        self.userID = userID
        self.userName = userName
        self.strength = strength
        self.note = note
        self.version = version
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, contactID = 2, userID = 3, userName = 4, strength = 5, note = 6, version = 7, updatedAt = 8
        case updatedBy = 9
    }
}

/// How well a team member knows a contact; ordered, weakest first.
public enum RelationshipStrength: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case weak, moderate, strong

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .weak: 0
        case .moderate: 1
        case .strong: 2
        }
    }
}
