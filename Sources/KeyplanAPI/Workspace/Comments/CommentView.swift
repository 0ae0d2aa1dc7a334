public import Foundation
public import KeyplanWire

/// What a comment is about: a goal, an action or a roadmap review of the same account.
@WireMessage
public struct CommentSubject: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case goal, action, review
    }

    public var kind: Kind
    public var id: UUID

    public init(_ kind: Kind, _ id: UUID) {
        self.kind = kind
        self.id = id
    }

    enum CodingKeys: Int, CodingKey { case kind = 1, id = 2 }
}

/// A comment as its reader may see it. Customers only ever receive shared comments.
@WireMessage
public struct CommentView: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var subject: CommentSubject
    public var author: WorkspaceChange.Actor
    public var body: String
    /// Whether the account's customers see it: a customer's comment always is; a seller's only when marked.
    public var shared: Bool
    /// The people mentioned, in the order given; each was notified.
    public var mentions: [WorkspaceChange.Actor]
    public var createdAt: Date

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, subject = 3, author = 4, body = 5, shared = 6, mentions = 7, createdAt = 8
    }
}
