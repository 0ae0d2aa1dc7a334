import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `keyplan actions`, `keyplan process` and `keyplan reviews` through the built binary.
    @Test func planActionsTheProcessMapAndReviews() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the keyplan product first: \(Self.binary.path)")
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            let login = try await json(LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"], input: "admin-password\n")
            let me = login.identity.userID.uuidString
            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Acme Buyer"]).id.uuidString

            let kickoff = try await json(PlanAction.self, ["actions", "create", "--account", account, "--title", "Kickoff", "--owner", me, "--due", "2020-02-01", "--shared"])
            #expect(kickoff.shared && kickoff.overdue && kickoff.ownerID == login.identity.userID)
            let platform = try await json(PlanAction.self, ["actions", "create", "--account", account, "--title", "Platform bet", "--horizon", "long", "--due", "2099-06-30"])
            let plan = try await keyplan(["actions", "list", "--account", account])
            #expect(plan.status == 0)
            #expect(plan.output.contains("Near term (next 3–6 months): 1 action, 1 overdue") && plan.output.contains("Long term (12–36 months): 1 action"))
            #expect(plan.output.contains("2020-02-01  open         Kickoff — Admin (mutual)  OVERDUE"))
            #expect(try await json([PlanAction].self, ["actions", "list", "--account", account, "--overdue"]).map(\.id) == [kickoff.id])
            #expect(try await json([PlanAction].self, ["actions", "list", "--account", account, "--horizon", "long"]).map(\.id) == [platform.id])

            let done = try await json(PlanAction.self, ["actions", "update", "--account", account, kickoff.id.uuidString, "--status", "done", "--due", "none", "--no-shared"])
            #expect(done.status == .done && done.completedAt != nil && done.dueOn == nil && !done.shared && done.version == 2)
            let stale = try await keyplan(["actions", "update", "--account", account, kickoff.id.uuidString, "--version", "1", "--title", "Old"])
            #expect(stale.status != 0 && stale.errors.contains("ABORTED"))
            let badDate = try await keyplan(["actions", "update", "--account", account, kickoff.id.uuidString, "--due", "2026-02-30"])
            #expect(badDate.status != 0)
            #expect(try await json(PlanAction.self, ["actions", "show", "--account", account, kickoff.id.uuidString]) == done)
            let shown = try await keyplan(["actions", "show", "--account", account, platform.id.uuidString])
            #expect(shown.output.contains("Platform bet") && shown.output.contains("visibility: internal"))
            _ = try await json([String: UUID].self, ["actions", "delete", "--account", account, platform.id.uuidString, "--version", "1"])
            #expect(try await json([PlanAction].self, ["actions", "list", "--account", account]).map(\.id) == [kickoff.id])

            let intake = try await json(ProcessStep.self, ["process", "set", "--account", account, "--activity", "Demand intake", "--side", "customer", "--responsible", "Procurement"])
            let delivery = try await json(ProcessStep.self, ["process", "set", "--account", account, "--activity", "Delivery", "--side", "seller", "--responsible-user", me])
            let moved = try await json(ProcessStep.self, ["process", "set", "--account", account, "--step", delivery.id.uuidString, "--position", "0", "--activity", "Delivery", "--side", "joint", "--responsible-user", me])
            #expect(moved.version == 2 && moved.side == .joint && moved.responsibleUserName == "Admin")
            #expect(try await json([ProcessStep].self, ["process", "show", "--account", account]).map(\.id) == [delivery.id, intake.id])
            let map = try await keyplan(["process", "show", "--account", account])
            #expect(map.output.contains("Demand intake\tcustomer\tProcurement"))
            _ = try await json([String: UUID].self, ["process", "remove", "--account", account, intake.id.uuidString])
            #expect(try await json([ProcessStep].self, ["process", "show", "--account", account]).map(\.id) == [delivery.id])

            let review = try await json(RoadmapReview.self, [
                "reviews", "record", "--account", account, "--held-on", "2026-11-02", "--attendee", me, "--guest", "Dana", "--decision", "Pilot in Q1",
                "--decision", "Monthly steering", "--next", "2027-02-01",
            ])
            #expect(review.decisions == ["Pilot in Q1", "Monthly steering"] && review.attendees.map(\.displayName) == ["Admin"])
            let revised = try await json(RoadmapReview.self, ["reviews", "update", "--account", account, review.id.uuidString, "--decision", "Pilot in Q2", "--next", "none"])
            #expect(revised.version == 2 && revised.decisions == ["Pilot in Q2"] && revised.nextReviewOn == nil && revised.guests == ["Dana"])
            #expect(try await json([RoadmapReview].self, ["reviews", "list", "--account", account]) == [revised])
            let listed = try await keyplan(["reviews", "list", "--account", account])
            #expect(listed.output.contains("attendees: Admin (seller), Dana (guest)") && listed.output.contains("decision: Pilot in Q2"))
        }
    }
}
