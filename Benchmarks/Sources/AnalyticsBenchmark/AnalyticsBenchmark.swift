import BenchmarkServer
import Foundation
import KeyplanAPI
import KeyplanPostgres

/// A large tenant's analytics, risk list and coaching through a real server over loopback,
/// against a named floor: PostgreSQL counting the rows of the same tables in one round trip
/// (what any query over them pays at least).
///
///     swift run -c release AnalyticsBenchmark [accounts=10000] [runs=7]
///
/// The tenant is generated in SQL on a fresh database of the private test cluster: per account
/// 3 contacts (a decision maker), relationships, 2 goals, 5 actions, 24 months of revenue,
/// 3 opportunities, a customer with visits, and for a third of the accounts two answered
/// scoring rounds of a 5-criteria template. A fifth of the accounts are strategic.
@main
struct AnalyticsBenchmark {
    static func main() async throws {
        try await run()
    }

    nonisolated static func run() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let accountCount = arguments.first ?? 10_000
        let runs = max(1, arguments.dropFirst().first ?? 7)

        let bench = try await BenchmarkServer.start()
        let (postgres, tenant, client, database) = (bench.postgres, bench.tenant, bench.admin, bench.database)

        let seeded = ContinuousClock.now
        try await seed(bench, tenant: tenant.tenantID, admin: bench.adminID, accounts: accountCount)
        // Fresh statistics, as autovacuum would gather them soon after a bulk load (only the owner may).
        try await PostgresClient.withClient(configuration: try PostgresConfiguration(connectionString: database.ownerURL)) {
            try await $0.query("ANALYZE")
        }
        print("seeded \(accountCount) accounts in \(ContinuousClock.now - seeded)")

