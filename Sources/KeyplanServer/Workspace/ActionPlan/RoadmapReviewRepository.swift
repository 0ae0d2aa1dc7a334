import Foundation
import KeyplanAPI
import KeyplanPostgres

/// What a review holds, as written: a new review, or an existing one after an update.
struct ReviewFields: Sendable, Equatable {
    var heldOn: CalendarDate
    var attendeeIDs: [UUID]
    var guests: [String]
    var decisions: [String]
    var notes: String
    var nextReviewOn: CalendarDate?
}

/// The roadmap reviews of the transaction's tenant.
struct RoadmapReviewRepository {
    let transaction: TenantTransaction

    private static let select: PostgresQuery = """
        SELECT r.id, r.account_id, to_char(r.held_on, 'YYYY-MM-DD') AS held_on, r.attendee_ids, r.guest_names, r.decisions, r.notes,
               to_char(r.next_review_on, 'YYYY-MM-DD') AS next_review_on, r.version, r.created_at, r.updated_at,
               \(WorkspaceChange.Actor.columns(of: "c", as: "created_by")), \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by"))
        FROM roadmap_reviews r JOIN users c ON c.id = r.created_by JOIN users u ON u.id = r.updated_by
        """

    func insert(tenantID: UUID, accountID: UUID, _ fields: ReviewFields, by author: UUID) async throws -> RoadmapReview {
        let id = UUID()
        try await transaction.query("""
            INSERT INTO roadmap_reviews (tenant_id, id, account_id, held_on, attendee_ids, guest_names, decisions, notes, next_review_on, created_by, updated_by)
            VALUES (\(tenantID), \(id), \(accountID), \(fields.heldOn.description)::date, \(fields.attendeeIDs)::uuid[], \(fields.guests)::text[],
                    \(fields.decisions)::text[], \(fields.notes), \(fields.nextReviewOn?.description)::date, \(author), \(author))
            """)
        return try await reread(id)
    }

    func update(_ id: UUID, _ fields: ReviewFields, by author: UUID) async throws -> RoadmapReview {
        try await transaction.query("""
            UPDATE roadmap_reviews SET held_on = \(fields.heldOn.description)::date, attendee_ids = \(fields.attendeeIDs)::uuid[],
                guest_names = \(fields.guests)::text[], decisions = \(fields.decisions)::text[], notes = \(fields.notes),
                next_review_on = \(fields.nextReviewOn?.description)::date, version = version + 1, updated_by = \(author), updated_at = now()
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    func lock(_ id: UUID, in accountID: UUID) async throws -> RoadmapReview? {
        let condition: PostgresQuery = "r.id = \(id) AND r.account_id = \(accountID)"
        return try await reviews(where: condition, lockingFirst: "SELECT FROM roadmap_reviews r WHERE \(condition) FOR UPDATE").first
    }

    /// The account's reviews, most recent first.
    func list(of accountID: UUID) async throws -> [RoadmapReview] {
        try await reviews(where: "r.account_id = \(accountID) ORDER BY r.held_on DESC, r.created_at DESC, r.id")
    }

    private func reread(_ id: UUID) async throws -> RoadmapReview {
        guard let review = try await reviews(where: "r.id = \(id)").first else {
            throw PostgresError(kind: .decoding, message: "the review \(id) vanished while it was written")
        }
        return review
    }

    /// Reviews matching `condition` (which may end with ORDER BY), locked first by `lock` if given
    /// (``TenantTransaction/read(_:lockingFirst:)``), their attendees named in one more query.
    private func reviews(where condition: PostgresQuery, lockingFirst lock: PostgresQuery? = nil) async throws -> [RoadmapReview] {
        let rows = try await transaction.read("\(Self.select) WHERE \(condition)", lockingFirst: lock)
        let attendeeIDs = try rows.flatMap { try $0.decode([UUID].self, column: "attendee_ids") }
        var people: [UUID: RoadmapReview.Attendee] = [:]
        if !attendeeIDs.isEmpty {
            for row in try await transaction.query("""
                SELECT \(WorkspaceChange.Actor.columns(of: "a", as: "attendee")) FROM users a WHERE a.id = ANY(\(Array(Set(attendeeIDs)))::uuid[])
                """) {
                let attendee = try WorkspaceChange.Actor(row, prefix: "attendee")
                people[attendee.userID] = attendee
            }
        }
        return try rows.map { row in
            guard let heldOn = try decodeCalendarDate(row, "held_on") else {
                throw PostgresError(kind: .decoding, message: "a review without its date", column: "held_on")
            }
            return RoadmapReview(
                id: try row.decode(UUID.self, column: "id"),
                accountID: try row.decode(UUID.self, column: "account_id"),
                heldOn: heldOn,
                attendees: try row.decode([UUID].self, column: "attendee_ids").compactMap { people[$0] },
                guests: try row.decode([String].self, column: "guest_names"),
                decisions: try row.decode([String].self, column: "decisions"),
                notes: try row.decode(String.self, column: "notes"),
                nextReviewOn: try decodeCalendarDate(row, "next_review_on"),
                version: try row.decode(Int.self, column: "version"),
                createdBy: try WorkspaceChange.Actor(row, prefix: "created_by"),
                createdAt: try row.decode(Date.self, column: "created_at"),
                updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"),
                updatedAt: try row.decode(Date.self, column: "updated_at"))
        }
    }
}
