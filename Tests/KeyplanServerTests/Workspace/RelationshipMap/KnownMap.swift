import Foundation
import KeyplanAPI

/// A relationship map with known answers, for the coverage and chart tests:
///
///     Carla Chen (CEO)        decision maker, high influence, neutral    Sam: moderate
///     ├ Frank Fox (CFO)       decision maker, medium, skeptic            nobody
///     │ └ Gus Gray            gatekeeper, medium, neutral                Tina: moderate
///     └ Ivy Ito (IT Director) influencer, high, supporter                Sam: strong, Tina: weak
///       └ Uma Ueda            user, low, advocate                        Sam: strong
enum KnownMap {
    static let account = UUID(uuidString: "00000000-0000-0000-0000-0000000000aa")!
    static let sam = UUID(uuidString: "00000000-0000-0000-0000-000000000051")!
    static let tina = UUID(uuidString: "00000000-0000-0000-0000-000000000052")!
    static let carla = UUID(uuidString: "00000000-0000-0000-0000-0000000000c1")!
    static let frank = UUID(uuidString: "00000000-0000-0000-0000-0000000000c2")!
    static let gus = UUID(uuidString: "00000000-0000-0000-0000-0000000000c3")!
    static let ivy = UUID(uuidString: "00000000-0000-0000-0000-0000000000c4")!
    static let uma = UUID(uuidString: "00000000-0000-0000-0000-0000000000c5")!

    static var map: RelationshipMap {
        RelationshipMap(
            accountID: account,
            contacts: [
                Contact(id: uma, accountID: account, fullName: "Uma Ueda", reportsTo: ivy, decisionRole: .user, influence: .low, attitude: .advocate),
                Contact(
                    id: carla, accountID: account, fullName: "Carla Chen", title: "CEO", decisionRole: .decisionMaker, influence: .high,
                    attitude: .neutral),
                Contact(
                    id: ivy, accountID: account, fullName: "Ivy Ito", title: "IT Director", reportsTo: carla, decisionRole: .influencer,
                    influence: .high, attitude: .supporter),
                Contact(
                    id: frank, accountID: account, fullName: "Frank Fox", title: "CFO", reportsTo: carla, decisionRole: .decisionMaker,
                    influence: .medium, attitude: .skeptic),
                Contact(
                    id: gus, accountID: account, fullName: "Gus Gray", reportsTo: frank, decisionRole: .gatekeeper, influence: .medium,
                    attitude: .neutral),
            ],
            relationships: [
                relationship(sam, "Sam", carla, .moderate),
                relationship(sam, "Sam", ivy, .strong),
                relationship(tina, "Tina", ivy, .weak),
                relationship(sam, "Sam", uma, .strong),
                relationship(tina, "Tina", gus, .moderate),
            ])
    }

    static func relationship(_ user: UUID, _ name: String, _ contact: UUID, _ strength: RelationshipStrength) -> Relationship {
        Relationship(accountID: account, contactID: contact, userID: user, userName: name, strength: strength)
    }
}
