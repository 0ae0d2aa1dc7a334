import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The portfolio side of the transaction's tenant: account profiles, assessments, settings,
/// pages and the Pareto view. Nothing read here ever goes into a customer's view.
struct PortfolioRepository {
    let transaction: TenantTransaction

    static let columns = """
        a.id, a.name, a.industry, a.region, a.currency, a.annual_revenue, a.potential_revenue, a.growth_indicators,
        a.objective, a.owner_id, a.external_id, a.status, a.value_score, a.relationship_score, a.quadrant, a.priority,
        a.assessed_at, ARRAY(SELECT t.user_id FROM account_team t WHERE t.account_id = a.id ORDER BY t.user_id) AS team
        """

    func account(_ id: UUID) async throws -> PortfolioAccount? {
        try await transaction.query("SELECT \(unescaped: Self.columns) FROM accounts a WHERE a.id = \(id)").first.map(Self.account)
    }

    /// Sets the request's non-`nil` fields; `nil` when there is no such account.
    func updateProfile(_ request: UpdateProfileRequest) async throws -> PortfolioAccount? {
        let updated = try await transaction.query(
            """
            UPDATE accounts SET
                industry = coalesce(\(request.industry), industry), region = coalesce(\(request.region), region),
                currency = coalesce(\(request.currency), currency),
                annual_revenue = coalesce(\(request.annualRevenue), annual_revenue),
                potential_revenue = coalesce(\(request.potentialRevenue), potential_revenue),
                growth_indicators = coalesce(\(request.growthIndicators), growth_indicators),
                objective = coalesce(\(request.objective?.rawValue), objective), owner_id = coalesce(\(request.ownerID), owner_id),
                external_id = coalesce(\(request.externalID), external_id), status = coalesce(\(request.status?.rawValue), status)
            WHERE id = \(request.accountID) RETURNING id
            """)
        guard !updated.isEmpty else { return nil }
        return try await account(request.accountID)
    }

    // MARK: Revenue by period

    /// Sets the revenue of `period` (`YYYY-MM`, checked) in the account's currency.
    func recordRevenue(tenantID: UUID, _ request: RecordRevenueRequest) async throws {
        try await transaction.query(
            """
            INSERT INTO account_revenue (tenant_id, account_id, period, amount, currency)
            SELECT \(tenantID), a.id, (\(request.period) || '-01')::date, \(request.amount), a.currency FROM accounts a WHERE a.id = \(request.accountID)
            ON CONFLICT (tenant_id, account_id, period) DO UPDATE SET amount = excluded.amount, currency = excluded.currency
            """)
    }

    func revenueHistory(of accountID: UUID) async throws -> RevenueHistory {
        RevenueHistory(
            entries: try await transaction.query(
                """
                SELECT to_char(period, 'YYYY-MM') AS period, amount, currency FROM account_revenue WHERE account_id = \(accountID) ORDER BY period
                """
            ).map {
                RevenueHistory.Entry(
                    period: try $0.decode(String.self, column: "period"), amount: try $0.decode(Decimal.self, column: "amount"),
                    currency: try $0.decode(String.self, column: "currency"))
            })
    }

    // MARK: Settings

    /// The tenant's settings, or the defaults when it never changed them.
    func settings() async throws -> PortfolioSettings {
        guard let row = try await transaction.query("SELECT * FROM portfolio_settings").first else { return .defaults }
        return PortfolioSettings(
            valueWeights: try row.decode([Int32].self, column: "value_weights").map { Int($0) },
            relationshipWeights: try row.decode([Int32].self, column: "relationship_weights").map { Int($0) },
            valueThreshold: try row.decode(Decimal.self, column: "value_threshold"),
            relationshipThreshold: try row.decode(Decimal.self, column: "relationship_threshold"),
            priorityOrder: try row.decode([String].self, column: "priority_order").map {
                guard let quadrant = Quadrant(rawValue: $0) else {
                    throw PostgresError(kind: .decoding, message: "unknown quadrant \($0)", column: "priority_order")
                }
                return quadrant
            },
            reviewIntervalDays: Int(try row.decode(Int32.self, column: "review_interval_days")))
    }

