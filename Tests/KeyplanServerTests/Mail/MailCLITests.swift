import Foundation
import KeyplanAPI
import KeyplanServer
import KeyplanTestSupport
import Testing

extension CLITests {
    /// `keyplan notifications settings|deliveries|retry` and the invitation's mail, against a relay that refuses.
    @Test func mailSettingsDeliveriesAndRetryFromTheCLI() async throws {
        try await SMTPSink.run(.init(failData: "550:0")) { sink in
            let mail = try await MailDeliveryTests.outgoingMail(to: sink) { $0.maxRefusals = 1 }
            try await IdentityTestServer.with(mail: mail) { server in
                _ = try await server.bootstrapTenant(slug: "acme")
                let address = "127.0.0.1:\(server.port)"
                _ = try await keyplan(["login", "--server", address, "--tenant", "acme", "--email", "admin@acme.example"], input: "admin-password\n")
                _ = try await keyplan(["accounts", "create", "--name", "Initech"])
                let invited = try await keyplan(
                    ["invitations", "create", "--account", "Initech", "--email", "pat@buyer.example", "--role", "customer_viewer"])
                #expect(invited.output.contains("invitation mail queued to pat@buyer.example"), "\(invited.output)\(invited.errors)")
                #expect(!invited.output.contains("kpi_"), "a mailed invitation's token was printed")
                let handedOver = try await keyplan(
                    ["invitations", "create", "--account", "Initech", "--email", "lee@buyer.example", "--role", "customer_viewer", "--hand-over"])
                #expect(handedOver.output.contains("token kpi_") && handedOver.output.contains("deliver it to lee@buyer.example yourself"))

                #expect(
                    try await MailDeliveryTests.eventually {
                        try await json(MailPage.self, ["notifications", "deliveries", "--failed"]).deliveries.count == 1
                    })
                let failed = try await keyplan(["notifications", "deliveries", "--failed"])
                #expect(failed.output.contains("FAILED after 1") && failed.output.contains("550") && failed.output.contains("pat@buyer.example"))
                let id = try #require(try await json(MailPage.self, ["notifications", "deliveries", "--failed"]).deliveries.first?.id)
                let retried = try await keyplan(["notifications", "retry", String(id.uuidString.prefix(8))])
                #expect(retried.status == 0 && retried.output.hasPrefix("queued again: "), "\(retried.output)\(retried.errors)")
                let unknown = try await keyplan(["notifications", "retry", "ffffffff"])
                #expect(unknown.status != 0 && unknown.errors.contains("failed mail"), "\(unknown.errors)")
                let contradiction = try await keyplan(["notifications", "deliveries", "--failed", "--state", "sent"])
                #expect(contradiction.status != 0 && contradiction.errors.contains("contradict"))

                let settings = try await keyplan(["notifications", "settings", "--digest", "--mute", "review_due"])
                #expect(settings.output.contains("muted:\treview_due") && settings.output.contains("digest:\tdaily"), "\(settings.output)")
                let shown = try await json(NotificationSettings.self, ["notifications", "settings"])
                #expect(shown.mutedKinds == [.reviewDue] && shown.digest && shown.nextDigestAt != nil)
                let both = try await keyplan(["notifications", "settings", "--mute", "mention", "--unmute", "mention"])
                #expect(both.status != 0 && both.errors.contains("both name mention"))
                let off = try await json(NotificationSettings.self, ["notifications", "settings", "--no-digest", "--unmute", "review_due"])
                #expect(off == NotificationSettings())
            }
        }
    }
}
