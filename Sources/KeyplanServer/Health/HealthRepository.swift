import Foundation
import KeyplanAPI
import KeyplanPostgres

/// Account health of the transaction's tenant: settings, recomputation of stale scores, reads.
struct HealthRepository {
    let transaction: TenantTransaction

    /// Accounts recomputed per statement.
    static let batchSize = 500

    func settings() async throws -> HealthSettings {
        guard
            let row = try await transaction.query(
                """
                SELECT weights::text AS weights, risk_threshold::float8 AS risk, drop_threshold::float8 AS drop, drop_window_days::int8 AS window
                FROM health_settings
                """
            ).first
        else { return .defaults }
        return HealthSettings(
            weights: try JSONDecoder().decode(HealthWeights.self, from: Data(try row.decode(String.self, column: "weights").utf8)),
            riskThreshold: try row.decode(Double.self, column: "risk"),
            dropThreshold: try row.decode(Double.self, column: "drop"),
            dropWindowDays: try row.decode(Int.self, column: "window"))
    }

    /// Saves the settings; every score is recomputed on its next read.
    func save(_ settings: HealthSettings, tenantID: UUID) async throws {
        let weights = String(decoding: try JSONEncoder().encode(settings.weights), as: UTF8.self)
        try await transaction.query(
            """
            INSERT INTO health_settings (tenant_id, weights, risk_threshold, drop_threshold, drop_window_days)
            VALUES (\(tenantID), \(weights)::jsonb, \(settings.riskThreshold)::numeric, \(settings.dropThreshold)::numeric, \(settings.dropWindowDays))
            ON CONFLICT (tenant_id) DO UPDATE SET weights = excluded.weights, risk_threshold = excluded.risk_threshold,
                drop_threshold = excluded.drop_threshold, drop_window_days = excluded.drop_window_days
            """)
        try await transaction.query("UPDATE account_health SET inputs_changed_at = clock_timestamp()")
    }

    /// Recomputes the scores of the accounts matching `scope` that are missing, stale (an input
    /// changed since), or computed before today (time moves some signals). Returns how many.
    @discardableResult
    func refresh(where scope: PostgresQuery, tenantID: UUID, settings: HealthSettings) async throws -> Int {
        let due = try await transaction.query(
            """
            SELECT a.id FROM accounts a LEFT JOIN account_health h ON h.account_id = a.id
            WHERE \(scope) AND (h.account_id IS NULL OR h.inputs_changed_at >= h.computed_at OR h.computed_at < current_date)
            """
        ).map { try $0.decode(UUID.self, column: "id") }
        var start = 0
        while start < due.count {
            let batch = Array(due[start..<min(start + Self.batchSize, due.count)])
            let inputs = try await HealthInputsQuery(transaction: transaction).inputs(of: batch)
            let computed = inputs.mapValues { ($0, HealthReport(inputs: $0, weights: settings.weights)) }
            let watched = try await riskBefore(batch, settings: settings)
            try await store(computed, tenantID: tenantID)
            try await queueFallsIntoRisk(watched, now: computed.mapValues(\.1), settings: settings, tenantID: tenantID)
            start += Self.batchSize
        }
        return due.count
    }

    /// The strategic accounts of `batch` as they stand before a recomputation — name, score, the
    /// score they fell from — when a webhook wants to hear of a fall into risk (else none).
    private func riskBefore(_ batch: [UUID], settings: HealthSettings) async throws -> [(id: UUID, name: String, score: Double?, earlier: Double?)] {
        try await transaction.query(
            """
            SELECT a.id, a.name, h.score::float8 AS score, \(Self.earlierScore(settings)) AS earlier
            FROM accounts a LEFT JOIN account_health h ON h.account_id = a.id
            WHERE a.id = ANY (\(batch)::uuid[]) AND \(Self.canBeAtRisk)
              AND EXISTS (SELECT FROM webhook_endpoints e WHERE \(WebhookEventKind.healthAtRisk.rawValue) = ANY (e.event_kinds))
            """
        ).map {
            (
                try $0.decode(UUID.self, column: "id"), try $0.decode(String.self, column: "name"), try $0.decode(Double?.self, column: "score"),
                try $0.decode(Double?.self, column: "earlier")
            )
        }
    }

