import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `keyplan goals` and `keyplan comments` through the built binary, against a real server.
    @Test func goalsAndCommentsFromTheCommandLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the keyplan product first: \(Self.binary.path)")
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Buyer Corp"]).id.uuidString

            let goal = try await json(
                GoalView.self,
                [
                    "goals", "create", "--account", account, "--title", "Grow EMEA", "--target-date", "2027-06-30",
                    "--metric", "Revenue|EUR|100|200|120", "--metric", "NPS||30|50",
                ])
            #expect(
                goal.version == 1
                    && goal.metrics == [
                        GoalMetric(name: "Revenue", unit: "EUR", baseline: 100, target: 200, current: 120),
                        GoalMetric(name: "NPS", baseline: 30, target: 50),
                    ])
            let id = goal.id.uuidString
            let initiative = try await json(
                GoalView.self,
                [
                    "goals", "create", "--account", account, "--kind", "initiative", "--parent", id, "--title", "New CRM", "--department", "Sales",
                ])
            let tree = try await json(GoalTree.self, ["goals", "list", "--account", account])
            #expect(tree.nodes.map(\.goal.id) == [goal.id] && tree.nodes[0].children.map(\.id) == [initiative.id])
            let listed = try await keyplan(["goals", "list", "--account", "Buyer"])
            #expect(
                listed.output.contains("Grow EMEA") && listed.output.contains("  \(initiative.id.short)  initiative  New CRM  active  v1  [Sales]"),
                "\(listed.output)")

            // An update changes only the fields named; a stale --version is refused with who
            // changed the goal, when, and how it reads now.
            let updated = try await json(
                GoalView.self, ["goals", "update", "Grow EMEA", "--account", "Buyer", "--version", "1", "--title", "Grow EMEA by 20%"])
            #expect(
                updated.version == 2 && updated.title == "Grow EMEA by 20%" && updated.metrics == goal.metrics
                    && updated.targetDate == CalendarDate("2027-06-30"))
            let stale = try await keyplan(["goals", "update", "Grow EMEA", "--account", "Buyer", "--version", "1", "--status", "achieved"])
            #expect(stale.status != 0)
            #expect(
                stale.errors.contains(
                    "not saved: it changed since you read it: you read version 1, it is now at version 2, changed by Admin <admin@acme.example>, seller, at "
                ), "\(stale.errors)")
            #expect(stale.errors.contains("The goal now reads:") && stale.errors.contains("Grow EMEA by 20%") && stale.errors.contains("--version 2"))
            struct Refusal: Decodable {
                struct Body: Decodable {
                    var code: String
                    var current: GoalView
                }
                var error: Body
            }
            let staleJSON = try await keyplan(["goals", "update", id, "--account", account, "--version", "1", "--status", "achieved", "--json"])
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let refusal = try decoder.decode(Refusal.self, from: Data(staleJSON.output.utf8)).error
            #expect(staleJSON.status != 0 && refusal.code == "ABORTED" && refusal.current == updated)
            let cleared = try await json(GoalView.self, ["goals", "update", id, "--account", account, "--version", "2", "--target-date", "none"])
            #expect(cleared.targetDate == nil && cleared.version == 3 && cleared.metrics == goal.metrics, "the metrics, not named, are kept")

            // One metric at a time: the others stay as they are.
            let moved = try await json(
                GoalView.self, ["goals", "metric", "set", id, "--account", account, "--version", "3", "--name", "Revenue", "--current", "140"])
            #expect(
                moved.version == 4
                    && moved.metrics == [
                        GoalMetric(name: "Revenue", unit: "EUR", baseline: 100, target: 200, current: 140),
                        GoalMetric(name: "NPS", baseline: 30, target: 50),
                    ])
            let removed = try await json(GoalView.self, ["goals", "metric", "remove", id, "--account", account, "--version", "4", "--name", "NPS"])
            #expect(removed.version == 5 && removed.metrics.map(\.name) == ["Revenue"])
            let badMetric = try await keyplan([
                "goals", "metric", "set", id, "--account", account, "--version", "5", "--name", "NPS", "--current", "lots",
            ])
            #expect(badMetric.status != 0 && badMetric.errors.contains("--current"))
            let badDate = try await keyplan(["goals", "update", id, "--account", account, "--version", "5", "--target-date", "2027-13-01"])
            // Refused before anything is sent: not a day of the calendar.
            #expect(badDate.status != 0 && badDate.errors.contains("2027-13-01") && badDate.errors.contains("--target-date"))

            // The history reads as people write: labels, metric lines, no bookkeeping fields.
            let history = try await keyplan(["history", "--account", "Buyer", "--record", "Grow EMEA by"])
            #expect(history.status == 0, "\(history.errors)")
            for line in [
                "Title: Grow EMEA → Grow EMEA by 20%", "Target date: 2027-06-30 → (none)", "Revenue: 120 → 140 EUR", "Metric NPS removed",
                "Admin <admin@acme.example>, seller",
            ] {
                #expect(history.output.contains(line), "\(line) in \(history.output)")
            }
            for hidden in ["accountID", "createdBy", "updatedBy", "version:", "\(goal.id)"] {
                #expect(!history.output.contains(hidden), "\(hidden) in \(history.output)")
            }

            let linked = try await json(
                GoalView.self, ["goals", "link-solution", id, "--account", account, "--solution", "Analytics", "--note", "regional dashboards"])
            #expect(linked.solutions.map(\.solution) == ["Analytics"])
            let shown = try await keyplan(["goals", "show", id, "--account", account])
            #expect(shown.output.contains("solution Analytics: regional dashboards") && shown.output.contains("v5"))
            #expect(
                try await json(GoalView.self, ["goals", "unlink-solution", id, "--account", account, "--solution", "Analytics"]).solutions.isEmpty)

            let comment = try await json(
                CommentView.self, ["comments", "add", "--account", account, "--goal", id, "--body", "Check with finance", "--shared"])
            #expect(comment.shared && comment.subject == CommentSubject(.goal, goal.id))
            _ = try await json(CommentView.self, ["comments", "add", "--account", account, "--goal", id, "--body", "Internal only"])
            let comments = try await json([CommentView].self, ["comments", "list", "--account", account, "--goal", id])
            #expect(comments.map(\.body) == ["Check with finance", "Internal only"] && comments.map(\.shared) == [true, false])
            let noSubject = try await keyplan(["comments", "list", "--account", account])
            #expect(noSubject.status != 0 && noSubject.errors.contains("exactly one of --goal, --action, --review"))

            let blocked = try await failure(["goals", "delete", id, "--account", account, "--version", "5"])
            #expect(blocked.code == "FAILED_PRECONDITION")
            _ = try await json([String: UUID].self, ["goals", "delete", initiative.id.uuidString, "--account", account, "--version", "1"])
            _ = try await json([String: UUID].self, ["goals", "delete", id, "--account", account, "--version", "5"])
            #expect(try await json(GoalTree.self, ["goals", "list", "--account", account]).nodes.isEmpty)
        }
    }
}
