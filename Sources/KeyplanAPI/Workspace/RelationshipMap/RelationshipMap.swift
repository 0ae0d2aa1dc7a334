public import Foundation
public import KeyplanWire

/// An account's relationship map: its contacts (by name) and who of our team knows whom.
@WireMessage
public struct RelationshipMap: Codable, Hashable, Sendable {
    public var accountID: UUID
    public var contacts: [Contact]
    public var relationships: [Relationship]

    enum CodingKeys: Int, CodingKey { case accountID = 1, contacts = 2, relationships = 3 }

    /// The relationships with one contact, strongest first, then by team member's name.
    public func relationships(with contactID: UUID) -> [Relationship] {
        relationships.filter { $0.contactID == contactID }.sorted {
            $0.strength != $1.strength ? $0.strength > $1.strength : ($0.userName, $0.userID.uuidString) < ($1.userName, $1.userID.uuidString)
        }
    }

    /// Our strongest relationship with a contact; `nil` when nobody of us knows them.
    public func strongest(with contactID: UUID) -> RelationshipStrength? {
        relationships.lazy.filter { $0.contactID == contactID }.map(\.strength).max()
    }
}
