import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Whitespace map")
struct WhitespaceTests {
    /// Seller-internal values planted in account A; no customer answer may contain any of them.
    static let secrets = ["Covert rollout", "walk away below 1.1M", "Initrode", "987654.32", "2027-06-30", "PIPELINE-OPP", "hidden idea"]

    /// Everything a customer can receive about the map, as text.
    static func customerText(_ client: KeyplanClient, _ world: TwoTenantWorld, cells: [UUID]) async throws -> String {
        let encoder = JSONEncoder()
        var text = String(decoding: try encoder.encode(try await client.whitespace(of: world.accountA)), as: UTF8.self)
        for cell in cells {
            text += String(decoding: try encoder.encode(try await client.history(accountID: world.accountA, entityID: cell)), as: UTF8.self)
        }
        text += String(decoding: try encoder.encode(try await client.activity(accountID: world.accountA)), as: UTF8.self)
        return text
    }

    @Test func customersSeeSharedIdeasOnlyAndNoInternalValue() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let a = world.accountA
            let seller = try await world.client(for: .sellerOnTeam)
            let admin = try await world.client(for: .admin)
            let editor = try await world.client(for: .customerEditor)
            let viewer = try await world.client(for: .customerViewer)
            let goal = try await world.freshGoal(in: a)
            let opportunity = UUID()
            let insertOpportunity: PostgresQuery =
                "INSERT INTO opportunities (tenant_id, id, account_id, name) VALUES (\(world.acme), \(opportunity), \(a), 'PIPELINE-OPP')"
            _ = try await server.inTenant(world.acme) { try await $0.query(insertOpportunity).count }

            let analytics = try await admin.createSolution(CreateSolutionRequest(name: "Analytics", description: "Predictive analytics"))
            let cloud = try await admin.createSolution(CreateSolutionRequest(name: "Cloud"))
            #expect(await statusCode { _ = try await admin.createSolution(CreateSolutionRequest(name: "analytics")) } == .alreadyExists)
            #expect(await statusCode { _ = try await seller.createSolution(CreateSolutionRequest(name: "Mine")) } == .permissionDenied)
            #expect(try await seller.solutions().map(\.name) == ["Analytics", "Cloud"])

