public import Foundation
public import KeyplanWire

/// One of our solutions in the tenant's catalogue: the columns of every account's whitespace map.
/// Sellers read the catalogue; admins, leaders and marketing keep it. An archived solution keeps
/// its cells but is offered for no new one.
@WireMessage
public struct Solution: Codable, Hashable, Sendable {
    public var id: UUID
    /// 1 to 200 characters, unique in the tenant regardless of case.
    public var name: String
    /// At most 2,000 characters.
    public var description: String
    public var archived: Bool
    public var version: Int
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date

    enum CodingKeys: Int, CodingKey {
        case id = 1, name = 2, description = 3, archived = 4, version = 5, updatedBy = 6, updatedAt = 7
    }
}

/// A new solution of the catalogue.
@WireMessage
public struct CreateSolutionRequest: Codable, Hashable, Sendable {
    public var name: String
    public var description: String

    public init(name: String, description: String = "") {
        self.name = name
        self.description = description
    }

    enum CodingKeys: Int, CodingKey { case name = 1, description = 2 }
}

/// Changes to a solution read at `expectedVersion` (the co-editing rule: ``CurrentRecord``); a
/// `nil` field is kept.
@WireMessage
public struct UpdateSolutionRequest: Codable, Hashable, Sendable {
    public var solutionID: UUID
    public var expectedVersion: Int
    public var name: String?
    public var description: String?
    public var archived: Bool?

    public init(solutionID: UUID, expectedVersion: Int, name: String? = nil, description: String? = nil, archived: Bool? = nil) {
        self.solutionID = solutionID
        self.expectedVersion = expectedVersion
        self.name = name
        self.description = description
        self.archived = archived
    }

    enum CodingKeys: Int, CodingKey { case solutionID = 1, expectedVersion = 2, name = 3, description = 4, archived = 5 }
}

/// Which solutions of the catalogue to list.
@WireMessage
public struct ListSolutionsRequest: Codable, Hashable, Sendable {
    public var includeArchived: Bool

    public init(includeArchived: Bool = false) { self.includeArchived = includeArchived }

    enum CodingKeys: Int, CodingKey { case includeArchived = 1 }
}

/// The catalogue by name.
@WireMessage
public struct SolutionList: Codable, Hashable, Sendable {
    public var solutions: [Solution]

    public init(solutions: [Solution]) { self.solutions = solutions }

    enum CodingKeys: Int, CodingKey { case solutions = 1 }
}
