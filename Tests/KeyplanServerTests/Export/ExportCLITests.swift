import Foundation
import KeyplanAPI
import Testing

extension CLITests {
    /// `keyplan export` through the built binary: the accounts file, the plan in both views, and
    /// the customer's review pack as HTML and — where the portal tests' Chromium is installed — PDF.
    @Test func exportsFromTheCommandLine() async throws {
        try await withCLIServer { server, folder in
            let world = try await TwoTenantWorld.build(server)
            try await PlanExportTests.plant(world)
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "editor@buyer.example"],
                input: "\(TwoTenantWorld.password)\n")

            // A customer: the accounts file and the team's plan are refused; their own plan is not.
            let refused = try await keyplan(["export", "accounts"])
            #expect(refused.status != 0)
            #expect(try await keyplan(["export", "plan", "--view", "seller"]).status != 0)
            let plan = try await keyplan(["export", "plan", "--view", "customer"])
            #expect(plan.status == 0, "\(plan.errors)")
            let document = try JSONDecoder.iso8601.decode(AccountPlanDocument.self, from: Data(plan.output.utf8))
            #expect(document.view == .customer && document.actions.map(\.title) == ["Shared action"])

            let html = folder.appendingPathComponent("pack.html"), pdf = folder.appendingPathComponent("pack.pdf")
            let printing = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            let pack = try await keyplan(
                ["export", "review-pack", "--view", "customer", "--output", html.path] + (printing ? ["--pdf", pdf.path] : []))
            #expect(pack.status == 0, "\(pack.errors)")
            let text = try String(contentsOf: html, encoding: .utf8)
            #expect(text.contains("Shared action") && text.hasPrefix("<!DOCTYPE html>"))
            for secret in PlanExportTests.secrets { #expect(!text.contains(secret), "\(secret) in the customer's review pack") }
            if printing {
                #expect(try Data(contentsOf: pdf).prefix(5) == Data("%PDF-".utf8))
            }
        }
    }
}

extension JSONDecoder {
    fileprivate static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
