import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    @Test func anExecutiveReviewFromTheCLI() async throws {
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            _ = try await keyplan(
                ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"], input: "admin-password\n")
            _ = try await keyplan(["accounts", "create", "--name", "Globex"])
            _ = try await keyplan(["goals", "create", "--account", "Globex", "--title", "Cut downtime"])
            let planned = try await json(
                RoadmapReview.self, ["reviews", "record", "--account", "Globex", "--held-on", "2027-01-15", "--planned", "--attendee", "me"])
            #expect(planned.status == .planned)
            let agenda = try await keyplan(
                ["reviews", "agenda", "2027-01-15", "--account", "Globex", "--title", "Downtime results", "--goal", "Cut downtime"])
            #expect(
                agenda.output.contains("agenda: 0. Downtime results (Admin)") && agenda.output.contains(", planned  ["),
                "\(agenda.output)\(agenda.errors)")
            _ = try await keyplan(["reviews", "agenda", "2027-01-15", "--account", "Globex", "--title", "Pricing"])
            let removed = try await keyplan(["reviews", "agenda", "2027-01-15", "--account", "Globex", "--remove", "Pricing"])
            #expect(removed.status == 0 && !removed.output.contains("Pricing"))
            let neither = try await keyplan(["reviews", "agenda", "2027-01-15", "--account", "Globex"])
            #expect(neither.status != 0 && neither.errors.contains("give --title to add an item, or --remove"))

            let early = try await keyplan(["reviews", "follow-up", "2027-01-15", "--account", "Globex", "--title", "Too soon"])
            #expect(early.status != 0 && early.errors.contains("mark the review held first"))
            let version = try await json([RoadmapReview].self, ["reviews", "list", "--account", "Globex"]).first?.version ?? 0
            let held = try await keyplan(
                ["reviews", "update", "2027-01-15", "--account", "Globex", "--version", "\(version)", "--held", "--decision", "Pilot first"])
            #expect(held.output.contains(", held  [") && held.output.contains("decision: Pilot first"), "\(held.output)\(held.errors)")
            let followUp = try await keyplan(
                ["reviews", "follow-up", "2027-01-15", "--account", "Globex", "--title", "Send the pilot plan", "--owner", "me"])
            #expect(followUp.output.contains("follow-up: Send the pilot plan (open)"), "\(followUp.output)\(followUp.errors)")
            let signed = try await keyplan(["reviews", "sign-off", "2027-01-15", "--account", "Globex", "--version", "9"])
            #expect(signed.status != 0 && signed.errors.contains("sign off a review as the customer"), "\(signed.errors)")
        }
    }
}
