public import Foundation
public import KeyplanWire

/// What a relationship map says about our coverage of an account, computed from the map alone
/// (pure, deterministic):
///
/// - **Gaps**: key players — decision makers and high-influence contacts — whom nobody on our
///   team knows strongly.
/// - **Single-threading**: every relationship (or every strong one) goes through one team
///   member, or a key player is known by only one of us. Losing that person loses the account.
/// - **Status**, as Altify colours a map: red when no key player supports us, amber when some do
///   but no decision maker, green when a decision maker does.
@WireMessage
public struct CoverageReport: Codable, Hashable, Sendable {
    public var accountID: UUID
    /// Key players without a strong relationship: decision makers first, then by name.
    public var gaps: [CoverageGap]
    /// Why the account is single-threaded; empty when it is not.
    public var singleThreading: [SingleThreading]
    public var status: MapStatus
    /// The status in words.
    public var statusReason: String
    /// How many of our team members have any relationship on the account, and a strong one.
    public var teamMembers: Int
    public var teamMembersWithStrongRelationships: Int

    public var isSingleThreaded: Bool { !singleThreading.isEmpty }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, gaps = 2, singleThreading = 3, status = 4, statusReason = 5, teamMembers = 6
        case teamMembersWithStrongRelationships = 7
    }

    /// The analysis of `map`.
    public init(map: RelationshipMap) {
        let keyPlayers = map.contacts.filter(\.isKeyPlayer).sorted {
            let (a, b) = ($0.decisionRole == .decisionMaker, $1.decisionRole == .decisionMaker)
            return a != b ? a : ($0.fullName, $0.id.uuidString) < ($1.fullName, $1.id.uuidString)
        }
        self.accountID = map.accountID
        self.gaps = keyPlayers.compactMap { contact in
            let known = map.relationships(with: contact.id)
            guard known.first?.strength != .strong else { return nil }
            return CoverageGap(contact: contact, strongest: known.first)
        }
        let members = Set(map.relationships.map(\.userID))
        let strongMembers = Set(map.relationships.filter { $0.strength == .strong }.map(\.userID))
        self.teamMembers = members.count
        self.teamMembersWithStrongRelationships = strongMembers.count
        func name(_ userID: UUID) -> String { map.relationships.first { $0.userID == userID }?.userName ?? userID.uuidString }

        var threading: [SingleThreading] = []
        if members.count == 1, let only = members.first {
            threading.append(
                SingleThreading(
                    kind: .allRelationships, userID: only, userName: name(only), contactID: nil, contactName: nil,
                    explanation: "Every relationship on this account goes through \(name(only))."))
        } else if strongMembers.count == 1, let only = strongMembers.first {
            threading.append(
                SingleThreading(
                    kind: .allStrongRelationships, userID: only, userName: name(only), contactID: nil, contactName: nil,
                    explanation: "Every strong relationship on this account goes through \(name(only))."))
        }
        for contact in keyPlayers {
            let known = map.relationships(with: contact.id)
            guard known.count == 1, let only = known.first else { continue }
            threading.append(
                SingleThreading(
                    kind: .keyPlayerKnownByOne, userID: only.userID, userName: only.userName, contactID: contact.id, contactName: contact.fullName,
                    explanation: "\(contact.label), \(Self.keyPlayerWords(contact)), is known only by \(only.userName) (\(only.strength.rawValue))."))
        }
        self.singleThreading = threading

        let supportive = keyPlayers.filter(\.isSupportive)
        if let decisionMaker = supportive.first(where: { $0.decisionRole == .decisionMaker }) {
            self.status = .green
            self.statusReason = "Decision maker \(decisionMaker.label) supports us."
        } else if !supportive.isEmpty {
            self.status = .amber
            self.statusReason =
                "\(Self.list(supportive.map(\.label))) \(supportive.count == 1 ? "supports" : "support") us, but no decision maker does."
        } else {
            self.status = .red
            self.statusReason = keyPlayers.isEmpty ? "No key player (decision maker or high influence) is on the map." : "No key player supports us."
        }
    }

    /// "a decision maker", "a high-influence influencer", "a decision maker of high influence".
    static func keyPlayerWords(_ contact: Contact) -> String {
        switch (contact.decisionRole, contact.influence == .high) {
        case (.decisionMaker?, true): "a decision maker of high influence"
        case (.decisionMaker?, false): "a decision maker"
        case (let role?, _): "a high-influence \(role.words)"
        case (nil, _): "a high-influence contact"
        }
    }

    /// "A", "A and B", "A, B and C".
    static func list(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }
}

/// A key player nobody on our team knows strongly.
@WireMessage
public struct CoverageGap: Codable, Hashable, Sendable {
    public var contactID: UUID
    public var contactName: String
    public var decisionRole: DecisionRole?
    public var influence: Influence?
    /// Our strongest relationship with them (`nil`: nobody knows them) and through whom.
    public var strongest: RelationshipStrength?
    public var through: String?
    /// Which contact and why, in words.
    public var explanation: String

    init(contact: Contact, strongest: Relationship?) {
        let known = strongest.map { "our strongest relationship is \($0.strength.rawValue) (\($0.userName))" } ?? "nobody on our team knows them"
        self.init(
            contactID: contact.id, contactName: contact.fullName, decisionRole: contact.decisionRole, influence: contact.influence,
            strongest: strongest?.strength, through: strongest?.userName,
            explanation: "\(contact.label) is \(CoverageReport.keyPlayerWords(contact)) without a strong relationship: \(known).")
    }

    enum CodingKeys: Int, CodingKey {
        case contactID = 1, contactName = 2, decisionRole = 3, influence = 4, strongest = 5, through = 6
        case explanation = 7
    }
}

/// One reason an account is single-threaded.
@WireMessage
public struct SingleThreading: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// Every relationship on the account goes through one team member.
        case allRelationships = "all_relationships"
        /// Every strong relationship goes through one team member (others know people weakly).
        case allStrongRelationships = "all_strong_relationships"
        /// A key player is known by only one team member.
        case keyPlayerKnownByOne = "key_player_known_by_one"
    }

    public var kind: Kind
    /// The one team member.
    public var userID: UUID
    public var userName: String
    /// The key player, for ``Kind/keyPlayerKnownByOne``.
    public var contactID: UUID?
    public var contactName: String?
    public var explanation: String

    enum CodingKeys: Int, CodingKey {
        case kind = 1, userID = 2, userName = 3, contactID = 4, contactName = 5, explanation = 6
    }
}

/// A relationship map's status, as Altify colours it.
public enum MapStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// No key player supports us.
    case red
    /// Some key players support us, but no decision maker.
    case amber
    /// A decision maker supports us.
    case green
}