            // A shared idea with internal values, and an internal cell.
            let idea = try await seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(
                    accountID: a, businessUnit: "Plant operations", solutionID: analytics.id, status: .competitor, servedBy: .competitor,
                    competitor: "Initrode", annualValue: Decimal(string: "987654.32"), contractEndsOn: try calendarDate("2027-06-30"),
                    note: "walk away below 1.1M", idea: "Predict outages a week ahead", goalIDs: [goal], opportunityIDs: [opportunity], shared: true))
            let covert = try await seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(
                    accountID: a, businessUnit: "Covert rollout", solutionID: cloud.id, status: .opportunity, annualValue: 5000,
                    idea: "hidden idea"))
            #expect(idea.version == 1 && idea.currency == "USD" && idea.opportunityIDs == [opportunity] && idea.goalIDs == [goal])

            // The seller's grid: every cell, every active solution as a column.
            let grid = try await seller.whitespace(of: a)
            #expect(grid.businessUnits == ["Covert rollout", "Plant operations"] && grid.solutions.map(\.name) == ["Analytics", "Cloud"])
            #expect(grid.cell("plant OPERATIONS", analytics.id)?.competitor == "Initrode")

            // A customer's grid: the shared idea only, without internal fields.
            for customer in [editor, viewer] {
                let theirs = try await customer.whitespace(of: a)
                #expect(theirs.cells.map(\.id) == [idea.id] && theirs.businessUnits == ["Plant operations"])
                #expect(theirs.solutions.map(\.name) == ["Analytics"])
                let cell = try #require(theirs.cells.first)
                #expect(cell.status == nil && cell.servedBy == nil && cell.competitor == nil && cell.annualValue == nil && cell.note == nil)
                #expect(cell.contractEndsOn == nil && cell.currency == nil && cell.opportunityIDs.isEmpty && cell.goalIDs == [goal])
                #expect(cell.idea == "Predict outages a week ahead")
            }
            // Customers neither write the map nor read the roll-up.
            #expect(
                await statusCode {
                    _ = try await editor.createWhitespaceCell(CreateWhitespaceCellRequest(accountID: a, businessUnit: "Ours", solutionID: cloud.id))
                } == .permissionDenied)
            #expect(
                await statusCode {
                    _ = try await editor.updateWhitespaceCell(
                        UpdateWhitespaceCellRequest(accountID: a, cellID: idea.id, expectedVersion: 1, idea: "x"))
                } == .permissionDenied)
            #expect(await statusCode { _ = try await editor.whitespaceRollup() } == .permissionDenied)

            // Internal changes of a shared cell reach the sellers' history only; the customers'
            // history holds what they can read.
            let raised = try await seller.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(accountID: a, cellID: idea.id, expectedVersion: 1, note: "walk away below 1.1M, firmly"))
            #expect(raised.version == 2)
            #expect(try await editor.history(accountID: a, entityID: idea.id).map(\.operation) == [.created])
            #expect(try await seller.history(accountID: a, entityID: idea.id).map(\.visibility) == [.internal, .shared, .internal])

            // Sharing the internal cell shows it as it is now; unsharing withdraws it without fields.
            let published = try await seller.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(
                    accountID: a, cellID: covert.id, expectedVersion: 1, businessUnit: "Field service", idea: "Cloud for the field", shared: true))
            var text = try await Self.customerText(editor, world, cells: [idea.id, covert.id])
            for secret in Self.secrets { #expect(!text.contains(secret), "a customer received \(secret)") }
            #expect(text.contains("Cloud for the field") && text.contains("Predict outages"))
            _ = try await seller.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(accountID: a, cellID: covert.id, expectedVersion: published.version, shared: false))
            #expect(try await viewer.whitespace(of: a).cells.map(\.id) == [idea.id])
            let withdrawn = try await viewer.history(accountID: a, entityID: covert.id)
            #expect(withdrawn.map(\.operation) == [.created, .deleted] && withdrawn.last?.fields == [])
            text = try await Self.customerText(viewer, world, cells: [idea.id, covert.id])
            for secret in Self.secrets { #expect(!text.contains(secret), "a customer received \(secret)") }

            // Another tenant's customer sees nothing.
            let stranger = try await world.client(for: .otherTenantCustomer)
            #expect(await statusCode { _ = try await stranger.whitespace(of: a) } == .notFound)
        }
    }

    @Test func cellsFollowTheCoEditingRuleAndTheRollupSumsPotential() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let a = world.accountA
            let seller = try await world.client(for: .sellerOnTeam)
            let leader = try await world.client(for: .leader)
            let analytics = try await leader.createSolution(CreateSolutionRequest(name: "Analytics"))
            let cloud = try await leader.createSolution(CreateSolutionRequest(name: "Cloud"))

            let cell = try await seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(accountID: a, businessUnit: "Finance", solutionID: analytics.id, status: .opportunity, annualValue: 100))
            #expect(
                await statusCode {
                    _ = try await seller.createWhitespaceCell(
                        CreateWhitespaceCellRequest(accountID: a, businessUnit: "FINANCE", solutionID: analytics.id))
                } == .alreadyExists)
            // A competitor must be named, and only with a competitor.
            #expect(
                await statusCode {
                    _ = try await seller.createWhitespaceCell(
                        CreateWhitespaceCellRequest(accountID: a, businessUnit: "HR", solutionID: analytics.id, servedBy: .competitor))
                } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.createWhitespaceCell(
                        CreateWhitespaceCellRequest(accountID: a, businessUnit: "HR", solutionID: analytics.id, competitor: "Initrode"))
                } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.createWhitespaceCell(
                        CreateWhitespaceCellRequest(accountID: a, businessUnit: "HR", solutionID: analytics.id, goalIDs: [UUID()]))
                } == .failedPrecondition)

            // A stale version is refused with the current cell; nothing is written.
            let updated = try await seller.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(accountID: a, cellID: cell.id, expectedVersion: 1, servedBy: .competitor, competitor: "Initrode"))
            let refusal = try #require(
                await rpcError {
                    _ = try await seller.updateWhitespaceCell(
                        UpdateWhitespaceCellRequest(accountID: a, cellID: cell.id, expectedVersion: 1, note: "late"))
                })
            let current = try refusal.currentRecord(as: WhitespaceCell.self)
            #expect(refusal.code == .aborted && current == updated)
            // Another provider empties the competitor; a cleared value is gone.
            let moved = try await seller.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(accountID: a, cellID: cell.id, expectedVersion: 2, servedBy: .us, clear: [.annualValue]))
            #expect(moved.competitor == "" && moved.annualValue == nil && moved.version == 3)
            let history = try await seller.history(accountID: a, entityID: cell.id)
            #expect(history.last?.fields.contains(FieldChange(field: "competitor", before: "Initrode", after: "")) == true)

            // The roll-up: opportunities' potential by solution and by account, per currency.
            _ = try await seller.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(accountID: a, cellID: cell.id, expectedVersion: 3, annualValue: 250))
            _ = try await seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(accountID: a, businessUnit: "Plants", solutionID: cloud.id, status: .opportunity, annualValue: 1000))
            _ = try await seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(accountID: a, businessUnit: "Sales", solutionID: cloud.id, status: .inUse, annualValue: 99))
            let rollup = try await leader.whitespaceRollup()
            let usd = try #require(rollup.groups.first)
            #expect(rollup.groups.count == 1 && usd.currency == "USD" && usd.totalPotential == 1250 && usd.opportunities == 2)
            #expect(usd.bySolution.map(\.name) == ["Cloud", "Analytics"] && usd.bySolution.map(\.potential) == [1000, 250])
            #expect(usd.byAccount.map(\.id) == [a] && usd.byAccount.first?.potential == 1250)
            // The portfolio's analytics show the same potential, in their snapshot; a report of one objective does not.
            #expect(try await leader.portfolioAnalytics().whitespace == rollup)
            #expect(try await leader.portfolioAnalytics(objective: .retention).whitespace == nil)

            // An archived solution takes no new cell; the ones it has stay.
            let archived = try await leader.updateSolution(UpdateSolutionRequest(solutionID: analytics.id, expectedVersion: 1, archived: true))
            #expect(archived.archived && archived.version == 2)
            #expect(
                await statusCode {
                    _ = try await seller.createWhitespaceCell(
                        CreateWhitespaceCellRequest(accountID: a, businessUnit: "Legal", solutionID: analytics.id))
                } == .failedPrecondition)
            #expect(try await seller.whitespace(of: a).cells.count == 3)
            try await seller.deleteWhitespaceCell(DeleteWhitespaceCellRequest(accountID: a, cellID: cell.id, expectedVersion: 4))
            #expect(try await seller.whitespace(of: a).cells.count == 2)
        }
    }
}
