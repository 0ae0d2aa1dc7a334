import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanTestSupport
import Testing

extension CLITests {
    /// The README's walk-through, run as written — `keyplan-server demo seed` and the `keyplan`
    /// commands, with the built binaries on the PATH — against a real server on a fresh database.
    @Test func theReadmeWalkThroughRunsAsWritten() async throws {
        let serverBinary = Self.binary.deletingLastPathComponent().appendingPathComponent("keyplan-server")
        try #require(FileManager.default.isExecutableFile(atPath: serverBinary.path), "build the products first")
        let readme = try String(contentsOf: packageDirectory.appendingPathComponent("README.md"), encoding: .utf8)
        let script = try #require(Self.walkThrough(in: readme), "README.md has no walk-through block")

        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("keyplan"), withDestinationURL: Self.binary)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("keyplan-server"), withDestinationURL: serverBinary)
        let scriptFile = folder.appendingPathComponent("walkthrough.sh")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)

        // The server mails, to a real SMTP server: the walk-through's invitation arrives there.
        try await SMTPSink.run { sink in
            try await IdentityTestServer.with(mail: try await MailDeliveryTests.outgoingMail(to: sink)) { server in
                var environment = ProcessInfo.processInfo.environment
                environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
                environment["SERVER"] = "127.0.0.1:\(server.port)"
                environment["KEYPLAN_CLIENT_CONFIG"] = configPath
                environment["KEYPLAN_DATABASE_URL"] = server.database.appURL
                let run = try await Self.run(
                    URL(fileURLWithPath: "/bin/bash"), ["-euo", "pipefail", scriptFile.path], environment: environment, directory: folder)
                #expect(run.status == 0, "the walk-through failed: \(run.errors.suffix(2000))")

                // What each part of the story shows.
                let output = run.output
                #expect(output.contains("Fabrikam Energy"), "the demo's accounts")
                #expect(output.contains("the scorecard fell from 8.1 to 6"), "Fabrikam's risk, in words")
                #expect(output.contains("single-threaded: only Priya Patel has a strong relationship"))
                #expect(output.contains("the roadmap review with the customer is 9 days overdue"), "coaching")
                #expect(output.contains("Predict outages a week ahead") || output.contains("This is what our board asks about."))
                #expect(output.contains("Goal “Predict outages a week ahead” created"), "watch, history and activity show the customer's goal")
                #expect(output.contains("Roadmap review of Fabrikam Energy overdue since"), "Priya is told of the overdue review")
                #expect(output.contains("Your scores, please: “Customer value”"), "the integration drains the outbox")
                #expect(output.contains("follow-up: Share the pilot plan") && output.contains(", held  ["), "the review held, and its follow-up")
                #expect(
                    output.contains("▶ 2  Business case") && output.contains("criteria: The pilot's results"), "the buyer's journey, as Omar sees it")
                #expect(output.contains("the relationship map is seller-internal"), "the customer is refused the map")
                #expect(run.errors.contains("only the account team can see the relationship map"), "the refusal in plain words")
                #expect(!run.errors.contains("PERMISSION_DENIED") && !run.errors.contains("readInternal"), "no codes or internal names in text")
                #expect(output.contains("Priya Patel") && output.contains("Omar"), "participants by name")
                #expect(!output.contains("accountID") && !output.contains("createdBy"), "history and activity hide bookkeeping fields")
                // The customer's action list holds the mutual plan only.
                let customerPlan = try #require(output.components(separatedBy: "Near term").last)
                #expect(!customerPlan.contains("Find an executive sponsor"), "an internal action reached the customer")
                for picture in ["quadrant.svg", "fabrikam-health.svg", "fabrikam-map.svg", "fabrikam-scorecard.svg", "fabrikam-whitespace.svg"] {
                    let svg = try String(contentsOf: folder.appendingPathComponent(picture), encoding: .utf8)
                    #expect(svg.hasPrefix("<svg") || svg.contains("<svg"), "\(picture) is an SVG picture")
                }
                // The whitespace map: the seller's grid and the roll-up; the customer's grid (the
                // walk-through's last command) holds the shared idea and none of the internal values.
                #expect(output.contains("competitor: Initrode Analytics") && output.contains("by solution:"), "the seller's whitespace")
                let customerGrid = try #require(output.components(separatedBy: "the relationship map is seller-internal").last)
                #expect(customerGrid.contains("Field service") && customerGrid.contains("idea to discuss"), "\(customerGrid)")
                for secret in ["Initrode", "home-grown", "in use", "EUR", "Finance"] {
                    #expect(!customerGrid.contains(secret), "the customer's whitespace shows \(secret)")
                }
                #expect(output.contains("invitation mail queued to kim@fabrikam.example"))
                #expect(output.contains("invitation\tkim@fabrikam.example"), "admins see the outgoing mail")
                _ = try await MailDeliveryTests.eventually { try sink.messages().contains { $0.recipients == ["kim@fabrikam.example"] } }
                let invitation = try sink.messages().first { $0.recipients == ["kim@fabrikam.example"] }
                #expect(invitation?.recipients == ["kim@fabrikam.example"])
                #expect(invitation?.header("Subject") == "Priya Patel invited you to plan Fabrikam Energy with Northwind Systems")
                #expect(MailDeliveryTests.text(try #require(invitation)).contains("\(MailDeliveryTests.portal)/invite/kpi_"))
            }
        }
    }

    /// The shell block between `<!-- walkthrough:begin -->` and `<!-- walkthrough:end -->`.
    static func walkThrough(in readme: String) -> String? {
        guard let begin = readme.range(of: "<!-- walkthrough:begin -->"), let end = readme.range(of: "<!-- walkthrough:end -->") else { return nil }
        let block = readme[begin.upperBound..<end.lowerBound]
        guard let open = block.range(of: "```sh\n"), let close = block.range(of: "```", options: .backwards), open.upperBound < close.lowerBound
        else { return nil }
        return String(block[open.upperBound..<close.lowerBound])
    }
}