    /// Queues a `health_at_risk` webhook event for each watched account that is at risk now and
    /// was not before (or had no score yet), by the one rule of ``HealthSettings/isAtRisk(score:earlierScore:)``.
    private func queueFallsIntoRisk(
        _ watched: [(id: UUID, name: String, score: Double?, earlier: Double?)], now reports: [UUID: HealthReport], settings: HealthSettings,
        tenantID: UUID
    ) async throws {
        for account in watched {
            let wasAtRisk = account.score.map { settings.isAtRisk(score: $0, earlierScore: account.earlier) } ?? false
            guard !wasAtRisk, let report = reports[account.id],
                let risk = AccountRisk.assess(
                    accountID: account.id, accountName: account.name, report: report, earlierScore: account.earlier, settings: settings)
            else { continue }
            let data = HealthAtRiskData(
                account: .init(id: account.id.uuidString.lowercased(), name: account.name), score: risk.score, band: risk.band.rawValue,
                earlierScore: risk.earlierScore,
                reasons: risk.reasons)
            try await WebhookRepository(transaction: transaction).enqueue(
                .healthAtRisk, accountID: account.id, data: String(decoding: try JSONEncoder().encode(data), as: UTF8.self), tenantID: tenantID)
        }
    }

    /// A `health_at_risk` event's data (`Protocols/webhooks.md`).
    private struct HealthAtRiskData: Encodable {
        struct Account: Encodable {
            var id: String
            var name: String
        }
        var account: Account
        var score: Double
        var band: String
        var earlierScore: Double?
        var reasons: [String]
    }

    /// Upserts the reports and appends a history point where the score changed or the last
    /// point is a day old.
    private func store(_ computed: [UUID: (HealthInputs, HealthReport)], tenantID: UUID) async throws {
        guard !computed.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var ids: [UUID] = [], scores: [String] = [], bands: [String] = [], reports: [String] = [], inputs: [String] = []
        for (id, (input, report)) in computed {
            ids.append(id)
            scores.append(String(report.score))
            bands.append(report.band.rawValue)
            reports.append(String(decoding: try encoder.encode(report), as: UTF8.self))
            inputs.append(String(decoding: try encoder.encode(input), as: UTF8.self))
        }
        try await transaction.query(
            """
            WITH computed AS (
                SELECT * FROM unnest(\(ids)::uuid[], \(scores)::text[], \(bands)::text[], \(reports)::text[], \(inputs)::text[])
                    AS c (account_id, score, band, report, inputs)
            ), saved AS (
                INSERT INTO account_health (tenant_id, account_id, score, band, report, inputs, computed_at)
                SELECT \(tenantID), account_id, score::numeric, band, report::jsonb, inputs::jsonb, now() FROM computed
                ON CONFLICT (tenant_id, account_id) DO UPDATE SET score = excluded.score, band = excluded.band,
                    report = excluded.report, inputs = excluded.inputs, computed_at = excluded.computed_at
            )
            INSERT INTO account_health_history (tenant_id, account_id, computed_at, score, band)
            SELECT \(tenantID), c.account_id, now(), c.score::numeric, c.band FROM computed c
            LEFT JOIN LATERAL (
                SELECT h.score, h.computed_at FROM account_health_history h WHERE h.account_id = c.account_id
                ORDER BY h.computed_at DESC LIMIT 1
            ) AS last ON true
            WHERE last.score IS NULL OR last.score <> c.score::numeric OR last.computed_at < now() - interval '1 day'
            ON CONFLICT DO NOTHING
            """)
    }

