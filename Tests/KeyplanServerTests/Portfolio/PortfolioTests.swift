import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Profiles, assessments, settings, pages and the Pareto view against a real server.
@Suite("Portfolio")
struct PortfolioTests {
    static let middling = AssessmentAnswers(value: [3, 3, 3], relationship: [1, 2, 3, 4, 5])

    @Test func profileAndAssessmentsRoundTrip() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let account = try await client.createAccount(CreateAccountRequest(name: "Initech"))
            let profile = try await client.updateProfile(
                UpdateProfileRequest(
                    accountID: account.id, industry: " Manufacturing ", region: "DE", currency: "eur",
                    annualRevenue: Decimal(string: "1234567.89"), potentialRevenue: 5_000_000, growthIndicators: "new plant",
                    objective: .verticalPenetration, ownerID: admin.identity.userID, externalID: "001A", status: .strategic))
            #expect(profile.industry == "Manufacturing" && profile.currency == "EUR" && profile.annualRevenue == Decimal(string: "1234567.89"))
            #expect(profile.objective == .verticalPenetration && profile.status == .strategic && profile.ownerID == admin.identity.userID)
            #expect(profile.team == [admin.identity.userID] && profile.quadrant == nil)
            // Fields left nil are kept.
            #expect(try await client.updateProfile(UpdateProfileRequest(accountID: account.id, region: "FR")).industry == "Manufacturing")

            let first = try await client.assess(AssessRequest(accountID: account.id, answers: Self.middling, notes: "first look"))
            #expect(first.score == AssessmentScore(value: 50, relationship: 50, quadrant: .strongHigh, priority: 1))
            let second = try await client.assess(
                AssessRequest(accountID: account.id, answers: AssessmentAnswers(value: [1, 1, 2], relationship: [5, 5, 5, 5, 5])))
            #expect(second.score.quadrant == .strongLow && second.score.priority == 3)
            let history = try await client.assessments(of: account.id)
            #expect(history.map(\.id) == [second.id, first.id])
            #expect(history.last?.answers == Self.middling && history.last?.notes == "first look")
            let latest = try #require(try await client.portfolio(PortfolioQuery()).accounts.first)
            #expect(latest.quadrant == .strongLow && latest.priority == 3 && latest.valueScore == Decimal(string: "8.33"))

