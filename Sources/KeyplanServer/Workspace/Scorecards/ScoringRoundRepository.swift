import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Scoring rounds of the transaction's tenant and their responses. Every read names the account,
/// so a round of another account is not found; a customer's reads hold only their own response,
/// filtered here in SQL.
struct ScoringRoundRepository {
    let transaction: TenantTransaction

    /// How a read locks the round row.
    enum Lock {
        case none
        /// Answers are written under it: a close waits, so no answer lands after it.
        case share
        /// For closing.
        case update

        /// The statement that locks the rounds matching `condition` (alias `r`) before they are read.
        func statement(_ condition: PostgresQuery) -> PostgresQuery? {
            switch self {
            case .none: nil
            case .share: "SELECT FROM scoring_rounds r WHERE \(condition) FOR SHARE"
            case .update: "SELECT FROM scoring_rounds r WHERE \(condition) FOR UPDATE"
            }
        }
    }

    func insert(tenantID: UUID, accountID: UUID, templateID: UUID, period: String, closesAt: Date?, by userID: UUID) async throws -> UUID {
        let id = UUID()
        try await transaction.query(
            """
            INSERT INTO scoring_rounds (tenant_id, id, account_id, template_id, period, opened_by, closes_at, updated_by)
            VALUES (\(tenantID), \(id), \(accountID), \(templateID), \(period), \(userID), \(closesAt), \(userID))
            """)
        return id
    }

    func exists(accountID: UUID, templateID: UUID, period: String) async throws -> Bool {
        try await !transaction.query(
            """
            SELECT FROM scoring_rounds WHERE account_id = \(accountID) AND template_id = \(templateID) AND period = \(period)
            """
        ).isEmpty
    }

    /// The round `id` of the account as `principal` sees it; `nil` when the account has none such.
    func round(_ id: UUID, in accountID: UUID, for principal: Principal, lock: Lock = .none) async throws -> ScoringRound? {
        try await rounds(where: "r.account_id = \(accountID) AND r.id = \(id)", for: principal, order: "", lock: lock).first
    }

    /// The account's rounds (of one template, if given), newest first.
    func rounds(in accountID: UUID, templateID: UUID?, for principal: Principal) async throws -> [ScoringRound] {
        try await rounds(
            where: "r.account_id = \(accountID) AND (\(templateID)::uuid IS NULL OR r.template_id = \(templateID))", for: principal,
            order: "ORDER BY r.opened_at DESC, r.id")
    }

    /// The account's rounds of a template in trend order: by period, then by opening.
    func trendRounds(in accountID: UUID, templateID: UUID, for principal: Principal) async throws -> [ScoringRound] {
        try await rounds(
            where: "r.account_id = \(accountID) AND r.template_id = \(templateID)", for: principal, order: "ORDER BY r.period, r.opened_at, r.id")
    }

    /// Closes an open round now, or at its `closes_at` when that passed first.
    func close(_ id: UUID, by userID: UUID) async throws {
        try await transaction.query(
            """
            UPDATE scoring_rounds SET closed_at = least(now(), coalesce(closes_at, now())), version = version + 1, updated_by = \(userID),
                updated_at = now()
            WHERE id = \(id) AND closed_at IS NULL
            """)
    }

    private func rounds(
        where condition: PostgresQuery, for principal: Principal, order: PostgresQuery, lock: Lock = .none
    ) async throws -> [ScoringRound] {
        let seller = principal.kind != .customer
        let rows = try await transaction.read(
            """
            SELECT r.id, r.account_id, r.template_id, t.name AS template_name, r.period, t.scale_min, t.scale_max,
                   \(WorkspaceChange.Actor.columns(of: "o", as: "opened_by")), \(WorkspaceChange.Actor.columns(of: "u", as: "updated_by")),
                   r.opened_at, r.closes_at, r.closed_at, r.version, r.updated_at,
                   (r.closed_at IS NULL AND (r.closes_at IS NULL OR r.closes_at > now())) AS is_open,
                   EXISTS (SELECT FROM scorecard_responses s WHERE s.round_id = r.id AND s.respondent_id = \(principal.userID)) AS answered,
                   CASE WHEN \(seller) THEN (SELECT count(*) FROM scorecard_responses s WHERE s.round_id = r.id) END AS response_count
            FROM scoring_rounds r JOIN scorecard_templates t ON t.id = r.template_id JOIN users o ON o.id = r.opened_by
                 JOIN users u ON u.id = r.updated_by
            WHERE \(condition) \(order)
            """, lockingFirst: lock.statement(condition))
        return try rows.map { row in
            ScoringRound(
                id: try row.decode(UUID.self, column: "id"), accountID: try row.decode(UUID.self, column: "account_id"),
                templateID: try row.decode(UUID.self, column: "template_id"), templateName: try row.decode(String.self, column: "template_name"),
                period: try row.decode(String.self, column: "period"), scale: try ScorecardTemplateRepository.scale(row),
                openedBy: try WorkspaceChange.Actor(row, prefix: "opened_by"), openedAt: try row.decode(Date.self, column: "opened_at"),
                closesAt: try row.decode(Date?.self, column: "closes_at"), closedAt: try row.decode(Date?.self, column: "closed_at"),
                isOpen: try row.decode(Bool.self, column: "is_open"), version: try row.decode(Int.self, column: "version"),
                updatedBy: try WorkspaceChange.Actor(row, prefix: "updated_by"), updatedAt: try row.decode(Date.self, column: "updated_at"),
                answeredByMe: try row.decode(Bool.self, column: "answered"), responseCount: try row.decode(Int?.self, column: "response_count"))
        }
    }

