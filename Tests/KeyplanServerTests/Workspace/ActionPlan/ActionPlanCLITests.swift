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
            let login = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Acme Buyer"]).id.uuidString

            let kickoff = try await json(
                PlanAction.self, ["actions", "create", "--account", "Acme", "--title", "Kickoff", "--owner", "me", "--due", "2020-02-01", "--shared"])
            #expect(kickoff.shared && kickoff.overdue && kickoff.ownerID == login.identity.userID)
            let platform = try await json(
                PlanAction.self, ["actions", "create", "--title", "Platform bet", "--horizon", "long", "--due", "2099-06-30"])
            let plan = try await keyplan(["actions", "list", "--account", account])
            #expect(plan.status == 0)
            #expect(
                plan.output.contains("Near term (next 3–6 months): 1 action, 1 overdue") && plan.output.contains("Long term (12–36 months): 1 action")
            )
            #expect(plan.output.contains("2020-02-01  open         Kickoff — Admin (mutual)  OVERDUE"), "\(plan.output)")
            #expect(try await json([PlanAction].self, ["actions", "list", "--account", account, "--overdue"]).map(\.id) == [kickoff.id])
            #expect(try await json([PlanAction].self, ["actions", "list", "--account", account, "--horizon", "long"]).map(\.id) == [platform.id])

            let done = try await json(
                PlanAction.self, ["actions", "update", "Kickoff", "--version", "1", "--status", "done", "--due", "none", "--no-shared"])
            #expect(done.status == .done && done.completedAt != nil && done.dueOn == nil && !done.shared && done.version == 2)
            #expect(done.ownerID == login.identity.userID && done.title == "Kickoff", "fields not named are kept")
            let unversioned = try await keyplan(["actions", "update", "Kickoff", "--title", "Old"])
            #expect(unversioned.status != 0 && unversioned.errors.contains("--version"))
            let stale = try await keyplan(["actions", "update", "Kickoff", "--version", "1", "--title", "Old"])
            #expect(
                stale.status != 0
                    && stale.errors.contains("you read version 1, it is now at version 2, changed by Admin <admin@acme.example>, seller"),
                "\(stale.errors)")
            #expect(stale.errors.contains("The action now reads:") && stale.errors.contains("status: done") && stale.errors.contains("--version 2"))
            let badDate = try await keyplan(["actions", "update", "Kickoff", "--version", "2", "--due", "2026-02-30"])
            #expect(badDate.status != 0)
            #expect(try await json(PlanAction.self, ["actions", "show", kickoff.id.uuidString]) == done)
            let shown = try await keyplan(["actions", "show", "Platform"])
            #expect(shown.output.contains("Platform bet") && shown.output.contains("visibility: internal"))
            let staleDelete = try await keyplan(["actions", "delete", "Platform bet", "--version", "3"])
            #expect(staleDelete.status != 0 && staleDelete.errors.contains("version 1"), "a stale delete deletes nothing")
            _ = try await json([String: UUID].self, ["actions", "delete", "Platform bet", "--version", "1"])
            #expect(try await json([PlanAction].self, ["actions", "list", "--account", account]).map(\.id) == [kickoff.id])

            let intake = try await json(
                ProcessStep.self, ["process", "add", "--activity", "Demand intake", "--side", "customer", "--responsible", "Procurement"])
            let delivery = try await json(
                ProcessStep.self, ["process", "add", "--activity", "Delivery", "--side", "seller", "--responsible-user", "admin@acme.example"])
            let moved = try await json(ProcessStep.self, ["process", "update", "Delivery", "--version", "1", "--position", "0", "--side", "joint"])
            #expect(moved.version == 2 && moved.side == .joint && moved.responsibleUserName == "Admin" && moved.activity == "Delivery")
            #expect(try await json([ProcessStep].self, ["process", "show", "--account", account]).map(\.id) == [delivery.id, intake.id])
            let map = try await keyplan(["process", "show", "--account", account])
            #expect(map.output.contains("Demand intake  customer  Procurement"), "\(map.output)")
            _ = try await json([String: UUID].self, ["process", "remove", "Demand intake", "--version", "1"])
            #expect(try await json([ProcessStep].self, ["process", "show", "--account", account]).map(\.id) == [delivery.id])

            let review = try await json(
                RoadmapReview.self,
                [
                    "reviews", "record", "--held-on", "2026-11-02", "--attendee", "Admin", "--guest", "Dana", "--decision", "Pilot in Q1",
                    "--decision", "Monthly steering", "--next", "2027-02-01",
                ])
            #expect(review.decisions == ["Pilot in Q1", "Monthly steering"] && review.attendees.map(\.displayName) == ["Admin"])
            let revised = try await json(
                RoadmapReview.self, ["reviews", "update", "2026-11-02", "--version", "1", "--decision", "Pilot in Q2", "--next", "none"])
            #expect(revised.version == 2 && revised.decisions == ["Pilot in Q2"] && revised.nextReviewOn == nil && revised.guests == ["Dana"])
            #expect(try await json([RoadmapReview].self, ["reviews", "list", "--account", account]) == [revised])
            let listed = try await keyplan(["reviews", "list", "--account", account])
            #expect(
                listed.output.contains("attendees: Admin (seller), Dana (guest)") && listed.output.contains("decision: Pilot in Q2"),
                "\(listed.output)")
        }
    }
}