        let floor = try await measure(runs) {
            _ = try await bench.inTenant(tenant.tenantID) { connection in
                try await connection.pipeline { batch in
                    for table in [
                        "accounts", "goals", "contacts", "contact_relationships", "actions", "scoring_rounds", "scorecard_answers",
                        "account_revenue", "opportunities", "workspace_visits", "workspace_changes",
                    ] {
                        batch.append(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))
                    }
                }
            }
        }
        let analytics = try await measure(runs) { _ = try await client.portfolioAnalytics() }
        let coldRisks = try await measure(1) { _ = try await client.risks(limit: 500) }
        let warmRisks = try await measure(runs) { _ = try await client.risks(limit: 500) }
        let coaching = try await measure(runs) { _ = try await client.coaching() }

        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print("\(accountCount) accounts, median of \(runs) runs, 1-minute load average \(load)")
        print("| measurement | median | ÷ scan floor |")
        print("|---|---:|---:|")
        for (name, time) in [
            ("scan floor: count the 11 tables (one pipeline, no server)", floor), ("Analytics/Portfolio", analytics),
            ("Health/Risks, cold: recompute every account's health", coldRisks), ("Health/Risks, warm", warmRisks),
            ("Coaching/List", coaching),
        ] {
            print("| \(name) | \(milliseconds(time)) ms | \(String(format: "%.1f", seconds(time) / seconds(floor)))× |")
        }

        if ProcessInfo.processInfo.environment["KEEP_DATABASE"] != nil {
            // For studying plans: psql "$URL" then SELECT set_config('app.tenant_id', '<tenant>', false).
            // Test databases of exited processes are dropped by the next test run: stay alive.
            print("kept database: \(database.appURL) tenant \(tenant.tenantID) — interrupt to end")
            try await Task.sleep(for: .seconds(7200))
        }
        try await bench.stop()
    }

    /// The median of `runs` timings of `body`.
    static func measure(_ runs: Int, _ body: () async throws -> Void) async throws -> Duration {
        var times: [Duration] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try await body()
            times.append(ContinuousClock.now - start)
        }
        return times.sorted()[times.count / 2]
    }

    static func seconds(_ duration: Duration) -> Double { BenchmarkServer.seconds(duration) }

    static func milliseconds(_ duration: Duration) -> String { String(format: "%.1f", seconds(duration) * 1000) }

    /// The tenant's workspace, generated set-based in SQL.
    static func seed(_ bench: BenchmarkServer, tenant: UUID, admin: UUID, accounts: Int) async throws {
        try await bench.inTenant(tenant) { connection -> Void in
            for statement: PostgresQuery in [
                """
                INSERT INTO accounts (tenant_id, id, name, status, currency, owner_id, assessed_at)
                SELECT \(tenant), gen_random_uuid(), 'Account ' || n, CASE WHEN n % 5 = 0 THEN 'strategic' ELSE 'candidate' END, 'EUR', \(admin),
                       now() - (n % 400) * interval '1 day'
                FROM generate_series(1, \(accounts)) AS n
                """,
                """
                INSERT INTO users (tenant_id, id, email, display_name, kind)
                SELECT \(tenant), gen_random_uuid(), 'buyer' || n || '@customer.example', 'Buyer ' || n, 'customer' FROM generate_series(1, \(accounts)) AS n
                """,
                """
                INSERT INTO account_customers (tenant_id, account_id, user_id, role)
                SELECT \(tenant), a.id, u.id, 'customer_editor'
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts) a
                JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE kind = 'customer') u USING (n)
                """,
                """
                INSERT INTO contacts (tenant_id, id, account_id, full_name, decision_role, influence, created_at)
                SELECT \(tenant), gen_random_uuid(), a.id, 'Contact ' || k, (ARRAY['decision_maker', 'influencer', 'user'])[k], (ARRAY['high', 'high', 'low'])[k],
                       now() - (k * 10) * interval '1 day'
                FROM accounts a CROSS JOIN generate_series(1, 3) AS k
                """,
                """
                INSERT INTO contact_relationships (tenant_id, account_id, contact_id, user_id, strength)
                SELECT \(tenant), c.account_id, c.id, \(admin), CASE WHEN abs(hashtext(c.id::text)) % 2 = 0 THEN 'strong' ELSE 'moderate' END
                FROM contacts c WHERE c.decision_role <> 'user'
                """,
                """
                INSERT INTO goals (tenant_id, id, account_id, kind, title, created_by, updated_by)
                SELECT \(tenant), gen_random_uuid(), a.id, 'goal', 'Goal ' || k, CASE WHEN k = 1 THEN ac.user_id ELSE \(admin) END, \(admin)
                FROM accounts a JOIN account_customers ac ON ac.account_id = a.id CROSS JOIN generate_series(1, 2) AS k
                """,
                """
                INSERT INTO actions (tenant_id, id, account_id, title, due_on, status, completed_at, shared, created_by, updated_by, updated_at)
                SELECT \(tenant), gen_random_uuid(), a.id, 'Action ' || k, current_date + (k * 17 - 50),
                       CASE WHEN k <= 2 THEN 'done' WHEN k = 3 THEN 'blocked' ELSE 'open' END,
                       CASE WHEN k <= 2 THEN now() - (k * 5) * interval '1 day' END, k % 2 = 0, \(admin), \(admin), now() - (k * 9) * interval '1 day'
                FROM accounts a CROSS JOIN generate_series(1, 5) AS k
                """,
                """
                INSERT INTO account_revenue (tenant_id, account_id, period, amount, currency)
                SELECT \(tenant), a.id, (date_trunc('month', current_date) - m * interval '1 month')::date, 1000 + abs(hashtext(a.id::text || m)) % 9000, 'EUR'
                FROM accounts a CROSS JOIN generate_series(1, 24) AS m
                """,
                """
                INSERT INTO opportunities (tenant_id, id, account_id, name, close_date, won)
                SELECT \(tenant), gen_random_uuid(), a.id, 'Deal ' || k, current_date - k * 90, CASE WHEN k = 3 THEN NULL ELSE abs(hashtext(a.id::text || k)) % 3 = 0 END
                FROM accounts a CROSS JOIN generate_series(1, 3) AS k
                """,
                """
                INSERT INTO workspace_visits (tenant_id, account_id, user_id, day, views)
                SELECT \(tenant), ac.account_id, ac.user_id, current_date - d, 1 + d % 3
                FROM account_customers ac CROSS JOIN generate_series(0, 120, 15) AS d
                WHERE abs(hashtext(ac.account_id::text)) % 3 <> 0
                """,
                """
                INSERT INTO scorecard_templates (tenant_id, id, name, created_by) VALUES (\(tenant), gen_random_uuid(), 'Customer value', \(admin))
                """,
                """
                INSERT INTO scorecard_criteria (tenant_id, id, template_id, position, name, weight)
                SELECT \(tenant), gen_random_uuid(), t.id, k, 'Criterion ' || k, k + 1 FROM scorecard_templates t CROSS JOIN generate_series(0, 4) AS k
                """,
                """
                INSERT INTO scoring_rounds (tenant_id, id, account_id, template_id, period, opened_by, opened_at)
                SELECT \(tenant), gen_random_uuid(), a.id, t.id, '2026-Q' || q, \(admin), now() - ((3 - q) * 90) * interval '1 day'
                FROM accounts a CROSS JOIN scorecard_templates t CROSS JOIN generate_series(1, 2) AS q
                WHERE abs(hashtext(a.id::text)) % 3 = 0
                """,
                """
                INSERT INTO scorecard_responses (tenant_id, round_id, respondent_id, updated_at)
                SELECT \(tenant), r.id, ac.user_id, r.opened_at + interval '3 days'
                FROM scoring_rounds r JOIN account_customers ac ON ac.account_id = r.account_id
                """,
                """
                INSERT INTO scorecard_answers (tenant_id, round_id, respondent_id, criterion_id, score)
                SELECT \(tenant), s.round_id, s.respondent_id, c.id, (1 + abs(hashtext(s.round_id::text || c.id::text)) % 10)::int2
                FROM scorecard_responses s CROSS JOIN scorecard_criteria c
                """,
            ] {
                try await connection.query(statement)
            }
        }
    }
}
