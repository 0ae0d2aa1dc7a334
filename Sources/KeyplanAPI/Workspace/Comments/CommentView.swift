import Foundation
import KeyplanWire

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

    enum CodingKeys: Int, CodingKey { case kind = 1, id }
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

    public init(
        id: UUID, accountID: UUID, subject: CommentSubject, author: WorkspaceChange.Actor, body: String, shared: Bool,
        mentions: [WorkspaceChange.Actor], createdAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.subject = subject
        self.author = author
        self.body = body
        self.shared = shared
        self.mentions = mentions
        self.createdAt = createdAt
    }

    enum CodingKeys: Int, CodingKey { case id = 1, accountID, subject, author, body, shared, mentions, createdAt }
}
