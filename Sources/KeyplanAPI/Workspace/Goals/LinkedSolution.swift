public import Foundation
public import KeyplanWire

/// One of our solutions a seller linked to a customer goal: shared, so the customer sees how we help.
@WireMessage
public struct LinkedSolution: Codable, Hashable, Sendable {
    /// 1 to 200 characters, unique per goal.
    public var solution: String
    /// At most 2,000 characters.
    public var note: String
    public var linkedBy: WorkspaceChange.Actor
    public var linkedAt: Date

    enum CodingKeys: Int, CodingKey { case solution = 1, note = 2, linkedBy = 3, linkedAt = 4 }
}
