import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Goals")
struct GoalsTests {
    /// The goal an update returns, or the error it fails with.
    static func outcome(_ body: @Sendable () async throws -> GoalView) async -> Result<GoalView, RPCError> {
        do {
            return .success(try await body())
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(RPCError(code: .unknown, message: "\(error)"))
        }
    }

    /// Waits (up to 10 s) until `count` statements of the test database wait for a lock.
    static func waitForLockWaiters(_ count: Int, _ server: IdentityTestServer) async throws {
        for _ in 0..<200 {
            let waiting = try await server.client.query(
                """
                SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                """
            ).single(Int.self, column: "n")
            if waiting >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(count) statements never waited for the lock")
    }

    @Test func aSellerAndACustomerEditOneGoalAtOnceAndExactlyOneWins() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let customer = try await world.client(for: .customerEditor)
            let account = world.accountA
            let created = try await seller.createGoal(
                accountID: account,
                GoalDraft(
                    title: "Grow EMEA", targetDate: CalendarDate("2027-06-30"),
                    metrics: [GoalMetric(name: "Revenue", unit: "EUR", baseline: 100, target: 200, current: 120)]))
            #expect(created.version == 1 && created.createdBy.kind == .seller && created.createdBy.displayName == "seller-on")

            // Both read version 1, then both save at once.
            let sellerRead = try await seller.goal(accountID: account, goalID: created.id)
            let customerRead = try await customer.goal(accountID: account, goalID: created.id)
            #expect(sellerRead.version == 1 && customerRead == sellerRead)
            let sellerEdit = UpdateGoalRequest(accountID: account, goalID: created.id, expectedVersion: 1, title: "Grow EMEA by 20%")
            var customerMetrics = customerRead.metrics
            customerMetrics[0].current = Decimal(string: "135.5")
            let customerEdit = UpdateGoalRequest(accountID: account, goalID: created.id, expectedVersion: 1, metrics: customerMetrics)
            // The row is held locked while both updates start, so that both are in flight at
            // once whatever the machine's scheduling; then it is let go.
            let (sellerSaving, customerSaving) = try await server.inTenant(world.acme) { connection in
                try await connection.query("SELECT id FROM goals WHERE id = \(created.id) FOR UPDATE")
                let saving = (
                    Task { await Self.outcome { try await seller.updateGoal(sellerEdit) } },
                    Task { await Self.outcome { try await customer.updateGoal(customerEdit) } }
                )
                try await Self.waitForLockWaiters(2, server)
                return saving
            }
            let outcomes = [(UserKind.seller, await sellerSaving.value), (.customer, await customerSaving.value)]

            let winners = outcomes.compactMap { kind, outcome in (try? outcome.get()).map { (kind, $0) } }
            let losers = outcomes.compactMap { kind, outcome -> (UserKind, RPCError)? in
                guard case .failure(let error) = outcome else { return nil }
                return (kind, error)
            }
            try #require(winners.count == 1 && losers.count == 1, "exactly one update wins: \(outcomes)")
            let (winnerKind, winner) = winners[0]
            let (loserKind, refusal) = losers[0]
            #expect(refusal.code == .aborted && refusal.message.contains("version 2"), "\(refusal)")
            #expect(winner.version == 2 && winner.updatedBy.kind == winnerKind)
            // The refusal carries the current record: the winner's.
            let current = try #require(try refusal.currentRecord(as: GoalView.self))
            #expect(current == winner)

            // History: the creation and exactly the winning update, with who and before/after.
            let history = try await seller.history(accountID: account, entityID: created.id)
            #expect(history.map(\.operation) == [.created, .updated])
            #expect(history.map(\.version) == [1, 2])
            #expect(history[0].actor.kind == .seller && history[0].entity == .goal && history[0].visibility == .shared)
            #expect(history[0].fields.map(\.field) == ["department", "description", "kind", "metrics", "status", "targetDate", "title"])
            #expect(history[0].fields.allSatisfy { $0.before == nil })
            #expect(history[1].actor.kind == winnerKind && history[1].summary.contains("updated"))
            if winnerKind == .seller {
                #expect(history[1].fields == [FieldChange(field: "title", before: "Grow EMEA", after: "Grow EMEA by 20%")])
            } else {
                let metrics = try #require(history[1].fields.first)
                #expect(history[1].fields.count == 1 && metrics.field == "metrics")
                #expect(metrics.before?.contains("\"current\":120") == true && metrics.after?.contains("\"current\":135.5") == true)
            }
            // The customer reads the same (shared) history.
            #expect(try await customer.history(accountID: account, entityID: created.id) == history)

            // The loser merges onto the current version and retries: it succeeds.
            var retried = loserKind == .seller ? sellerEdit : customerEdit
            retried.expectedVersion = current.version
            let loser = loserKind == .seller ? seller : customer
            let merged = try await loser.updateGoal(retried)
            #expect(merged.version == 3 && merged.title == "Grow EMEA by 20%" && merged.metrics[0].current == Decimal(string: "135.5"))
            #expect(merged.updatedBy.kind == loserKind && merged.createdBy == created.createdBy)
            #expect(try await seller.history(accountID: account, entityID: created.id).map(\.version) == [1, 2, 3])

            // An update that changes nothing writes nothing.
            #expect(
                try await seller.updateGoal(
                    UpdateGoalRequest(
                        accountID: account, goalID: created.id, expectedVersion: 3, title: merged.title, metrics: merged.metrics)) == merged)
            #expect(try await seller.history(accountID: account, entityID: created.id).count == 3)
        }
    }

    @Test func readersWritersAndStrangers() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let goal = try await world.freshGoal()
            let viewer = try await world.client(for: .customerViewer)
            let editor = try await world.client(for: .customerEditor)
            let account = world.accountA

            // A customer viewer reads but cannot write. (The goal's author, acme's admin, is on no team: the
            // customer reads them by name alone.)
            var asCustomer = goal
            asCustomer.createdBy.email = ""
            asCustomer.updatedBy.email = ""
            #expect(try await viewer.goal(accountID: account, goalID: goal.id) == asCustomer)
            #expect(try await viewer.goals(accountID: account).all.map(\.id) == [goal.id])
            for write in [
                { _ = try await viewer.createGoal(accountID: account, GoalDraft(title: "Mine")) },
                { _ = try await viewer.updateGoal(UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: 1, title: "Mine")) },
                { try await viewer.deleteGoal(accountID: account, goalID: goal.id, expectedVersion: 1) },
            ] as [@Sendable () async throws -> Void] {
                #expect(await statusCode(write) == .permissionDenied)
            }
            // Another tenant's customer does not find the account, nor the goal.
            let stranger = try await world.client(for: .otherTenantCustomer)
            #expect(await statusCode { _ = try await stranger.goal(accountID: account, goalID: goal.id) } == .notFound)
            #expect(await statusCode { _ = try await stranger.goal(accountID: world.accountC, goalID: goal.id) } == .notFound)
            #expect(
                await statusCode {
                    _ = try await stranger.updateGoal(UpdateGoalRequest(accountID: world.accountC, goalID: goal.id, expectedVersion: 1, title: "x"))
                } == .notFound)
            // A goal of account B is not reachable through account A.
            let admin = try await world.client(for: .admin)
            let goalOfB = try await admin.createGoal(accountID: world.accountB, GoalDraft(title: "B's goal"))
            let owner = try await world.client(for: .sellerOnTeam)
            #expect(await statusCode { _ = try await owner.goal(accountID: account, goalID: goalOfB.id) } == .notFound)
            #expect(
                await statusCode {
                    _ = try await owner.updateGoal(UpdateGoalRequest(accountID: account, goalID: goalOfB.id, expectedVersion: 1, title: "x"))
                } == .notFound)
            #expect(await statusCode { _ = try await owner.linkSolution(accountID: account, goalID: goalOfB.id, solution: "Analytics") } == .notFound)
            #expect(
                await statusCode {
                    _ = try await owner.createGoal(accountID: account, GoalDraft(kind: .objective, parentID: goalOfB.id, title: "x"))
                } == .failedPrecondition)
            #expect(try await owner.goals(accountID: account).all.map(\.id) == [goal.id])

            // Solutions: sellers link them, customers see them but cannot link.
            #expect(
                await statusCode { _ = try await editor.linkSolution(accountID: account, goalID: goal.id, solution: "Analytics") }
                    == .permissionDenied)
            let linked = try await owner.linkSolution(accountID: account, goalID: goal.id, solution: " Analytics ", note: "dashboards per region")
            #expect(linked.solutions.map(\.solution) == ["Analytics"] && linked.solutions[0].linkedBy.displayName == "seller-on")
            #expect(linked.version == goal.version, "a link is not an edit of the goal's fields")
            #expect(try await viewer.goal(accountID: account, goalID: goal.id).solutions.map(\.note) == ["dashboards per region"])
            _ = try await owner.linkSolution(accountID: account, goalID: goal.id, solution: "Analytics", note: "and forecasts")
            #expect(try await owner.unlinkSolution(accountID: account, goalID: goal.id, solution: "Analytics").solutions.isEmpty)
            #expect(await statusCode { _ = try await owner.unlinkSolution(accountID: account, goalID: goal.id, solution: "Analytics") } == .notFound)
            let links = try await viewer.history(accountID: account, entityID: goal.id).filter { $0.entity == .goalSolution }
            #expect(links.map(\.operation) == [.created, .updated, .deleted])
            #expect(links[1].fields == [FieldChange(field: "note", before: "dashboards per region", after: "and forecasts")])
        }
    }

    @Test func objectivesAndInitiativesHangUnderGoalsAndDeletionsAreVersioned() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let editor = try await world.client(for: .customerEditor)
            let account = world.accountA
            let goal = try await editor.createGoal(accountID: account, GoalDraft(title: "Cut costs"))
            let objective = try await editor.createGoal(accountID: account, GoalDraft(kind: .objective, parentID: goal.id, title: "-10% opex"))
            let initiative = try await editor.createGoal(
                accountID: account,
                GoalDraft(
                    kind: .initiative, parentID: goal.id, title: "Automate billing", department: "Finance"))
            let loose = try await editor.createGoal(accountID: account, GoalDraft(kind: .initiative, title: "Cloud move", department: "IT"))
            let tree = try await editor.goals(accountID: account)
            #expect(tree.nodes.map(\.goal.id) == [goal.id, loose.id])
            #expect(tree.nodes[0].children.map(\.id) == [objective.id, initiative.id])
            #expect(tree.initiativesByDepartment.map(\.department) == ["Finance", "IT"])

            // Only goals take children; a goal with children stays a goal and cannot be deleted.
            #expect(
                await statusCode {
                    _ = try await editor.createGoal(accountID: account, GoalDraft(kind: .initiative, parentID: objective.id, title: "x"))
                } == .failedPrecondition)
            #expect(
                await statusCode {
                    _ = try await editor.updateGoal(
                        UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: 1, kind: .objective, title: "Cut costs"))
                } == .failedPrecondition)
            let blocked = await rpcError { try await editor.deleteGoal(accountID: account, goalID: goal.id, expectedVersion: 1) }
            #expect(blocked?.code == .failedPrecondition && blocked?.message.contains("2 objective(s) or initiative(s)") == true)

            // A stale deletion is refused with the current record; the right version deletes.
            let detached = try await editor.updateGoal(
                UpdateGoalRequest(accountID: account, goalID: objective.id, expectedVersion: 1, clear: [.parent]))
            #expect(detached.parentID == nil && detached.version == 2)
            let stale = await rpcError { try await editor.deleteGoal(accountID: account, goalID: objective.id, expectedVersion: 1) }
            #expect(stale?.code == .aborted)
            #expect(try stale?.currentRecord(as: GoalView.self) == detached)
            try await editor.deleteGoal(accountID: account, goalID: objective.id, expectedVersion: 2)
            #expect(await statusCode { _ = try await editor.goal(accountID: account, goalID: objective.id) } == .notFound)
            #expect(await statusCode { try await editor.deleteGoal(accountID: account, goalID: objective.id, expectedVersion: 2) } == .notFound)
            let history = try await world.client(for: .leader).history(accountID: account, entityID: objective.id)
            #expect(history.map(\.operation) == [.created, .updated, .deleted])
            #expect(history[1].fields == [FieldChange(field: "parentID", before: goal.id.uuidString, after: nil)])
            #expect(history[2].fields.contains(FieldChange(field: "title", before: "-10% opex", after: nil)) && history[2].actor.kind == .customer)
        }
    }

    @Test func deletingAGoalUnlinksItsActionsVisiblyInTheirHistory() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let account = world.accountA
            let goal = try await editor.createGoal(accountID: account, GoalDraft(title: "Open two new plants"))
            let other = try await editor.createGoal(accountID: account, GoalDraft(title: "Halve scrap"))
            let shared = try await seller.createAction(CreateActionRequest(accountID: account, title: "Site survey", goalID: goal.id, shared: true))
            let internalAction = try await seller.createAction(
                CreateActionRequest(accountID: account, title: "Price the second plant", goalID: goal.id))
            let elsewhere = try await seller.createAction(
                CreateActionRequest(accountID: account, title: "Scrap audit", goalID: other.id, shared: true))

            // A customer deletes the goal: both of its actions, the internal one too, lose the link, a version up.
            try await editor.deleteGoal(accountID: account, goalID: goal.id, expectedVersion: 1)
            for action in [shared, internalAction] {
                let now = try await seller.getAction(accountID: account, actionID: action.id)
                #expect(now.goalID == nil && now.version == 2 && now.title == action.title && now.shared == action.shared)
                let history = try await seller.history(accountID: account, entityID: action.id)
                #expect(history.map(\.operation) == [.created, .updated])
                #expect(history.last?.fields == [FieldChange(field: "goalID", before: goal.id.uuidString, after: nil)])
                #expect(history.last?.actor.kind == .customer)
            }
            #expect(try await seller.getAction(accountID: account, actionID: elsewhere.id) == elsewhere, "another goal's action is untouched")
            // The customer's history shows the shared action's change, and nothing of the internal one.
            #expect(try await editor.history(accountID: account, entityID: shared.id).map(\.operation) == [.created, .updated])
            #expect(try await editor.history(accountID: account, entityID: internalAction.id).isEmpty)
        }
    }

    @Test func invalidGoalsAreRefusedWithClearMessages() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let account = world.accountA
            let goal = try await world.freshGoal()
            let cases: [(GoalDraft, String)] = [
                (GoalDraft(title: "   "), "the title must have 1 to 300 characters"),
                (GoalDraft(title: String(repeating: "é", count: 301)), "the title must have 1 to 300 characters"),
                (GoalDraft(title: "Nul\0"), "the title must not contain NUL"),
                (GoalDraft(title: "x", department: String(repeating: "d", count: 201)), "the department must have at most 200 characters"),
                (GoalDraft(kind: .goal, parentID: goal.id, title: "x"), "only objectives and initiatives hang under a goal"),
                (GoalDraft(title: "x", metrics: [GoalMetric(name: "NPS"), GoalMetric(name: "nps")]), "“nps” appears twice"),
                (GoalDraft(title: "x", metrics: [GoalMetric(name: "")]), "metric 1's name must have 1 to 200 characters"),
                (
                    GoalDraft(title: "x", metrics: [GoalMetric(name: "NPS", target: Decimal(string: "1.23456"))]),
                    "metric “NPS”'s target must be below 10^16"
                ),
                (GoalDraft(title: "x", metrics: [GoalMetric(name: "NPS", baseline: Decimal(string: "1e16"))]), "metric “NPS”'s baseline"),
                (GoalDraft(title: "x", metrics: (0...100).map { GoalMetric(name: "m\($0)") }), "at most 100 metrics, got 101"),
            ]
            for (draft, message) in cases {
                let error = await rpcError { _ = try await seller.createGoal(accountID: account, draft) }
                #expect(
                    error?.code == .invalidArgument && error?.message.contains(message) == true,
                    "\(draft.title.prefix(10)): \(String(describing: error))")
            }
            let badVersion = await rpcError {
                _ = try await seller.updateGoal(UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: 0, title: goal.title))
            }
            #expect(badVersion?.code == .invalidArgument && badVersion?.message.contains("expectedVersion") == true)
            // Nothing was written by the refused calls.
            #expect(try await seller.goals(accountID: account).all.map(\.id) == [goal.id])
            #expect(try await seller.history(accountID: account, entityID: goal.id).count == 1)
            // Exact values within numeric(20, 4) round-trip.
            let exact = try await seller.createGoal(
                accountID: account,
                GoalDraft(
                    title: "Exact",
                    metrics: [
                        GoalMetric(name: "Big", baseline: Decimal(string: "-9999999999999999.9999"), target: Decimal(string: "0.0001"))
                    ]))
            #expect(exact.metrics[0].baseline == Decimal(string: "-9999999999999999.9999") && exact.metrics[0].target == Decimal(string: "0.0001"))
        }
    }
}