    /// Stores valid settings and re-derives every account's current quadrant and priority from
    /// its latest scores (recorded assessments keep the classification they got).
    func saveSettings(tenantID: UUID, _ settings: PortfolioSettings) async throws {
        let order = settings.priorityOrder.map(\.rawValue)
        try await transaction.query(
            """
            INSERT INTO portfolio_settings (tenant_id, value_weights, relationship_weights, value_threshold, relationship_threshold, priority_order, review_interval_days)
            VALUES (\(tenantID), \(settings.valueWeights.map { Int32($0) }), \(settings.relationshipWeights.map { Int32($0) }),
                    \(settings.valueThreshold), \(settings.relationshipThreshold), \(order), \(Int32(settings.reviewIntervalDays)))
            ON CONFLICT (tenant_id) DO UPDATE SET value_weights = excluded.value_weights, relationship_weights = excluded.relationship_weights,
                value_threshold = excluded.value_threshold, relationship_threshold = excluded.relationship_threshold,
                priority_order = excluded.priority_order, review_interval_days = excluded.review_interval_days
            """)
        // The same rule as PortfolioSettings.quadrant: a score equal to its threshold is strong/high.
        try await transaction.query(
            """
            UPDATE accounts a SET quadrant = c.quadrant,
                priority = CASE WHEN c.quadrant = 'strong_high' THEN 1 ELSE array_position(\(order), c.quadrant) + 1 END
            FROM (SELECT id,
                         CASE WHEN relationship_score >= \(settings.relationshipThreshold) THEN 'strong' ELSE 'weak' END || '_' ||
                         CASE WHEN value_score >= \(settings.valueThreshold) THEN 'high' ELSE 'low' END AS quadrant
                  FROM accounts WHERE value_score IS NOT NULL) c
            WHERE a.id = c.id AND (a.quadrant IS DISTINCT FROM c.quadrant OR a.priority IS DISTINCT FROM
                CASE WHEN c.quadrant = 'strong_high' THEN 1 ELSE array_position(\(order), c.quadrant) + 1 END)
            """)
    }

    // MARK: Assessments

    /// Records a scored assessment and makes it the account's latest.
    func insertAssessment(
        tenantID: UUID, accountID: UUID, by userID: UUID, answers: AssessmentAnswers, score: AssessmentScore, notes: String
    ) async throws -> Assessment {
        let rows = try await transaction.query(
            """
            INSERT INTO account_assessments (tenant_id, id, account_id, assessed_by, value_answers, relationship_answers,
                value_score, relationship_score, quadrant, priority, notes)
            VALUES (\(tenantID), \(UUID()), \(accountID), \(userID), \(answers.value.map { Int32($0) }), \(answers.relationship.map { Int32($0) }),
                \(score.value), \(score.relationship), \(score.quadrant.rawValue), \(Int16(score.priority)), \(notes))
            RETURNING *
            """)
        let assessment = try Self.assessment(rows[0])
        try await transaction.query(
            """
            UPDATE accounts SET value_score = \(score.value), relationship_score = \(score.relationship),
                quadrant = \(score.quadrant.rawValue), priority = \(Int16(score.priority)), assessed_at = \(assessment.assessedAt)
            WHERE id = \(accountID)
            """)
        return assessment
    }

    /// Every assessment of an account, newest first.
    func assessments(of accountID: UUID) async throws -> [Assessment] {
        try await transaction.query(
            """
            SELECT * FROM account_assessments WHERE account_id = \(accountID) ORDER BY assessed_at DESC, id DESC
            """
        ).map(Self.assessment)
    }

    // MARK: The portfolio

