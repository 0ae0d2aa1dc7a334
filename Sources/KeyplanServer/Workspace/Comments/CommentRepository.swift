import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// What a comment hangs on, as the comment service needs to know it.
struct CommentTarget: Sendable {
    /// For people: `goal “Grow EMEA”`.
    var label: String
    /// Whether the account's customers see the subject (an action only when shared).
    var shared: Bool
}

/// The comments of the transaction's tenant (`comments`, append-only), always read within one
/// account and one subject.
struct CommentRepository {
    let transaction: TenantTransaction

    /// The subject in the account; `nil` when there is none.
    func target(_ subject: CommentSubject, in accountID: UUID) async throws -> CommentTarget? {
        let query: PostgresQuery
        switch subject.kind {
        case .goal:
            query = "SELECT kind || ' “' || title || '”' AS label, true AS shared FROM goals WHERE account_id = \(accountID) AND id = \(subject.id)"
        case .action:
            query = "SELECT 'action “' || title || '”' AS label, shared FROM actions WHERE account_id = \(accountID) AND id = \(subject.id)"
        case .review:
            query = """
                SELECT 'the roadmap review of ' || to_char(held_on, 'YYYY-MM-DD') AS label, true AS shared
                FROM roadmap_reviews WHERE account_id = \(accountID) AND id = \(subject.id)
                """
        }
        return try await transaction.query(query).first.map {
            CommentTarget(label: try $0.decode(String.self, column: "label"), shared: try $0.decode(Bool.self, column: "shared"))
        }
    }

    func insert(
        _ body: String, on subject: CommentSubject, in accountID: UUID, shared: Bool, mentions: [UUID], by author: Principal
    ) async throws -> CommentView {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO comments (tenant_id, id, account_id, subject_kind, subject_id, author_id, body, shared, mentions)
            VALUES (\(author.tenantID), \(id), \(accountID), \(subject.kind.rawValue), \(subject.id), \(author.userID), \(body), \(shared), \(mentions))
            """)
        guard let comment = try await comments(where: "c.id = \(id)", includingInternal: true, limit: 1).first else {
            throw RPCError(code: .internal, message: "internal error")
        }
        return comment
    }

    /// The subject's comments, oldest first; internal ones only when `includingInternal` (never
    /// for a customer: they are not even read).
    func list(on subject: CommentSubject, in accountID: UUID, includingInternal: Bool, limit: Int) async throws -> [CommentView] {
        try await comments(
            where: "c.account_id = \(accountID) AND c.subject_kind = \(subject.kind.rawValue) AND c.subject_id = \(subject.id)",
            includingInternal: includingInternal, limit: limit)
    }

    /// Every comment of the account, oldest first; internal ones only when `includingInternal`.
    func list(in accountID: UUID, includingInternal: Bool, limit: Int) async throws -> [CommentView] {
        try await comments(where: "c.account_id = \(accountID)", includingInternal: includingInternal, limit: limit)
    }

    private func comments(where condition: PostgresQuery, includingInternal: Bool, limit: Int) async throws -> [CommentView] {
        let rows = try await transaction.query(
            """
            SELECT c.id, c.account_id, c.subject_kind, c.subject_id, c.body, c.shared, c.created_at,
                   \(WorkspaceChange.Actor.columns(of: "a", as: "author")),
                   m.ids AS mention_ids, m.kinds AS mention_kinds, m.names AS mention_names, m.emails AS mention_emails
            FROM comments c JOIN users a ON a.id = c.author_id
            CROSS JOIN LATERAL (
                SELECT coalesce(array_agg(u.id ORDER BY o.n), '{}') AS ids, coalesce(array_agg(u.kind ORDER BY o.n), '{}') AS kinds,
                       coalesce(array_agg(u.display_name ORDER BY o.n), '{}') AS names,
                       coalesce(array_agg(u.email ORDER BY o.n), '{}') AS emails
                FROM unnest(c.mentions) WITH ORDINALITY AS o(id, n) JOIN users u ON u.id = o.id
            ) m
            WHERE \(condition) AND (\(includingInternal) OR c.shared)
            ORDER BY c.created_at, c.id
            LIMIT \(limit)
            """)
        return try rows.map { row in
            let kind = try row.decode(String.self, column: "subject_kind")
            guard let subjectKind = CommentSubject.Kind(rawValue: kind) else {
                throw PostgresError(kind: .decoding, message: "unexpected subject kind \(kind)", column: "subject_kind")
            }
            let ids = try row.decode([UUID].self, column: "mention_ids")
            let kinds = try row.decode([String].self, column: "mention_kinds")
            let names = try row.decode([String].self, column: "mention_names")
            let emails = try row.decode([String].self, column: "mention_emails")
            let mentions = try ids.indices.map { index in
                guard index < kinds.count, index < names.count, index < emails.count, let kind = UserKind(rawValue: kinds[index]) else {
                    throw PostgresError(kind: .decoding, message: "unexpected mentions", column: "mention_kinds")
                }
                return WorkspaceChange.Actor(userID: ids[index], kind: kind, displayName: names[index], email: emails[index])
            }
            return CommentView(
                id: try row.decode(UUID.self, column: "id"), accountID: try row.decode(UUID.self, column: "account_id"),
                subject: CommentSubject(subjectKind, try row.decode(UUID.self, column: "subject_id")),
                author: try WorkspaceChange.Actor(row, prefix: "author"), body: try row.decode(String.self, column: "body"),
                shared: try row.decode(Bool.self, column: "shared"), mentions: mentions, createdAt: try row.decode(Date.self, column: "created_at"))
        }
    }
}