    // MARK: Responses

    /// The responses to a round `principal` may see: all for sellers, their own for a customer.
    func responses(to roundID: UUID, for principal: Principal, lock: Bool = false) async throws -> [ScorecardResponse] {
        let seller = principal.kind != .customer
        let locking: PostgresQuery = lock ? "FOR UPDATE OF s" : ""
        let rows = try await transaction.query(
            """
            SELECT s.id, s.round_id, s.respondent_id, u.display_name, s.comment, s.submitted_at, s.updated_at, s.version
            FROM scorecard_responses s JOIN users u ON u.id = s.respondent_id
            WHERE s.round_id = \(roundID) AND (\(seller) OR s.respondent_id = \(principal.userID))
            ORDER BY s.submitted_at, s.respondent_id \(locking)
            """)
        let answers = Dictionary(
            grouping: try await answers(to: [roundID], respondent: seller ? nil : principal.userID).map(\.answer), by: \.respondentID)
        return try rows.map { row in
            let respondent = try row.decode(UUID.self, column: "respondent_id")
            return ScorecardResponse(
                id: try row.decode(UUID.self, column: "id"), roundID: roundID, respondentID: respondent,
                respondentName: try row.decode(String.self, column: "display_name"),
                answers: (answers[respondent] ?? []).map { CriterionScore(criterionID: $0.criterionID, score: $0.score) },
                comment: try row.decode(String.self, column: "comment"), submittedAt: try row.decode(Date.self, column: "submitted_at"),
                updatedAt: try row.decode(Date.self, column: "updated_at"), version: try row.decode(Int.self, column: "version"))
        }
    }

    /// The answers to rounds (of one respondent, if given), in criterion order.
    func answers(to roundIDs: [UUID], respondent: UUID? = nil) async throws -> [(roundID: UUID, answer: ScorecardResults.Answer)] {
        let rows = try await transaction.query(
            """
            SELECT a.round_id, a.respondent_id, a.criterion_id, a.score
            FROM scorecard_answers a JOIN scorecard_criteria c ON c.id = a.criterion_id
            WHERE a.round_id = ANY(\(roundIDs)) AND (\(respondent)::uuid IS NULL OR a.respondent_id = \(respondent))
            ORDER BY a.round_id, a.respondent_id, c.position
            """)
        return try rows.map { row in
            (
                try row.decode(UUID.self, column: "round_id"),
                ScorecardResults.Answer(
                    respondentID: try row.decode(UUID.self, column: "respondent_id"), criterionID: try row.decode(UUID.self, column: "criterion_id"),
                    score: try row.decode(Int.self, column: "score"))
            )
        }
    }

    /// Writes `respondent`'s answers to a round: a new response, or (`replacing`) the existing one
    /// with its version raised and its answers replaced. Returns false, writing nothing, when a
    /// new response meets one that a concurrent call of the same respondent just wrote.
    func saveResponse(
        tenantID: UUID, roundID: UUID, respondent: UUID, answers: [CriterionScore], comment: String, replacing: Bool
    ) async throws -> Bool {
        if replacing {
            try await transaction.query(
                """
                UPDATE scorecard_responses SET comment = \(comment), updated_at = now(), version = version + 1
                WHERE round_id = \(roundID) AND respondent_id = \(respondent)
                """)
            try await transaction.query("DELETE FROM scorecard_answers WHERE round_id = \(roundID) AND respondent_id = \(respondent)")
        } else {
            let inserted = try await transaction.query(
                """
                INSERT INTO scorecard_responses (tenant_id, round_id, respondent_id, comment) VALUES (\(tenantID), \(roundID), \(respondent), \(comment))
                ON CONFLICT (tenant_id, round_id, respondent_id) DO NOTHING RETURNING round_id
                """)
            guard !inserted.isEmpty else { return false }
        }
        try await transaction.query(
            """
            INSERT INTO scorecard_answers (tenant_id, round_id, respondent_id, criterion_id, score)
            SELECT \(tenantID), \(roundID), \(respondent), a.criterion_id, a.score
            FROM unnest(\(answers.map(\.criterionID))::uuid[], \(answers.map(\.score))::int8[]) AS a(criterion_id, score)
            """)
        return true
    }

    /// Per round, the customers asked: those invited to the account now, and respondents no longer invited.
    func invitedCounts(of roundIDs: [UUID]) async throws -> [UUID: Int] {
        let rows = try await transaction.query(
            """
            SELECT r.id, (SELECT count(*) FROM (
                       SELECT c.user_id FROM account_customers c WHERE c.account_id = r.account_id
                       UNION SELECT s.respondent_id FROM scorecard_responses s WHERE s.round_id = r.id) AS asked) AS invited
            FROM scoring_rounds r WHERE r.id = ANY(\(roundIDs))
            """)
        return try Dictionary(uniqueKeysWithValues: rows.map { (try $0.decode(UUID.self, column: "id"), try $0.decode(Int.self, column: "invited")) })
    }

    /// The account's invited customers whose users are active: who is told of a new round.
    func activeCustomers(of accountID: UUID) async throws -> [UUID] {
        try await transaction.query(
            """
            SELECT c.user_id FROM account_customers c JOIN users u ON u.id = c.user_id
            WHERE c.account_id = \(accountID) AND u.disabled_at IS NULL
            """
        ).map { try $0.decode(UUID.self, column: "user_id") }
    }
}