    /// One page of the accounts in the caller's scope (all for admins, leaders and marketing;
    /// a seller's team accounts), in a stable order: the sort key, then the id.
    func page(_ query: PortfolioQuery, cursor: PortfolioCursor?, for principal: Principal, reviewIntervalDays: Int) async throws -> PortfolioPage {
        let order = PortfolioOrder(query.sort)
        let rows = try await transaction.query(
            order.isText
                ? pageQuery(query, order, key: cursor?.text, cursorID: cursor?.id, principal: principal, reviewIntervalDays: reviewIntervalDays)
                : pageQuery(query, order, key: cursor?.number, cursorID: cursor?.id, principal: principal, reviewIntervalDays: reviewIntervalDays))
        let accounts = try rows.prefix(query.pageSize).map(Self.account)
        var next: String?
        if rows.count > query.pageSize, let last = accounts.last {
            next = try order.cursor(after: last).token
        }
        return PortfolioPage(accounts: accounts, nextCursor: next)
    }

    private func pageQuery<Key: PostgresEncodable>(
        _ query: PortfolioQuery, _ order: PortfolioOrder, key: Key?, cursorID: UUID?, principal: Principal, reviewIntervalDays: Int
    ) -> PostgresQuery {
        """
        SELECT \(unescaped: Self.columns) FROM accounts a
        WHERE (\(principal.seesWholeTenant) OR EXISTS (SELECT FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(principal.userID)))
          AND (\(query.quadrant?.rawValue)::text IS NULL OR a.quadrant = \(query.quadrant?.rawValue))
          AND (\(query.priority.map { Int16($0) })::int2 IS NULL OR a.priority = \(query.priority.map { Int16($0) }))
          AND (\(query.status?.rawValue)::text IS NULL OR a.status = \(query.status?.rawValue))
          AND (\(query.ownerID)::uuid IS NULL OR a.owner_id = \(query.ownerID))
          AND (\(query.region)::text IS NULL OR a.region = \(query.region))
          AND (\(query.industry)::text IS NULL OR a.industry = \(query.industry))
          AND (\(query.objective?.rawValue)::text IS NULL OR a.objective = \(query.objective?.rawValue))
          AND (NOT \(query.dueForReview) OR a.assessed_at IS NULL OR a.assessed_at < now() - make_interval(days => \(Int32(reviewIntervalDays))))
          AND (\(cursorID)::uuid IS NULL OR (\(unescaped: order.expression), a.id) \(unescaped: order.after) (\(key)\(unescaped: order.cast), \(cursorID)))
        ORDER BY \(unescaped: order.expression) \(unescaped: order.direction), a.id \(unescaped: order.direction)
        LIMIT \(query.pageSize + 1)
        """
    }

    /// The revenue entries of the Pareto view: accounts in scope, not archived, with a known revenue.
    func paretoReport(for principal: Principal) async throws -> ParetoReport {
        let rows = try await transaction.query(
            """
            SELECT a.id, a.name, a.currency, a.annual_revenue FROM accounts a
            WHERE a.annual_revenue IS NOT NULL AND a.status <> 'archived'
              AND (\(principal.seesWholeTenant) OR EXISTS (SELECT FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(principal.userID)))
            """)
        var byCurrency: [String: [ParetoReport.Entry]] = [:]
        for row in rows {
            byCurrency[try row.decode(String.self, column: "currency"), default: []].append(
                ParetoReport.Entry(
                    accountID: try row.decode(UUID.self, column: "id"), name: try row.decode(String.self, column: "name"),
                    revenue: try row.decode(Decimal.self, column: "annual_revenue")))
        }
        return ParetoReport(groups: byCurrency.sorted { $0.key < $1.key }.map { ParetoReport.Group(currency: $0.key, entries: $0.value) })
    }

    // MARK: Rows

