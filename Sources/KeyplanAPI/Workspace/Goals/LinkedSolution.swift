import Foundation
import KeyplanWire

/// One of our solutions a seller linked to a customer goal: shared, so the customer sees how we help.
@WireMessage
public struct LinkedSolution: Codable, Hashable, Sendable {
    /// 1 to 200 characters, unique per goal.
    public var solution: String
    /// At most 2,000 characters.
    public var note: String
    public var linkedBy: WorkspaceChange.Actor
    public var linkedAt: Date

    public init(solution: String, note: String, linkedBy: WorkspaceChange.Actor, linkedAt: Date) {
        self.solution = solution
        self.note = note
        self.linkedBy = linkedBy
        self.linkedAt = linkedAt
    }

    enum CodingKeys: Int, CodingKey { case solution = 1, note, linkedBy, linkedAt }
}
