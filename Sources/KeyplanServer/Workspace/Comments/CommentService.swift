import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Comments`: comments on goals, actions and roadmap reviews from both sides. A
/// customer only ever reaches subjects they can see and comments that are shared; the filter is
/// in SQL, so internal comments are never read for them.
struct CommentService: SecuredService {
    let environment: ServiceEnvironment

    /// The most users one comment mentions (`comments.mentions`).
    static let maximumMentions = 50

    func register(with routes: inout SecuredRoutes) {
        routes.account(CommentsService.add) { request, call in
            let caller = call.principal
            let body = try Validate.text(request.body, field: "the comment", characters: 1...10_000)
            let shared = try Self.sharing(request.shared, by: caller)
            var seen = Set<UUID>()
            let mentions = request.mentions.filter { seen.insert($0).inserted }
            guard mentions.count <= Self.maximumMentions else {
                throw RPCError(code: .invalidArgument, message: "a comment mentions at most \(Self.maximumMentions) people, got \(mentions.count)")
            }
            let transaction = call.transaction
            let comments = CommentRepository(transaction: transaction)
            let target = try await Self.visibleTarget(request.subject, in: request.accountID, for: caller, comments)
            if shared, !target.shared {
                throw RPCError(code: .failedPrecondition, message: "\(target.label) is internal: a comment on it cannot be shared")
            }
            let mentioned = try await AccountParticipants(transaction: transaction, accountID: request.accountID)
                .require(mentions, as: "a mentioned person", tenantReaders: !shared && caller.tenantRole != nil)
            try Self.checkMentions(mentioned.values, shared: shared)
            let comment = try await comments.insert(body, on: request.subject, in: request.accountID, shared: shared, mentions: mentions, by: caller)
            try await WorkspaceJournal(transaction: transaction).record(
                JournalEntry(
                    accountID: request.accountID, entity: .comment, entityID: comment.id, operation: .created, version: nil,
                    visibility: shared ? .shared : .internal, summary: "\(shared ? "Comment" : "Internal comment") on \(target.label)",
                    fields: FieldChange.diff(before: nil, after: comment, except: ["author"])), by: caller)
            try await NotificationOutbox(transaction: transaction).enqueue(
                .mention, to: mentions, except: caller.userID, tenantID: caller.tenantID, accountID: request.accountID,
                subjectID: request.subject.id, message: "\(comment.author.displayName) mentioned you on \(target.label): \(body.prefix(300))")
            return comment
        }
        routes.account(CommentsService.list) { request, call in
            let caller = call.principal
            let limit = try Validate.limit(request.limit, maximum: 1000)
            let comments = CommentRepository(transaction: call.transaction)
            _ = try await Self.visibleTarget(request.subject, in: request.accountID, for: caller, comments)
            return CommentList(
                comments: try await comments.list(
                    on: request.subject, in: request.accountID, includingInternal: caller.kind != .customer, limit: limit))
        }
    }

    /// A seller's comment is internal unless marked shared; a customer's is always shared.
    static func sharing(_ requested: Bool?, by caller: Principal) throws -> Bool {
        guard caller.kind == .customer else { return requested ?? false }
        guard requested != false else {
            throw RPCError(code: .invalidArgument, message: "a customer's comment is always shared: leave shared out or set it")
        }
        return true
    }

    /// The subject, when it is in the account and the caller may see it; NOT_FOUND otherwise
    /// (a customer is not told that an internal action exists).
    static func visibleTarget(
        _ subject: CommentSubject, in accountID: UUID, for caller: Principal, _ comments: CommentRepository
    ) async throws -> CommentTarget {
        guard let target = try await comments.target(subject, in: accountID), target.shared || caller.kind != .customer else {
            throw RPCError(code: .notFound, message: "no \(subject.kind.rawValue) \(subject.id) in this account")
        }
        return target
    }

    /// Mentions are participants of the account (see ``AccountParticipants``); an internal
    /// comment mentions none of the customer's people, who could not read it.
    static func checkMentions(_ mentioned: some Sequence<WorkspaceChange.Actor>, shared: Bool) throws {
        if !shared, let customer = mentioned.first(where: { $0.kind == .customer }) {
            throw RPCError(
                code: .invalidArgument,
                message: "an internal comment cannot mention a customer (\(customer.displayName)): share it or leave them out")
        }
    }
}