    static func account(_ row: PostgresRow) throws -> PortfolioAccount {
        PortfolioAccount(
            id: try row.decode(UUID.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            industry: try row.decode(String.self, column: "industry"),
            region: try row.decode(String.self, column: "region"),
            currency: try row.decode(String.self, column: "currency"),
            annualRevenue: try row.decode(Decimal?.self, column: "annual_revenue"),
            potentialRevenue: try row.decode(Decimal?.self, column: "potential_revenue"),
            growthIndicators: try row.decode(String.self, column: "growth_indicators"),
            objective: try row.decode(String?.self, column: "objective").flatMap(AccountObjective.init(rawValue:)),
            ownerID: try row.decode(UUID?.self, column: "owner_id"),
            externalID: try row.decode(String?.self, column: "external_id"),
            status: try decodeEnum(AccountStatus.self, row, "status"),
            valueScore: try row.decode(Decimal?.self, column: "value_score"),
            relationshipScore: try row.decode(Decimal?.self, column: "relationship_score"),
            quadrant: try row.decode(String?.self, column: "quadrant").flatMap(Quadrant.init(rawValue:)),
            priority: try row.decode(Int16?.self, column: "priority").map { Int($0) },
            assessedAt: try row.decode(Date?.self, column: "assessed_at"),
            team: try row.decode([UUID].self, column: "team"))
    }

    static func assessment(_ row: PostgresRow) throws -> Assessment {
        Assessment(
            id: try row.decode(UUID.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            assessedAt: try row.decode(Date.self, column: "assessed_at"),
            assessedBy: try row.decode(UUID.self, column: "assessed_by"),
            answers: AssessmentAnswers(
                value: try row.decode([Int32].self, column: "value_answers").map { Int($0) },
                relationship: try row.decode([Int32].self, column: "relationship_answers").map { Int($0) }),
            score: AssessmentScore(
                value: try row.decode(Decimal.self, column: "value_score"),
                relationship: try row.decode(Decimal.self, column: "relationship_score"),
                quadrant: try decodeEnum(Quadrant.self, row, "quadrant"),
                priority: Int(try row.decode(Int16.self, column: "priority"))),
            notes: try row.decode(String.self, column: "notes"))
    }
}

/// How the portfolio orders for one sort: the key column (a plain text or integer column with an
/// index of 0004_portfolio.sql, so that under row-level security the cursor's comparison is
/// leakproof and becomes an index condition), its direction, and how a cursor holds it, computed
/// as the generated key column is. Missing values sort last.
struct PortfolioOrder {
    let sort: PortfolioQuery.Sort
    let expression: String
    let ascending: Bool
    let cast: String

    init(_ sort: PortfolioQuery.Sort) {
        self.sort = sort
        switch sort {
        case .name: (expression, ascending, cast) = ("a.name", true, "::text")
        case .priority: (expression, ascending, cast) = ("a.priority_key", true, "::int2")
        case .value: (expression, ascending, cast) = ("a.value_key", false, "::int4")
        case .relationship: (expression, ascending, cast) = ("a.relationship_key", false, "::int4")
        case .revenue: (expression, ascending, cast) = ("a.revenue_key", false, "::int8")
        }
    }

    var isText: Bool { sort == .name }
    var direction: String { ascending ? "ASC" : "DESC" }
    /// Rows after the cursor in this order.
    var after: String { ascending ? ">" : "<" }

    /// The cursor after `account`: its sort key as the SQL expression computes it.
    func cursor(after account: PortfolioAccount) -> PortfolioCursor {
        switch sort {
        case .name: PortfolioCursor(sort: sort, text: account.name, id: account.id)
        case .priority: PortfolioCursor(sort: sort, number: Decimal(account.priority ?? 5), id: account.id)
        case .value: PortfolioCursor(sort: sort, number: account.valueScore.map { $0 * 100 } ?? -1, id: account.id)
        case .relationship: PortfolioCursor(sort: sort, number: account.relationshipScore.map { $0 * 100 } ?? -1, id: account.id)
        case .revenue: PortfolioCursor(sort: sort, number: account.annualRevenue.map { $0 * 100 } ?? -1, id: account.id)
        }
    }
}

extension Principal {
    /// Admins, leaders and marketing see every account of the tenant.
    var seesWholeTenant: Bool { [TenantRole.admin, .leader, .marketing].contains(tenantRole) }
}
