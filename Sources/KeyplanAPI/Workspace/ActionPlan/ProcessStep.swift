public import Foundation
public import KeyplanWire

/// One key activity of an account's process map and who is responsible for it: a user of either
/// side, or a person or team named in `responsible`. Shared with the customer.
@WireMessage
public struct ProcessStep: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    /// The map is read in ascending position (0 to 999).
    public var position: Int
    public var activity: String
    public var responsibleUserID: UUID?
    /// The responsible user's display name.
    public var responsibleUserName: String?
    /// A person or team without a user, free text (empty when a user is responsible).
    public var responsible: String
    public var side: ProcessSide
    public var version: Int
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date

    /// The fields of a step that can be emptied (``UpdateProcessStepRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        /// Who is responsible, user or text.
        case responsible
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, position = 3, activity = 4, responsibleUserID = 5, responsibleUserName = 6
        case responsible = 7, side = 8, version = 9, updatedBy = 10, updatedAt = 11
    }

    /// Who is responsible, for people.
    public var responsibleDescription: String {
        responsibleUserName ?? (responsible.isEmpty ? "-" : responsible)
    }
}

/// Whose activity a process step is.
public enum ProcessSide: String, Codable, Hashable, Sendable, CaseIterable {
    case seller, customer, joint
}

/// A new step of the process map; without a position it goes last. At most one of
/// `responsibleUserID` and `responsible`.
@WireMessage
public struct AddProcessStepRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var position: Int?
    public var activity: String
    public var responsibleUserID: UUID?
    public var responsible: String
    public var side: ProcessSide

    public init(
        accountID: UUID, position: Int? = nil, activity: String, responsibleUserID: UUID? = nil, responsible: String = "",
        side: ProcessSide
    ) {
        self.accountID = accountID
        self.position = position
        self.activity = activity
        self.responsibleUserID = responsibleUserID
        self.responsible = responsible
        self.side = side
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, position = 2, activity = 3, responsibleUserID = 4, responsible = 5, side = 6
    }
}

/// Changes to a step read at `expectedVersion` (the co-editing rule: ``CurrentRecord``): a `nil`
/// field is kept; `responsibleUserID` or `responsible` (not both) replaces who is responsible,
/// `clear: [.responsible]` leaves nobody.
@WireMessage
public struct UpdateProcessStepRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var stepID: UUID
    public var expectedVersion: Int
    public var position: Int?
    public var activity: String?
    public var responsibleUserID: UUID?
    public var responsible: String?
    public var side: ProcessSide?
    public var clear: [ProcessStep.ClearableField]

    public init(
        accountID: UUID, stepID: UUID, expectedVersion: Int, position: Int? = nil, activity: String? = nil,
        responsibleUserID: UUID? = nil, responsible: String? = nil, side: ProcessSide? = nil, clear: [ProcessStep.ClearableField] = []
    ) {
        self.accountID = accountID
        self.stepID = stepID
        self.expectedVersion = expectedVersion
        self.position = position
        self.activity = activity
        self.responsibleUserID = responsibleUserID
        self.responsible = responsible
        self.side = side
        self.clear = clear
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, stepID = 2, expectedVersion = 3, position = 4, activity = 5, responsibleUserID = 6
        case responsible = 7, side = 8, clear = 9
    }

    /// The fields both set and cleared, which a request may not name.
    public var contradictions: [ProcessStep.ClearableField] {
        clear.filter { _ in responsibleUserID != nil || responsible != nil }
    }
}

/// Removes a step if it is still at the version read (else ABORTED with the current one).
@WireMessage
public struct RemoveProcessStepRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var stepID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, stepID = 2, expectedVersion = 3 }
}

/// An account's process map, in position order.
@WireMessage
public struct ProcessMap: Codable, Hashable, Sendable {
    public var steps: [ProcessStep]

    public init(steps: [ProcessStep]) { self.steps = steps }

    enum CodingKeys: Int, CodingKey { case steps = 1 }
}
