public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Comments`: comments on a goal, an action or a roadmap review, from both sides. A
/// seller's comment is internal unless marked shared; a customer's is always shared, and a
/// customer never receives an internal one (nor a comment on anything they cannot see).
public enum CommentsService {
    public static let name = "keyplan.Comments"
    /// Adds a comment; each mentioned user is notified.
    public static let add = RPCMethod<AddCommentRequest, CommentView>.unary(name, "Add")
    /// A subject's comments the caller may see, oldest first.
    public static let list = RPCMethod<ListCommentsRequest, CommentList>.read(name, "List")
}

@WireMessage
public struct AddCommentRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var subject: CommentSubject
    /// 1 to 10,000 characters.
    public var body: String
    /// A seller's comment is internal unless `true`; a customer's is always shared (`false` is refused).
    public var shared: Bool?
    /// Users to notify (at most 50); each must be able to see the comment: a customer cannot be
    /// mentioned in an internal comment.
    public var mentions: [UUID]

    public init(accountID: UUID, subject: CommentSubject, body: String, shared: Bool? = nil, mentions: [UUID] = []) {
        self.accountID = accountID
        self.subject = subject
        self.body = body
        self.shared = shared
        self.mentions = mentions
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, subject = 2, body = 3, shared = 4, mentions = 5 }
}

@WireMessage
public struct ListCommentsRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var subject: CommentSubject
    /// At most this many, the oldest (default and maximum 1,000).
    public var limit: Int?

    enum CodingKeys: Int, CodingKey { case accountID = 1, subject = 2, limit = 3 }
}

@WireMessage
public struct CommentList: Codable, Hashable, Sendable {
    public var comments: [CommentView]

    public init(comments: [CommentView]) { self.comments = comments }

    enum CodingKeys: Int, CodingKey { case comments = 1 }
}

extension KeyplanClient {
    public func addComment(_ request: AddCommentRequest) async throws -> CommentView {
        try await call(CommentsService.add, request)
    }

    public func comments(accountID: UUID, on subject: CommentSubject, limit: Int? = nil) async throws -> [CommentView] {
        try await call(CommentsService.list, ListCommentsRequest(accountID: accountID, subject: subject, limit: limit)).comments
    }
}
