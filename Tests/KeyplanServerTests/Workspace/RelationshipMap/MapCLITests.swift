import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    struct ChartWritten: Decodable {
        var output: String
        var contacts: Int
        var reportsTo: Int
    }

    /// `keyplan map` through the built binary against a real server: contacts, relationships,
    /// versions, gaps and the chart, with `--json` output parsed.
    @Test func mapContactsRelationshipsGapsAndChart() async throws {
        try await withCLIServer { server, folder in
            _ = try await server.bootstrapTenant(slug: "acme")
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Acme & Sons"]).id.uuidString

            let ceo = try await json(
                Contact.self,
                [
                    "map", "add-contact", "--name", "Carla Chen", "--title", "CEO", "--role", "decision_maker", "--influence", "high", "--attitude",
                    "neutral",
                ])
            let cfo = try await json(
                Contact.self,
                [
                    "map", "add-contact", "--account", "Acme", "--name", "Frank <Fox>", "--title", "CFO", "--reports-to", "Carla", "--role",
                    "decision_maker", "--attitude", "skeptic", "--concerns", "Budget",
                ])
            #expect(cfo.reportsTo == ceo.id && cfo.decisionRole == .decisionMaker && cfo.version == 1)
            let related = try await json(
                Relationship.self,
                ["map", "relate", "--contact", "Carla Chen", "--user", "me", "--strength", "moderate", "--note", "Met at the summit"])
            #expect(related.strength == .moderate && related.version == 1 && related.userName == "Admin")

            let updated = try await json(
                Contact.self, ["map", "update-contact", "--contact", "Frank", "--version", "1", "--attitude", "supporter", "--reports-to", "none"])
            #expect(
                updated.version == 2 && updated.attitude == .supporter && updated.reportsTo == nil && updated.concerns == "Budget"
                    && updated.title == "CFO")
            let stale = try await keyplan(["map", "update-contact", "--contact", "Frank", "--version", "1", "--title", "Finance"])
            #expect(
                stale.status != 0 && stale.errors.contains("it is now at version 2, changed by Admin <admin@acme.example>, seller")
                    && stale.errors.contains("--version 2"), "\(stale.errors)")
            let cycle = try await failure(["map", "update-contact", "--contact", "Carla", "--version", "1", "--reports-to", "Carla"])
            #expect(cycle.code == "INVALID_ARGUMENT" && cycle.message.contains("cannot report to themselves"))
            let twice = try await keyplan(["map", "relate", "--contact", "Carla", "--user", "me", "--strength", "strong"])
            #expect(
                twice.status != 0 && twice.errors.contains("it exists already, at version 1"),
                "relating again without --version changes nothing: \(twice.errors)")
            _ = try await json(
                Relationship.self, ["map", "relate", "--contact", "Carla", "--user", "admin@acme.example", "--version", "1", "--strength", "strong"])

            let map = try await json(RelationshipMap.self, ["map", "show", "--account", account])
            #expect(map.contacts.map(\.fullName) == ["Carla Chen", "Frank <Fox>"] && map.relationships.map(\.strength) == [.strong])
            let shown = try await keyplan(["map", "show", "--account", account])
            #expect(shown.status == 0 && shown.output.contains("Carla Chen (CEO)") && shown.output.contains("↔ Admin: strong — Met at the summit"))

            let gaps = try await json(CoverageReport.self, ["map", "gaps", "--account", account])
            #expect(
                gaps.gaps.map(\.contactID) == [cfo.id] && gaps.status == .green
                    && gaps.singleThreading.map(\.kind) == [.allRelationships, .keyPlayerKnownByOne])
            let gapsText = try await keyplan(["map", "gaps", "--account", account])
            #expect(gapsText.output.contains("status: green — Decision maker Frank <Fox> (CFO) supports us."))
            #expect(
                gapsText.output.contains("gap: Frank <Fox> (CFO) is a decision maker without a strong relationship: nobody on our team knows them."))
            #expect(gapsText.output.contains("single-threaded: Every relationship on this account goes through Admin."))

            let svg = folder.appendingPathComponent("map.svg")
            let written = try await json(ChartWritten.self, ["map", "chart", "--account", account, "--output", svg.path])
            #expect(written.contacts == 2 && written.reportsTo == 0)
            let picture = try String(contentsOf: svg, encoding: .utf8)
            #expect(picture.hasPrefix("<svg") && picture.contains("Relationship map: Acme &amp; Sons") && picture.contains("Frank &lt;Fox&gt;"))
            #expect(picture == OrgChart(map: map, accountName: "Acme & Sons").svg(), "the CLI writes the renderer's picture")

            let keptNote = try #require(map.relationships.first)
            #expect(keptNote.note == "Met at the summit", "the note, not named, is kept")
            _ = try await json([String: String].self, ["map", "unrelate", "--contact", "Carla", "--user", "me", "--version", "2"])
            _ = try await json([String: String].self, ["map", "remove-contact", "--contact", "Frank", "--version", "2"])
            let emptied = try await json(RelationshipMap.self, ["map", "show", "--account", account])
            #expect(emptied.contacts.map(\.id) == [ceo.id] && emptied.relationships.isEmpty)
            let bad = try await keyplan(["map", "add-contact", "--account", account, "--name", "X", "--role", "king"])
            #expect(bad.status != 0 && bad.errors.contains("king"))
        }
    }
}
