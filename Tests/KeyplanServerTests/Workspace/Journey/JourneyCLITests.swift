import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    @Test func theBuyersJourneyFromTheCLI() async throws {
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            _ = try await keyplan(
                ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"], input: "admin-password\n")
            _ = try await keyplan(["accounts", "create", "--name", "Globex"])
            _ = try await keyplan(["actions", "create", "--account", "Globex", "--title", "Run the pilot", "--shared"])

            let empty = try await keyplan(["journey", "show", "--account", "Globex"])
            #expect(empty.output.contains("keyplan journey start"), "an empty journey says how to begin")
            let started = try await json(BuyingJourney.self, ["journey", "start", "--account", "Globex", "--stage", "Need", "--stage", "Evaluation"])
            #expect(started.stages.map(\.name) == ["Need", "Evaluation"])
            let current = try await keyplan(
                ["journey", "update", "Evaluation", "--account", "Globex", "--version", "1", "--current", "--criteria", "A pilot that pays back"])
            #expect(current.status == 0, "\(current.errors)")
            _ = try await keyplan(["process", "add", "--account", "Globex", "--activity", "Demand intake", "--side", "customer"])
            let linked = try await keyplan(
                ["journey", "update", "eval", "--account", "Globex", "--version", "2", "--action", "Run the pilot", "--step", "Demand intake"])
            #expect(linked.status == 0, "\(linked.errors)")
            let shown = try await keyplan(["journey", "show", "--account", "Globex"])
            #expect(shown.output.contains("▶ 1  Evaluation") && shown.output.contains("criteria: A pilot that pays back"))
            #expect(
                shown.output.contains("action:   Run the pilot (open)") && shown.output.contains("step:     Demand intake (customer)"),
                "\(shown.output)")

            let stale = try await keyplan(["journey", "update", "Evaluation", "--account", "Globex", "--version", "1", "--criteria", "Other"])
            #expect(stale.status != 0 && stale.errors.contains("Merge your change") && stale.errors.contains("--version 3"), "\(stale.errors)")
            let contradiction = try await keyplan(
                ["journey", "update", "Evaluation", "--account", "Globex", "--version", "3", "--action", "Run the pilot", "--no-actions"])
            #expect(contradiction.status != 0 && contradiction.errors.contains("contradict"))
            let removed = try await keyplan(["journey", "remove", "Need", "--account", "Globex", "--version", "1"])
            #expect(removed.output.contains("removed the stage “Need”"))
        }
    }
}
