public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.RelationshipMap`: the customer's people on an account, their place in the decision,
/// and which of our team knows whom. Seller-internal throughout: the policy lets sellers in
/// scope read it and the account's team (and admins) change it; a customer gets
/// PERMISSION_DENIED for every method (NOT_FOUND for an account not theirs). Every change is
/// journaled as an internal change.
public enum RelationshipMapService {
    public static let name = "keyplan.RelationshipMap"
    public static let addContact = RPCMethod<AddContactRequest, Contact>.unary(name, "AddContact")
    /// Changes a contact; a stale `expectedVersion` answers ABORTED with the current contact.
    public static let updateContact = RPCMethod<UpdateContactRequest, Contact>.unary(name, "UpdateContact")
    /// Removes a contact with its relationships; their direct reports no longer report to anyone.
    public static let removeContact = RPCMethod<RemoveContactRequest, Empty>.unary(name, "RemoveContact")
    /// The whole map of an account: contacts by name, relationships.
    public static let map = RPCMethod<AccountRef, RelationshipMap>.read(name, "Map")
    /// Records or changes how well a team member knows a contact (a change names the version it read).
    public static let setRelationship = RPCMethod<SetRelationshipRequest, Relationship>.unary(name, "SetRelationship")
    public static let removeRelationship = RPCMethod<RemoveRelationshipRequest, Empty>.unary(name, "RemoveRelationship")
    /// The map's coverage gaps, single-threading and status (``CoverageReport``).
    public static let coverageGaps = RPCMethod<AccountRef, CoverageReport>.read(name, "CoverageGaps")
}

@WireMessage
public struct AddContactRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// 1 to 200 characters.
    public var fullName: String
    public var email: String?
    /// At most 200 characters.
    public var title: String
    /// At most 200 characters.
    public var department: String
    /// A contact of the same account.
    public var reportsTo: UUID?
    public var decisionRole: DecisionRole?
    public var influence: Influence?
    public var attitude: Attitude?
    /// At most 4,000 characters.
    public var concerns: String

    public init(
        accountID: UUID, fullName: String, email: String? = nil, title: String = "", department: String = "", reportsTo: UUID? = nil,
        decisionRole: DecisionRole? = nil, influence: Influence? = nil, attitude: Attitude? = nil, concerns: String = ""
    ) {
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
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, fullName = 2, email = 3, title = 4, department = 5, reportsTo = 6, decisionRole = 7
        case influence = 8, attitude = 9, concerns = 10
    }
}

/// The fields to change on a contact: a `nil` field is kept, a field in ``clear`` is emptied
/// (naming a field in both is refused).
@WireMessage
public struct UpdateContactRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var contactID: UUID
    /// The version the caller read.
    public var expectedVersion: Int
    public var fullName: String?
    public var email: String?
    public var title: String?
    public var department: String?
    public var reportsTo: UUID?
    public var decisionRole: DecisionRole?
    public var influence: Influence?
    public var attitude: Attitude?
    public var concerns: String?
    public var clear: [Contact.ClearableField]

    public init(
        accountID: UUID, contactID: UUID, expectedVersion: Int, fullName: String? = nil, email: String? = nil, title: String? = nil,
        department: String? = nil, reportsTo: UUID? = nil, decisionRole: DecisionRole? = nil, influence: Influence? = nil,
        attitude: Attitude? = nil, concerns: String? = nil, clear: [Contact.ClearableField] = []
    ) {
        self.accountID = accountID
        self.contactID = contactID
        self.expectedVersion = expectedVersion
        self.fullName = fullName
        self.email = email
        self.title = title
        self.department = department
        self.reportsTo = reportsTo
        self.decisionRole = decisionRole
        self.influence = influence
        self.attitude = attitude
        self.concerns = concerns
        self.clear = clear
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, contactID = 2, expectedVersion = 3, fullName = 4, email = 5, title = 6, department = 7
        case reportsTo = 8, decisionRole = 9, influence = 10, attitude = 11
        case concerns = 12, clear = 13
    }
}

/// Removes a contact if it is still at the version read (else ABORTED with the current one).
@WireMessage
public struct RemoveContactRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var contactID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, contactID = 2, expectedVersion = 3 }
}

/// How well a team member knows a contact. Without `expectedVersion` it records a new
/// relationship (`strength` required; an existing one answers ABORTED with it, so no edit is
/// overwritten unseen); with it, it changes the relationship read at that version: a `nil`
/// field is kept.
@WireMessage
public struct SetRelationshipRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var contactID: UUID
    /// Our team member: a seller on the account's team.
    public var userID: UUID
    public var strength: RelationshipStrength?
    /// At most 2,000 characters; a new relationship's is empty unless given.
    public var note: String?
    public var expectedVersion: Int?

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, contactID = 2, userID = 3, strength = 4, note = 5, expectedVersion = 6
    }
}

@WireMessage
public struct RemoveRelationshipRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var contactID: UUID
    public var userID: UUID
    /// The version read: a relationship changed meanwhile is not removed (ABORTED with the current one).
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, contactID = 2, userID = 3, expectedVersion = 4 }
}

extension KeyplanClient {
    public func addContact(_ request: AddContactRequest) async throws -> Contact {
        try await call(RelationshipMapService.addContact, request)
    }

    public func updateContact(_ request: UpdateContactRequest) async throws -> Contact {
        try await call(RelationshipMapService.updateContact, request)
    }

    public func removeContact(_ request: RemoveContactRequest) async throws {
        _ = try await call(RelationshipMapService.removeContact, request)
    }

    public func relationshipMap(of accountID: UUID) async throws -> RelationshipMap {
        try await call(RelationshipMapService.map, AccountRef(accountID: accountID))
    }

    public func setRelationship(_ request: SetRelationshipRequest) async throws -> Relationship {
        try await call(RelationshipMapService.setRelationship, request)
    }

    public func removeRelationship(_ request: RemoveRelationshipRequest) async throws {
        _ = try await call(RelationshipMapService.removeRelationship, request)
    }

    public func coverageGaps(of accountID: UUID) async throws -> CoverageReport {
        try await call(RelationshipMapService.coverageGaps, AccountRef(accountID: accountID))
    }
}
