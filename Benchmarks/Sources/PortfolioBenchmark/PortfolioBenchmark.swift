import BenchmarkServer
import Foundation
import KeyplanAPI

/// Imports a generated Salesforce-style export through a real server over loopback, then pages
/// through the resulting portfolio, and prints rows per second and the page times.
///
///     swift run -c release PortfolioBenchmark [accounts] [contacts]
///
/// Defaults: 20,000 accounts and 30,000 contacts (50,000 rows), on a fresh database of the
/// private test cluster in `../.keyplan/pg-test`.
@main
struct PortfolioBenchmark {
    static func main() async throws {
        try await run()
    }

    /// Off the main actor: the database work hands closures to the connection's thread.
    nonisolated static func run() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let accountCount = arguments.first ?? 20_000
        let contactCount = arguments.dropFirst().first ?? 30_000

        let bench = try await BenchmarkServer.start()
        let (postgres, tenant, client) = (bench.postgres, bench.tenant, bench.admin)

        var accounts = "Account ID,Account Name,Industry,BillingCountry,AnnualRevenue,CurrencyIsoCode\n"
        let industries = ["Manufacturing", "Energy", "Retail", "Banking", "Healthcare"]
        for index in 0..<accountCount {
            accounts += "A\(index),Account \(index),\(industries[index % 5]),Country \(index % 40),\(index * 37 % 5_000_000).\(index % 100),EUR\n"
        }
        var contacts = "Contact ID,First Name,Last Name,Title,Email,Account ID\n"
        for index in 0..<contactCount {
            contacts += "C\(index),First\(index),Last\(index),Buyer,c\(index)@customer.example,A\(index % max(1, accountCount))\n"
        }

        // The floors: psql's \copy of the same two files, on the same database, timed the same way (from
        // the file to the rows stored) — into scratch tables of the files' columns only, and into scratch
        // tables shaped like Keyplan's own (their indexes, unique keys and checks; no foreign key, policy
        // or trigger), which is what storing these rows costs PostgreSQL itself.
        let rows = accountCount + contactCount
        let floorRate = try await copyFloor(bench, .plain, accounts: accounts, contacts: contacts, rows: rows)
        let shapedFloorRate = try await copyFloor(bench, .shapedLikeKeyplan(tenant.tenantID), accounts: accounts, contacts: contacts, rows: rows)

        // Timed from the file's bytes, as psql's is: parsing the CSV is part of the import.
        let started = ContinuousClock.now
        let accountFile = try CSVDocument(bytes: Array(accounts.utf8))
        let contactFile = try CSVDocument(bytes: Array(contacts.utf8))
        let accountReport = try await client.importRows(.accounts, accountFile)
        let contactReport = try await client.importRows(.contacts, contactFile)
        let elapsed = ContinuousClock.now - started
        precondition(
            accountReport.inserted + contactReport.inserted == rows,
            "rows were rejected: \(accountReport.rejected.prefix(3)) \(contactReport.rejected.prefix(3))")
        let rate = Double(rows) / seconds(elapsed)
        print(
            "import: \(rows) rows in \(elapsed) — \(Int(rate)) rows/s: \(percent(rate / shapedFloorRate)) of psql \\copy's into tables "
                + "shaped like Keyplan's (target: at least 25%), \(percent(rate / floorRate)) of \\copy's into plain tables")

        // Again: every row is an update now, and nothing changes.
        let againStarted = ContinuousClock.now
        let accountsAgain = try await client.importRows(.accounts, accountFile)
        let contactsAgain = try await client.importRows(.contacts, contactFile)
        let againElapsed = ContinuousClock.now - againStarted
        precondition(
            accountsAgain.inserted + contactsAgain.inserted == 0 && accountsAgain.updated + contactsAgain.updated == rows,
            "a re-import inserted or rejected rows")
        let againRate = Double(rows) / seconds(againElapsed)
        print(
            "re-import (all updates): \(rows) rows in \(againElapsed) — \(Int(againRate)) rows/s, \(percent(againRate / shapedFloorRate)) of the "
                + "shaped floor's")

        // Assess every tenth account so that the score sorts have data, straight in SQL.
        try await bench.inTenant(tenant.tenantID) { connection -> Void in
            _ = try await connection.query(
                """
                UPDATE accounts SET value_score = (abs(hashtext(name)) % 10001) / 100.0, relationship_score = (abs(hashtext(id::text)) % 10001) / 100.0,
                    quadrant = 'strong_high', priority = 1 + abs(hashtext(name)) % 4, assessed_at = now() - interval '200 days'
                WHERE abs(hashtext(name)) % 10 = 0
                """)
        }

