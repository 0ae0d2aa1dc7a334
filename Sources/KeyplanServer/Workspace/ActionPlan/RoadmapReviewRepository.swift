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
    var status: ReviewStatus
}

/// The roadmap reviews of the transaction's tenant. Any change to a review raises its version and
/// withdraws its sign-off: what was signed is what the review said then.
struct RoadmapReviewRepository {
    let transaction: TenantTransaction
    /// A customer's reads: agenda items about internal actions, and internal follow-ups, left out.
    var sharedOnly = false

    private static let select: PostgresQuery = """
        SELECT r.id, r.account_id, to_char(r.held_on, 'YYYY-MM-DD') AS held_on, r.attendee_ids, r.guest_names, r.decisions, r.notes,
               to_char(r.next_review_on, 'YYYY-MM-DD') AS next_review_on, r.version, r.created_at, r.updated_at, r.status, r.signed_off_at,
               \(WorkspaceChange.Actor.columns(of: "c", as: "created_by")), \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by")),
               \(WorkspaceChange.Actor.columns(of: "s", as: "signed_off_by"))
        FROM roadmap_reviews r JOIN users c ON c.id = r.created_by JOIN users u ON u.id = r.updated_by
        LEFT JOIN users s ON s.id = r.signed_off_by
        """

    func insert(tenantID: UUID, accountID: UUID, _ fields: ReviewFields, by author: UUID) async throws -> RoadmapReview {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO roadmap_reviews (tenant_id, id, account_id, held_on, attendee_ids, guest_names, decisions, notes, next_review_on, status,
                                         created_by, updated_by)
            VALUES (\(tenantID), \(id), \(accountID), \(fields.heldOn.description)::date, \(fields.attendeeIDs)::uuid[], \(fields.guests)::text[],
                    \(fields.decisions)::text[], \(fields.notes), \(fields.nextReviewOn?.description)::date, \(fields.status.rawValue), \(author), \(author))
            """)
        return try await reread(id)
    }

    func update(_ id: UUID, _ fields: ReviewFields, by author: UUID) async throws -> RoadmapReview {
        try await transaction.query(
            """
            UPDATE roadmap_reviews SET held_on = \(fields.heldOn.description)::date, attendee_ids = \(fields.attendeeIDs)::uuid[],
                guest_names = \(fields.guests)::text[], decisions = \(fields.decisions)::text[], notes = \(fields.notes),
                next_review_on = \(fields.nextReviewOn?.description)::date, status = \(fields.status.rawValue), version = version + 1,
                updated_by = \(author), updated_at = now(), signed_off_by = NULL, signed_off_at = NULL
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    /// A change to what the review holds besides its fields (agenda, follow-ups): a new version, without a sign-off.
    func touch(_ id: UUID, by author: UUID) async throws -> RoadmapReview {
        try await transaction.query(
            """
            UPDATE roadmap_reviews SET version = version + 1, updated_by = \(author), updated_at = now(), signed_off_by = NULL, signed_off_at = NULL
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    /// `customer` signs the review off, as a new version.
    func signOff(_ id: UUID, by customer: UUID) async throws -> RoadmapReview {
        try await transaction.query(
            """
            UPDATE roadmap_reviews SET version = version + 1, updated_by = \(customer), updated_at = now(), signed_off_by = \(customer),
                signed_off_at = now()
            WHERE id = \(id)
            """)
        return try await reread(id)
    }

    /// A new agenda item; without a position it goes after the last.
    func addAgendaItem(to review: UUID, position: Int?, title: String, goalID: UUID?, actionID: UUID?, by author: UUID) async throws {
        try await transaction.query(
            """
            INSERT INTO review_agenda_items (tenant_id, id, review_id, position, title, goal_id, action_id, added_by)
            VALUES (app_current_tenant(), \(UUID()), \(review),
                    coalesce(\(position)::int2, (SELECT coalesce(max(position) + 1, 0) FROM review_agenda_items WHERE review_id = \(review))),
                    \(title), \(goalID), \(actionID), \(author))
            """)
    }

    /// Removes an item of the review's agenda; whether there was one.
    func removeAgendaItem(_ item: UUID, of review: UUID) async throws -> Bool {
        try await !transaction.query("DELETE FROM review_agenda_items WHERE id = \(item) AND review_id = \(review) RETURNING id").isEmpty
    }

    func addFollowUp(_ action: UUID, to review: UUID) async throws {
        try await transaction.query(
            "INSERT INTO review_follow_ups (tenant_id, review_id, action_id) VALUES (app_current_tenant(), \(review), \(action))")
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
        let ids = try rows.map { try $0.decode(UUID.self, column: "id") }
        let (agenda, followUps) = try await parts(of: ids)
        let attendeeIDs = try rows.flatMap { try $0.decode([UUID].self, column: "attendee_ids") }
        var people: [UUID: RoadmapReview.Attendee] = [:]
        if !attendeeIDs.isEmpty {
            for row in try await transaction.query(
                """
                SELECT \(WorkspaceChange.Actor.columns(of: "a", as: "attendee")) FROM users a WHERE a.id = ANY(\(Array(Set(attendeeIDs)))::uuid[])
                """)
            {
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
                updatedAt: try row.decode(Date.self, column: "updated_at"),
                status: try decodeEnum(ReviewStatus.self, row, "status"),
                agenda: agenda[try row.decode(UUID.self, column: "id")] ?? [],
                followUps: followUps[try row.decode(UUID.self, column: "id")] ?? [],
                signOff: try row.decode(Date?.self, column: "signed_off_at").map {
                    SignOff(by: try WorkspaceChange.Actor(row, prefix: "signed_off_by"), at: $0)
                })
        }
    }

    /// The agenda items and follow-ups of reviews `ids`, as the reader may see them, in one round trip.
    private func parts(of ids: [UUID]) async throws -> (agenda: [UUID: [AgendaItem]], followUps: [UUID: [ActionSummary]]) {
        guard !ids.isEmpty else { return ([:], [:]) }
        let results = try await transaction.pipeline([
            """
            SELECT i.review_id, i.id, i.position, i.title, i.goal_id, i.action_id, \(WorkspaceChange.Actor.columns(of: "b", as: "added_by"))
            FROM review_agenda_items i JOIN users b ON b.id = i.added_by LEFT JOIN actions a ON a.id = i.action_id
            WHERE i.review_id = ANY(\(ids)::uuid[]) AND (i.action_id IS NULL OR a.shared OR NOT \(sharedOnly))
            ORDER BY i.position, i.added_at, i.id
            """,
            """
            SELECT f.review_id, a.id, a.title, a.status FROM review_follow_ups f JOIN actions a ON a.id = f.action_id
            WHERE f.review_id = ANY(\(ids)::uuid[]) AND (a.shared OR NOT \(sharedOnly))
            ORDER BY a.created_at, a.id
            """,
        ])
        var agenda: [UUID: [AgendaItem]] = [:]
        for row in results[0] {
            agenda[try row.decode(UUID.self, column: "review_id"), default: []].append(
                AgendaItem(
                    id: try row.decode(UUID.self, column: "id"), position: try row.decode(Int.self, column: "position"),
                    title: try row.decode(String.self, column: "title"), goalID: try row.decode(UUID?.self, column: "goal_id"),
                    actionID: try row.decode(UUID?.self, column: "action_id"), addedBy: try WorkspaceChange.Actor(row, prefix: "added_by")))
        }
        var followUps: [UUID: [ActionSummary]] = [:]
        for row in results[1] {
            followUps[try row.decode(UUID.self, column: "review_id"), default: []].append(
                ActionSummary(
                    id: try row.decode(UUID.self, column: "id"), title: try row.decode(String.self, column: "title"),
                    status: try decodeEnum(ActionStatus.self, row, "status")))
        }
        return (agenda, followUps)
    }
}
