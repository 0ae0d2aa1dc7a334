import Foundation
import KeyplanAPI
import Testing

@testable import KeyplanServer

extension CLITests {
    /// `keyplan webhooks` through the built binary, against a receiver on loopback.
    @Test func webhooksAddListTestDeliveriesAndRemove() async throws {
        try await WebhookReceiver.with { receiver in
            try await withCLIServer(webhooks: WebhookTests.fast) { server, _ in
                let (_, admin) = try await server.bootstrapTenant(slug: "acme")
                _ = try await json(
                    LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                    input: "admin-password\n")
                _ = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Globex"))

                let created = try await json(
                    CreatedWebhook.self,
                    ["webhooks", "add", "--name", "crm", "--url", receiver.url("crm"), "--event", "goal_changed", "--event", "action_completed"])
                #expect(created.endpoint.eventKinds == [.actionCompleted, .goalChanged] && created.secret.hasPrefix("whsec_"))
                try await receiver.verify("crm", with: created.secret)
                let listed = try await keyplan(["webhooks", "list"])
                #expect(listed.status == 0 && listed.output.contains("crm") && !listed.output.contains(created.secret))

                let attempt = try await json(WebhookAttempt.self, ["webhooks", "test", "crm"])
                #expect(attempt.statusCode == 200 && attempt.state == .delivered)
                #expect(try await receiver.received("crm").first?.signature_valid == true)
                let text = try await keyplan(["webhooks", "deliveries", "crm"])
                #expect(text.status == 0 && text.output.contains("ping") && text.output.contains("HTTP 200"), "\(text.output)")

                // A customer-facing endpoint names its account by name, and cannot take internal kinds.
                let customer = try await json(
                    CreatedWebhook.self,
                    [
                        "webhooks", "add", "--name", "globex", "--url", receiver.url("globex"), "--event", "goal_changed", "--customer-facing",
                        "--account", "Globex",
                    ])
                #expect(customer.endpoint.customerFacing && customer.endpoint.accountID != nil)
                let refused = try await failure(
                    [
                        "webhooks", "add", "--name", "leak", "--url", receiver.url("leak"), "--event", "health_at_risk", "--customer-facing",
                        "--account", "Globex",
                    ])
                #expect(refused.code == "INVALID_ARGUMENT" && refused.message.contains("seller-internal"))

                // A failing test-send exits non-zero and says why.
                try await receiver.script("crm", [500])
                let failed = try await keyplan(["webhooks", "test", "crm"])
                #expect(failed.status != 0 && failed.output.contains("not delivered") && failed.output.contains("500"), "\(failed.output)")

                _ = try await keyplan(["webhooks", "remove", "crm"])
                _ = try await keyplan(["webhooks", "remove", "globex"])
                #expect(try await keyplan(["webhooks", "list"]).output.contains("no webhooks"))
            }
        }
    }
}