    /// One account's health (refreshed first by the caller), with its history, and — by the
    /// same rule and the same earlier score as ``risks(where:settings:limit:)`` — whether it is at risk.
    func health(of accountID: UUID, settings: HealthSettings) async throws -> AccountHealth? {
        guard
            let row = try await transaction.query(
                """
                SELECT a.name, a.objective, h.report::text AS report, h.computed_at, \(Self.canBeAtRisk) AS can_be_at_risk, \(Self.earlierScore(settings)) AS earlier
                FROM account_health h JOIN accounts a ON a.id = h.account_id
                WHERE h.account_id = \(accountID)
                """
            ).first
        else { return nil }
        let history = try await transaction.query(
            """
            SELECT computed_at, score::float8 AS score FROM account_health_history WHERE account_id = \(accountID)
            ORDER BY computed_at DESC LIMIT 400
            """
        ).map { HealthPoint(at: try $0.decode(Date.self, column: "computed_at"), score: try $0.decode(Double.self, column: "score")) }
        let name = try row.decode(String.self, column: "name"), report = try Self.report(row)
        let atRisk =
            try row.decode(Bool.self, column: "can_be_at_risk")
            ? AccountRisk.assess(
                accountID: accountID, accountName: name, objective: try Self.objective(row), report: report,
                earlierScore: try row.decode(Double?.self, column: "earlier"),
                settings: settings)
            : nil
        return AccountHealth(
            accountID: accountID, accountName: name, report: report, computedAt: try row.decode(Date.self, column: "computed_at"),
            history: history.reversed(), atRisk: atRisk)
    }

    /// The accounts matching `scope` that are at risk, lowest score first. Which are is decided
    /// in Swift (``HealthSettings/isAtRisk(score:earlierScore:)``), as for one account's health, so
    /// that the list and each account's explanation cannot disagree: the scores of the scope come
    /// first, then the reports of those at risk.
    func risks(where scope: PostgresQuery, settings: HealthSettings, limit: Int) async throws -> [AccountRisk] {
        let scores = try await transaction.query(
            """
            SELECT a.id, a.name, a.objective, h.score::float8 AS score, \(Self.earlierScore(settings)) AS earlier
            FROM accounts a JOIN account_health h ON h.account_id = a.id
            WHERE \(scope) AND \(Self.canBeAtRisk)
            """
        ).map { row in
            (
                id: try row.decode(UUID.self, column: "id"), name: try row.decode(String.self, column: "name"),
                objective: try Self.objective(row),
                score: try row.decode(Double.self, column: "score"), earlier: try row.decode(Double?.self, column: "earlier")
            )
        }
        let atRisk = scores.filter { settings.isAtRisk(score: $0.score, earlierScore: $0.earlier) }
            .sorted { ($0.score, $0.name) < ($1.score, $1.name) }
            .prefix(limit)
        guard !atRisk.isEmpty else { return [] }
        let reports = Dictionary(
            uniqueKeysWithValues: try await transaction.query(
                """
                SELECT account_id, report::text AS report FROM account_health WHERE account_id = ANY (\(atRisk.map(\.id))::uuid[])
                """
            ).map { (try $0.decode(UUID.self, column: "account_id"), try Self.report($0)) })
        return atRisk.compactMap { account in
            reports[account.id].flatMap { report in
                AccountRisk.assess(
                    accountID: account.id, accountName: account.name, objective: account.objective, report: report,
                    earlierScore: account.earlier, settings: settings)
            }
        }
    }

    /// Only strategic accounts can be at risk: candidates have no plan yet. (An expression on the
    /// accounts as `a`.)
    static let canBeAtRisk: PostgresQuery = "a.status = 'strategic'"

    /// The score account `a` fell from: the highest since the drop window began, the score in
    /// effect then included; `NULL` without history.
    static func earlierScore(_ settings: HealthSettings) -> PostgresQuery {
        let window: PostgresQuery = "now() - (\(settings.dropWindowDays) * interval '1 day')"
        return """
            greatest(
                (SELECT p.score FROM account_health_history p WHERE p.account_id = a.id AND p.computed_at <= \(window)
                 ORDER BY p.computed_at DESC LIMIT 1),
                (SELECT max(p.score) FROM account_health_history p WHERE p.account_id = a.id AND p.computed_at > \(window))
            )::float8
            """
    }

    static func objective(_ row: PostgresRow) throws -> AccountObjective? {
        try row.decode(String?.self, column: "objective").flatMap(AccountObjective.init(rawValue:))
    }

    static func report(_ row: PostgresRow) throws -> HealthReport {
        try JSONDecoder().decode(HealthReport.self, from: Data(try row.decode(String.self, column: "report").utf8))
    }
}