            for bad in [
                UpdateProfileRequest(accountID: account.id, currency: "EURO"),
                UpdateProfileRequest(accountID: account.id, annualRevenue: -1),
                UpdateProfileRequest(accountID: account.id, annualRevenue: Decimal(string: "1.001")),
                UpdateProfileRequest(accountID: account.id, ownerID: UUID()),
            ] {
                #expect(await statusCode { _ = try await client.updateProfile(bad) } == .invalidArgument)
            }
            // Revenue by month, for trends: a month recorded again is replaced.
            _ = try await client.recordRevenue(RecordRevenueRequest(accountID: account.id, period: "2026-02", amount: 100))
            _ = try await client.recordRevenue(RecordRevenueRequest(accountID: account.id, period: "2025-12", amount: Decimal(string: "80.5")!))
            let trend = try await client.recordRevenue(RecordRevenueRequest(accountID: account.id, period: "2026-02", amount: 120))
            #expect(
                trend.entries == [
                    .init(period: "2025-12", amount: Decimal(string: "80.5")!, currency: "EUR"),
                    .init(period: "2026-02", amount: 120, currency: "EUR"),
                ])
            #expect(try await client.revenueHistory(of: account.id) == trend)
            for period in ["2026-13", "2026-1", "26-01", "2026-01-01"] {
                #expect(
                    await statusCode { _ = try await client.recordRevenue(RecordRevenueRequest(accountID: account.id, period: period, amount: 1)) }
                        == .invalidArgument)
            }

            let badAnswers = AssessRequest(accountID: account.id, answers: AssessmentAnswers(value: [3, 3, 9], relationship: [3, 3, 3, 3, 3]))
            #expect(await rpcError { _ = try await client.assess(badAnswers) }?.message.contains("between 1 and 5") == true)
        }
    }

    @Test func changingSettingsReclassifiesAccounts() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            #expect(try await client.portfolioSettings() == .defaults)
            let account = try await client.createAccount(CreateAccountRequest(name: "Umbrella"))
            _ = try await client.assess(AssessRequest(accountID: account.id, answers: Self.middling))

            var settings = PortfolioSettings.defaults
            settings.valueThreshold = Decimal(string: "50.01")!
            settings.relationshipThreshold = Decimal(string: "50.01")!
            settings.priorityOrder = [.weakLow, .weakHigh, .strongLow]
            settings.reviewIntervalDays = 30
            #expect(try await client.updatePortfolioSettings(settings) == settings)
            #expect(try await client.portfolioSettings() == settings)
            let moved = try #require(try await client.portfolio(PortfolioQuery()).accounts.first)
            #expect(moved.quadrant == .weakLow && moved.priority == 2)
            // A recorded assessment keeps the classification it got.
            #expect(try await client.assessments(of: account.id).first?.score.quadrant == .strongHigh)
            // New assessments use the tenant's weights.
            settings.valueWeights = [0, 0, 1]
            _ = try await client.updatePortfolioSettings(settings)
            let weighted = try await client.assess(
                AssessRequest(accountID: account.id, answers: AssessmentAnswers(value: [1, 1, 5], relationship: [5, 5, 5, 5, 5])))
            #expect(weighted.score.value == 100 && weighted.score.quadrant == .strongHigh)

            settings.priorityOrder = [.weakLow, .weakLow, .strongLow]
            #expect(await statusCode { _ = try await client.updatePortfolioSettings(settings) } == .invalidArgument)
        }
    }

    @Test func filtersAndDueForReview() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let fresh = try await client.createAccount(CreateAccountRequest(name: "Fresh"))
            let old = try await client.createAccount(CreateAccountRequest(name: "Old"))
            let never = try await client.createAccount(CreateAccountRequest(name: "Never"))
            _ = try await client.updateProfile(
                UpdateProfileRequest(accountID: fresh.id, industry: "Retail", region: "EMEA", objective: .retention, status: .strategic))
            _ = try await client.assess(AssessRequest(accountID: fresh.id, answers: Self.middling))
            _ = try await client.assess(
                AssessRequest(accountID: old.id, answers: AssessmentAnswers(value: [1, 1, 1], relationship: [1, 1, 1, 1, 1])))
            try await server.inTenant(tenant) { connection in
                _ = try await connection.query("UPDATE accounts SET assessed_at = now() - interval '181 days' WHERE id = \(old.id)")
            }
            func names(_ query: PortfolioQuery) async throws -> [String] {
                try await client.portfolio(query).accounts.map(\.name)
            }
            #expect(try await names(PortfolioQuery(dueForReview: true, sort: .name)) == ["Never", "Old"])
            #expect(try await names(PortfolioQuery(quadrant: .weakLow)) == ["Old"])
            #expect(try await names(PortfolioQuery(priority: 1)) == ["Fresh"])
            #expect(try await names(PortfolioQuery(status: .strategic, region: "EMEA", industry: "Retail", objective: .retention)) == ["Fresh"])
            #expect(try await names(PortfolioQuery(status: .candidate, sort: .name)) == ["Never", "Old"])
            #expect(try await names(PortfolioQuery(ownerID: admin.identity.userID)) == [])
            // Priority order: assessed by priority, never assessed last.
            #expect(try await names(PortfolioQuery(sort: .priority)) == ["Fresh", "Old", "Never"])
            #expect(await statusCode { _ = try await client.portfolio(PortfolioQuery(cursor: "not a cursor")) } == .invalidArgument)
            #expect(await statusCode { _ = try await client.portfolio(PortfolioQuery(pageSize: 0)) } == .invalidArgument)
            let nameCursor = try PortfolioCursor(sort: .name, text: "A", id: UUID()).token
            #expect(await statusCode { _ = try await client.portfolio(PortfolioQuery(sort: .revenue, cursor: nameCursor)) } == .invalidArgument)
        }
    }

    @Test(arguments: PortfolioQuery.Sort.allCases)
    func keysetPaginationStaysCorrectWhileRowsAreInserted(sort: PortfolioQuery.Sort) async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            // Many ties on every sort key, so the id tie-breaker matters.
            let original = try await Self.insertAccounts(server, tenant: tenant, count: 40, prefix: "orig")
            var seen: [PortfolioAccount] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await client.portfolio(PortfolioQuery(sort: sort, pageSize: 7, cursor: cursor))
                seen += page.accounts
                cursor = page.nextCursor
                pages += 1
                // Rows arrive between pages, before and after the cursor.
                _ = try await Self.insertAccounts(server, tenant: tenant, count: 3, prefix: "new\(pages)")
            } while cursor != nil && pages < 100
            let ids = seen.map(\.id)
            #expect(Set(ids).count == ids.count, "no account twice")
            #expect(Set(original).isSubset(of: Set(ids)), "every account present from the start is listed")
            let order = PortfolioOrder(sort)
            let keys = seen.map { order.cursor(after: $0) }
            for (a, b) in zip(keys, keys.dropFirst()) {
                #expect(Self.inOrder(a, b, ascending: order.ascending), "\(sort) order broken between \(a) and \(b)")
            }
        }
    }

    static func inOrder(_ a: PortfolioCursor, _ b: PortfolioCursor, ascending: Bool) -> Bool {
        // PostgreSQL compares uuids bytewise, as their lower-case text does.
        let (idA, idB) = (a.id.uuidString.lowercased(), b.id.uuidString.lowercased())
        if let ta = a.text, let tb = b.text {
            // Names here are ASCII with a common shape, so the collation agrees with byte order.
            return ta == tb ? idA < idB : ta < tb
        }
        guard let na = a.number, let nb = b.number else { return false }
        if na == nb { return ascending ? idA < idB : idA > idB }
        return ascending ? na < nb : na > nb
    }

    /// Accounts with repeating revenues and scores, straight into the database.
    static func insertAccounts(_ server: IdentityTestServer, tenant: UUID, count: Int, prefix: String) async throws -> [UUID] {
        try await server.inTenant(tenant) { connection in
            var ids: [UUID] = []
            for index in 0..<count {
                let id = UUID()
                let scored = index % 4 != 0
                _ = try await connection.query(
                    """
                    INSERT INTO accounts (tenant_id, id, name, annual_revenue, value_score, relationship_score, quadrant, priority, assessed_at)
                    VALUES (\(tenant), \(id), \("\(prefix)-\(index % 5)-\(id.uuidString.prefix(8).lowercased())"),
                        \(index % 3 == 0 ? nil : Decimal(1000 * (index % 4))),
                        \(scored ? Decimal(25 * (index % 3)) : nil), \(scored ? Decimal(50) : nil),
                        \(scored ? "strong_low" : nil), \(scored ? Int16(1 + index % 4) : nil), \(scored ? Date() : nil))
                    """)
                ids.append(id)
            }
            return ids
        }
    }

    @Test func paretoPerCurrencyAndScope() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let admin = server.client(world.acmeAdminToken)
            // Account A has 1250000.50 USD; B gets 250000 EUR; archived accounts are left out.
            _ = try await admin.updateProfile(UpdateProfileRequest(accountID: world.accountB, currency: "EUR", annualRevenue: 250_000))
            let archived = try await admin.createAccount(CreateAccountRequest(name: "Gone", annualRevenue: 9_999_999))
            _ = try await admin.updateProfile(UpdateProfileRequest(accountID: archived.id, status: .archived))
            let report = try await admin.pareto()
            #expect(report.groups.map(\.currency) == ["EUR", "USD"])
            #expect(report.groups.map(\.totalRevenue) == [250_000, Decimal(string: "1250000.5")!])
            #expect(report.groups[1].coreForEightyPercent.map(\.accountID) == [world.accountA])

            // A seller's portfolio holds their team's accounts; a leader's the whole tenant's.
            let seller = try await world.client(for: .sellerOnTeam)
            #expect(try await seller.portfolio(PortfolioQuery(sort: .name)).accounts.map(\.id) == [world.accountA])
            let leader = try await world.client(for: .leader)
            #expect(try await leader.portfolio(PortfolioQuery(sort: .name)).accounts.map(\.name) == ["Account A", "Account B", "Gone"])
            // Customers see neither the portfolio nor an account's assessments.
            let customer = try await world.client(for: .customerEditor)
            #expect(await statusCode { _ = try await customer.portfolio(PortfolioQuery()) } == .permissionDenied)
            #expect(await statusCode { _ = try await customer.assessments(of: world.accountA) } == .permissionDenied)
            let other = try await world.client(for: .otherTenantCustomer)
            #expect(await statusCode { _ = try await other.assessments(of: world.accountA) } == .notFound)
        }
    }
}
