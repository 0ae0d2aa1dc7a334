import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// CRM imports against a real server: Salesforce columns, a mapping, idempotence, rejected rows.
@Suite("CRM import")
struct ImportTests {
    static let accounts = """
        Account ID,Account Name,Industry,BillingCountry,AnnualRevenue,CurrencyIsoCode,Owner Email
        001A,Acme,Manufacturing,Germany,1500000.50,EUR,
        001B,"Globex, Inc.",Energy,,250000,USD,admin@acme.example
        001C,Bad Money,Retail,France,12.345,EUR,
        001D,,Retail,France,10,EUR,
        001E,Unknown Owner,Retail,,10,USD,nobody@acme.example
        001F,Bad Currency,Retail,,10,EURO,

        """

    func document(_ text: String) throws -> CSVDocument { try CSVDocument(bytes: Array(text.utf8)) }

    @Test func accountsContactsAndOpportunitiesAreIdempotentAndBadRowsReported() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let first = try await client.importRows(.accounts, try document(Self.accounts), chunkSize: 2)
            #expect(first.inserted == 2 && first.updated == 0)
            #expect(
                first.rejected == [
                    ImportReport.Rejection(
                        line: 4, column: "AnnualRevenue", reason: "\"12.345\" is not an amount (digits, at most two decimals, a dot as separator)"),
                    ImportReport.Rejection(line: 5, column: "Account Name", reason: "required, but empty"),
                    ImportReport.Rejection(line: 6, column: "Owner Email", reason: "no active seller has this email"),
                    ImportReport.Rejection(line: 7, column: "CurrencyIsoCode", reason: "\"EURO\" is not an ISO 4217 currency code"),
                ])
            let again = try await client.importRows(.accounts, try document(Self.accounts))
            #expect(again.inserted == 0 && again.updated == 2 && again.rejected.count == 4)

            let page = try await client.portfolio(PortfolioQuery(sort: .name)).accounts
            #expect(page.map(\.name) == ["Acme", "Globex, Inc."])
            #expect(page[0].annualRevenue == Decimal(string: "1500000.5") && page[0].currency == "EUR" && page[0].region == "Germany")
            #expect(page[1].ownerID == admin.identity.userID && page[1].team == [admin.identity.userID] && page[1].externalID == "001B")

            // A change in the CRM updates; an empty cell keeps what is stored.
            let changed = try await client.importRows(.accounts, try document("Id,Name,Industry\n001A,Acme Group,\n"))
            #expect(changed.updated == 1)
            let acme = try #require(try await client.portfolio(PortfolioQuery(sort: .name)).accounts.first)
            #expect(acme.name == "Acme Group" && acme.industry == "Manufacturing")

            let contacts = """
                Contact ID,First Name,Last Name,Title,Email,Account ID
                003A,Ada,Lovelace,CTO,ada@acme.example,001A
                003B,Nobody,Known,,x@y.example,001Z
                003C,No,,,,001A

                """
            let contactReport = try await client.importRows(.contacts, try document(contacts))
            #expect(contactReport.inserted == 1)
            #expect(contactReport.rejected.map(\.line) == [3, 4])
            #expect(contactReport.rejected.map(\.column) == ["Account ID", "Last Name"])
            #expect(try await client.importRows(.contacts, try document(contacts)).updated == 1)

            let opportunities = """
                Opportunity ID,Opportunity Name,Account ID,Amount,Stage,Close Date,Won
                006A,Line 3 retrofit,001A,250000,Negotiation,12/31/2026,false
                006B,Bad date,001A,1,Closed,2026-02-30,true
                006C,Bad flag,001A,1,Closed,2026-01-31,maybe

                """
            let opportunityReport = try await client.importRows(.opportunities, try document(opportunities))
            #expect(opportunityReport.inserted == 1 && opportunityReport.rejected.map(\.column) == ["Close Date", "Won"])
            #expect(try await client.importRows(.opportunities, try document(opportunities)).updated == 1)

            let counts = try await server.inTenant(tenant) { connection in
                let row = try await connection.query(
                    """
                    SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM contacts) AS contacts,
                           (SELECT count(*) FROM opportunities) AS opportunities,
                           (SELECT close_date::text || ' ' || currency || ' ' || won::text FROM opportunities) AS opportunity
                    """)[0]
                return [
                    try row.decode(Int64.self, column: "accounts"), try row.decode(Int64.self, column: "contacts"),
                    try row.decode(Int64.self, column: "opportunities"),
                ]
                .map(String.init) + [try row.decode(String.self, column: "opportunity")]
            }
            #expect(counts == ["2", "1", "1", "2026-12-31 EUR false"])
        }
    }

    /// A chunk goes in as one statement; within it, a repeated external id updates what the earlier
    /// row wrote (as row by row), and a row the database refuses (a name another row of the chunk
    /// takes) is reported with its line while the chunk's other rows still go in.
    @Test func aChunkWithARepeatedIDAndATakenNameImportsLikeRowByRow() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let file = """
                Account ID,Account Name,Industry,AnnualRevenue
                A1,Alpha,Energy,100
                A2,Beta,Retail,
                A1,Alpha Renamed,,200
                A3,Beta,Retail,5
                A4,Delta,Energy,7

                """
            let report = try await client.importRows(.accounts, try document(file), chunkSize: 1_000)
            #expect(report.inserted == 3 && report.updated == 1)
            #expect(report.rejected == [ImportReport.Rejection(line: 5, column: nil, reason: "another account already has this name")])
            let stored = try await server.inTenant(tenant) { connection in
                try await connection.query("SELECT external_id, name, industry, annual_revenue::text AS revenue FROM accounts ORDER BY external_id")
                    .map { row in
                        [
                            try row.decode(String.self, column: "external_id"), try row.decode(String.self, column: "name"),
                            try row.decode(String.self, column: "industry"), try row.decode(String?.self, column: "revenue") ?? "-",
                        ]
                        .joined(separator: " ")
                    }
            }
            #expect(stored == ["A1 Alpha Renamed Energy 200.00", "A2 Beta Retail -", "A4 Delta Energy 7.00"])

            // The same file again, clean: every row an update, in one statement per run of distinct ids.
            let clean = file.replacingOccurrences(of: "A3,Beta,Retail,5\n", with: "")
            let again = try await client.importRows(.accounts, try document(clean), chunkSize: 1_000)
            #expect(again.inserted == 0 && again.updated == 4 && again.rejected.isEmpty)
        }
    }

    /// An org chart out of the CRM: a manager by external id (further down the file) or by email;
    /// unknown, other-account, self and cyclic managers refused with line, column and reason; a
    /// re-import changes nothing.
    @Test func contactsReportingLinesByExternalIDOrEmail() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            #expect(try await client.importRows(.accounts, try document("Id,Name\n001A,Acme\n001B,Globex\n")).inserted == 2)
            let contacts = """
                Contact ID,First Name,Last Name,Email,Account ID,ReportsToId
                003C,Carla,Chen,carla@acme.example,001A,
                003D,Dan,Diaz,dan@acme.example,001A,003E
                003E,Eve,Evans,eve@acme.example,001A,CARLA@acme.example
                003F,Fay,Fox,,001A,003Z
                003G,Gus,Gray,,001B,003C
                003H,Hal,Hill,,001A,003H
                003I,Ivy,Ives,,001A,003J
                003J,Jon,Jones,,001A,003I

                """
            let expected = [
                ImportReport.Rejection(line: 5, column: "ReportsToId", reason: "no contact of this account has the external id or email \"003Z\""),
                ImportReport.Rejection(line: 6, column: "ReportsToId", reason: "no contact of this account has the external id or email \"003C\""),
                ImportReport.Rejection(line: 7, column: "ReportsToId", reason: "Hal Hill cannot report to themselves"),
                ImportReport.Rejection(
                    line: 9, column: "ReportsToId",
                    reason:
                        "Jon Jones cannot report to Ivy Ives, who already reports (directly or not) to Jon Jones: reports-to lines must not form a cycle"
                ),
            ]
            let first = try await client.importRows(.contacts, try document(contacts), chunkSize: 3)
            #expect(first.inserted == 8 && first.rejected == expected)

            func chart() async throws -> [String] {
                try await server.inTenant(tenant) { connection in
                    try await connection.query(
                        """
                        SELECT c.external_id || '>' || coalesce(m.external_id, '-') || ' v' || c.version AS line
                        FROM contacts c LEFT JOIN contacts m ON m.id = c.reports_to ORDER BY c.external_id
                        """
                    ).map { try $0.decode(String.self, column: "line") }
                }
            }
            let lines = try await chart()
            #expect(lines == ["003C>- v1", "003D>003E v2", "003E>003C v2", "003F>- v1", "003G>- v1", "003H>- v1", "003I>003J v2", "003J>- v1"])

            let again = try await client.importRows(.contacts, try document(contacts))
            #expect(again.inserted == 0 && again.updated == 8 && again.rejected == expected)
            #expect(try await chart() == lines)

            // The relationship map shows the imported lines.
            let map = try await client.relationshipMap(of: try #require(try await client.listAccounts().first { $0.name == "Acme" }).id)
            let eve = try #require(map.contacts.first { $0.fullName == "Eve Evans" })
            #expect(map.contacts.first { $0.fullName == "Dan Diaz" }?.reportsTo == eve.id)
        }
    }

    @Test func aMappingForAnotherCRMAndRefusedFiles() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let file = "Customer No;Company\n".replacingOccurrences(of: ";", with: ",") + "C-1,Initech\nC-2,Initrode\n"
            let report = try await client.importRows(.accounts, try document(file), mapping: ["externalID": "Customer No", "name": "Company"])
            #expect(report.inserted == 2 && report.rejected.isEmpty)

            let missing = await rpcError { _ = try await client.importRows(.accounts, try document("Company\nInitech\n")) }
            #expect(missing?.code == .invalidArgument && missing?.message.contains("no column for externalID") == true)
            let badMapping = await rpcError { _ = try await client.importRows(.accounts, try document(file), mapping: ["colour": "Company"]) }
            #expect(badMapping?.code == .invalidArgument)
            let absentColumn = await rpcError { _ = try await client.importRows(.accounts, try document(file), mapping: ["name": "Firm"]) }
            #expect(absentColumn?.message.contains("not in the file's header") == true)
            // A row with more fields than the header is refused as a whole.
            let wide = try await client.importRows(.accounts, try document("Id,Name\nW-1,Wide,extra\n"))
            #expect(wide.rejected.map(\.line) == [2] && wide.inserted == 0)
            // A row that breaks a constraint rolls back alone: the next row still goes in.
            let clash = try await client.importRows(.accounts, try document("Id,Name\nD-1,Initech\nD-2,Fresh\n"))
            #expect(
                clash.inserted == 1
                    && clash.rejected == [ImportReport.Rejection(line: 2, column: nil, reason: "another account already has this name")])
        }
    }

    /// An import by a leader never changes who owns an existing account (it would grant the
    /// leader edit and manage rights); an admin's import may.
    @Test func onlyAnAdminsImportReassignsAnExistingAccount() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let leaderID = try await client.createUser(
                CreateUserRequest(
                    email: "leader@acme.example", displayName: "Leader", role: .leader, password: "leader-password")
            ).user.id
            let leader = server.client(
                try await server.anonymous.signIn(tenantSlug: "acme", email: "leader@acme.example", password: "leader-password").token)
            #expect(try await client.importRows(.accounts, try document("Id,Name\nX-1,Existing\n")).inserted == 1)

            let takeover = try await leader.importRows(.accounts, try document("Id,Name,Owner Email\nX-1,Existing,leader@acme.example\n"))
            #expect(takeover.updated == 1 && takeover.rejected.isEmpty)
            var account = try #require(try await client.portfolio(PortfolioQuery(sort: .name)).accounts.first)
            #expect(account.ownerID != leaderID && !account.team.contains(leaderID))

            // A new account the leader imports may name its owner.
            #expect(try await leader.importRows(.accounts, try document("Id,Name,Owner Email\nX-2,New,leader@acme.example\n")).inserted == 1)
            let new = try #require(try await client.portfolio(PortfolioQuery(sort: .name)).accounts.first { $0.externalID == "X-2" })
            #expect(new.ownerID == leaderID && new.team == [leaderID])

            #expect(try await client.importRows(.accounts, try document("Id,Name,Owner Email\nX-1,Existing,leader@acme.example\n")).updated == 1)
            account = try #require(try await client.portfolio(PortfolioQuery(sort: .name)).accounts.first { $0.externalID == "X-1" })
            #expect(account.ownerID == leaderID && account.team.contains(leaderID))
        }
    }
}