        for sort in PortfolioQuery.Sort.allCases {
            var cursor: String?
            var times: [Duration] = []
            var pages = 0
            repeat {
                let pageStart = ContinuousClock.now
                let page = try await client.portfolio(PortfolioQuery(sort: sort, pageSize: 100, cursor: cursor))
                times.append(ContinuousClock.now - pageStart)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 50
            let sorted = times.sorted()
            print(
                "portfolio page of 100 of \(accountCount) by \(sort): first \(times[0]), median \(sorted[sorted.count / 2]), max \(sorted.last ?? .zero) over \(pages) pages"
            )
        }
        let filteredStart = ContinuousClock.now
        let due = try await client.portfolio(PortfolioQuery(industry: "Energy", dueForReview: true, sort: .value, pageSize: 100))
        print("filtered page (industry, due for review, by value): \(due.accounts.count) rows in \(ContinuousClock.now - filteredStart)")
        let paretoStart = ContinuousClock.now
        let pareto = try await client.pareto()
        print("pareto over \(pareto.groups.first?.accountCount ?? 0) accounts: \(ContinuousClock.now - paretoStart)")

        try await bench.stop()
    }

    static func seconds(_ duration: Duration) -> Double { BenchmarkServer.seconds(duration) }

    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }

    /// What a floor's scratch tables look like.
    enum Floor {
        /// The files' columns only: no index, key, check or policy.
        case plain
        /// `LIKE accounts/contacts INCLUDING ALL` (indexes, unique keys, checks, generated columns; not foreign
        /// keys, policies or triggers), the tenant and ids filled in by defaults. A contact's first and last
        /// name go to columns of their own (the import joins them into `full_name`, which \copy cannot).
        case shapedLikeKeyplan(UUID)
    }

    /// psql's `\copy` of the two files into scratch tables (see ``Floor``); its rows per second.
    static func copyFloor(_ bench: BenchmarkServer, _ floor: Floor, accounts: String, contacts: String, rows: Int) async throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-import-floor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (accountPath, contactPath) = (folder.appendingPathComponent("accounts.csv").path, folder.appendingPathComponent("contacts.csv").path)
        try accounts.write(toFile: accountPath, atomically: true, encoding: .utf8)
        try contacts.write(toFile: contactPath, atomically: true, encoding: .utf8)
        let psql = try ChildProcess.postgresTool("psql")
        let (name, tables, accountColumns, contactColumns): (String, String, String, String)
        switch floor {
        case .plain:
            name = "plain tables"
            tables = """
                CREATE TABLE import_floor_accounts (account_id text, account_name text, industry text, billing_country text,
                    annual_revenue numeric, currency_iso_code text);
                CREATE TABLE import_floor_contacts (contact_id text, first_name text, last_name text, title text, email text, account_id text)
                """
            (accountColumns, contactColumns) = ("", "")
        case .shapedLikeKeyplan(let tenant):
            name = "tables shaped like Keyplan's"
            let tenant = tenant.uuidString.lowercased()
            tables = """
                CREATE TABLE import_shaped_accounts (LIKE accounts INCLUDING ALL);
                ALTER TABLE import_shaped_accounts ALTER tenant_id SET DEFAULT '\(tenant)', ALTER id SET DEFAULT gen_random_uuid();
                CREATE TABLE import_shaped_contacts (LIKE contacts INCLUDING ALL);
                ALTER TABLE import_shaped_contacts ALTER tenant_id SET DEFAULT '\(tenant)', ALTER id SET DEFAULT gen_random_uuid(),
                    ALTER account_id SET DEFAULT gen_random_uuid(), ALTER full_name SET DEFAULT '-',
                    ADD first_name text, ADD last_name text, ADD account_external_id text
                """
            accountColumns = " (external_id, name, industry, region, annual_revenue, currency)"
            contactColumns = " (external_id, first_name, last_name, title, email, account_external_id)"
        }
        let prefix = if case .plain = floor { "import_floor" } else { "import_shaped" }
        _ = try await ChildProcess.run(psql, [bench.database.ownerURL, "-v", "ON_ERROR_STOP=1", "-q", "-c", tables])
        let started = ContinuousClock.now
        _ = try await ChildProcess.run(
            psql,
            [
                bench.database.ownerURL, "-v", "ON_ERROR_STOP=1", "-q",
                "-c", "\\copy \(prefix)_accounts\(accountColumns) FROM '\(accountPath)' CSV HEADER",
                "-c", "\\copy \(prefix)_contacts\(contactColumns) FROM '\(contactPath)' CSV HEADER",
            ])
        let elapsed = ContinuousClock.now - started
        let rate = Double(rows) / seconds(elapsed)
        print("psql \\copy into \(name) (floor): \(rows) rows in \(elapsed) — \(Int(rate)) rows/s")
        return rate
    }
}
