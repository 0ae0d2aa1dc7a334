public import Foundation
public import KeyplanWire

/// One of the customer's people on an account, with their place in the decision. Seller-internal:
/// the role, influence, attitude and concerns are exactly what a customer must never read, so
/// only ``RelationshipMapService`` returns contacts and the policy refuses it to customers.
@WireMessage
public struct Contact: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var fullName: String
    public var email: String?
    public var title: String
    public var department: String
    /// The contact's manager: another contact of the same account.
    public var reportsTo: UUID?
    public var decisionRole: DecisionRole?
    public var influence: Influence?
    /// Their attitude toward us.
    public var attitude: Attitude?
    /// Their business concerns, in our words.
    public var concerns: String
    /// The CRM's id, when the contact came from an import.
    public var externalID: String?
    public var version: Int
    public var updatedAt: Date
    /// Who changed the contact last; `nil` when unknown (written before Keyplan recorded it).
    public var updatedBy: WorkspaceChange.Actor?

    public init(
        id: UUID, accountID: UUID, fullName: String, email: String? = nil, title: String = "", department: String = "",
        reportsTo: UUID? = nil, decisionRole: DecisionRole? = nil, influence: Influence? = nil, attitude: Attitude? = nil,
        concerns: String = "", externalID: String? = nil, version: Int = 1, updatedAt: Date = Date(timeIntervalSince1970: 0),
        updatedBy: WorkspaceChange.Actor? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.fullName = fullName
        self.email = email
        self.title = title
        self.department = department
        self.reportsTo = reportsTo
        self.decisionRole = decisionRole
        self.influence = influence
        self.attitude = attitude
        self.concerns = concerns
        self.externalID = externalID
        self.version = version
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, fullName = 3, email = 4, title = 5, department = 6, reportsTo = 7, decisionRole = 8
        case influence = 9, attitude = 10, concerns = 11
        case externalID = 12, version = 13, updatedAt = 14, updatedBy = 15
    }

    /// A key player: a decision maker, or anyone of high influence. Coverage gaps, single-threading
    /// and the map status are about them.
    public var isKeyPlayer: Bool { decisionRole == .decisionMaker || influence == .high }

    /// Supports us: an advocate or a supporter.
    public var isSupportive: Bool { attitude == .advocate || attitude == .supporter }

    /// The name with the title, for sentences ("Dana Diaz (CFO)").
    public var label: String { title.isEmpty ? fullName : "\(fullName) (\(title))" }

    /// The fields of a contact that can be emptied (``UpdateContactRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case email
        case reportsTo = "reports_to"
        case decisionRole = "decision_role"
        case influence
        case attitude
    }
}

/// A contact's role in the buying decision.
public enum DecisionRole: String, Codable, Hashable, Sendable, CaseIterable {
    case decisionMaker = "decision_maker"
    case influencer
    case champion
    case user
    case gatekeeper
    case blocker

    /// For sentences and labels ("decision maker").
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// How much a contact weighs in the decision.
public enum Influence: String, Codable, Hashable, Sendable, CaseIterable {
    case low, medium, high
}

/// A contact's attitude toward us, from our strongest ally to our strongest opponent.
public enum Attitude: String, Codable, Hashable, Sendable, CaseIterable {
    case advocate, supporter, neutral, skeptic, opponent
}
