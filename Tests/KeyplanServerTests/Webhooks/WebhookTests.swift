import Crypto
import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Webhooks against a real receiver on loopback (`webhook_receiver.py`) and a real server:
/// signatures, retries, giving up, the delivery log, refused addresses, customer-facing endpoints.
@Suite("Webhooks")
struct WebhookTests {
    /// Loopback allowed (the operator setting), and retries in fractions of a second.
    static let fast = WebhookConfiguration(
        allowPrivateAddresses: true, maximumAttempts: 3, retryDelay: .milliseconds(200), maximumRetryDelay: .seconds(1),
        connectTimeout: .seconds(2), requestTimeout: .seconds(3), pollInterval: .milliseconds(100))

    /// A world (two tenants; acme's admin registers) and a receiver, with `configuration`.
    private func withWorld(
        _ configuration: WebhookConfiguration = fast, _ body: (TwoTenantWorld, KeyplanClient, WebhookReceiver) async throws -> Void
    ) async throws {
        try await WebhookReceiver.with { receiver in
            try await IdentityTestServer.with(webhooks: configuration) { server in
                let world = try await TwoTenantWorld.build(server)
                try await body(world, try await world.client(for: .admin), receiver)
            }
        }
    }

    /// Registers `name` at the receiver's `/<name>`, which then verifies with its secret.
    private func register(
        _ name: String, _ kinds: [WebhookEventKind], customerFacing: Bool = false, account: UUID? = nil, admin: KeyplanClient,
        receiver: WebhookReceiver
    ) async throws -> CreatedWebhook {
        let created = try await admin.createWebhook(
            CreateWebhookRequest(name: name, url: receiver.url(name), eventKinds: kinds, customerFacing: customerFacing, accountID: account))
        try await receiver.verify(name, with: created.secret)
        return created
    }

    @Test func aChangeArrivesSignedByTheDocumentedRecipe() async throws {
        try await withWorld { world, admin, receiver in
            let created = try await register("crm", [.goalChanged], admin: admin, receiver: receiver)
            #expect(created.secret.hasPrefix("whsec_") && created.endpoint.eventKinds == [.goalChanged])
            let change = try await world.journalChange(.shared, "Grow EMEA")

            let received = try await receiver.await(1, at: "crm")
            let request = try #require(received.first)
            #expect(request.signature_valid == true, "the receiver's own check of the recipe")
            // The recipe once more, here: HMAC-SHA256 over "<t>.<body>" with the secret's UTF-8 bytes.
            let header = try #require(request.headers["keyplan-signature"])
            let parts = Dictionary(
                uniqueKeysWithValues: header.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }.map {
                    ($0[0], $0[1])
                })
            let timestamp = try #require(parts["t"])
            let mac = HMAC<SHA256>.authenticationCode(
                for: Data("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Data(created.secret.utf8)))
            #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
            #expect(abs(Double(timestamp)! - Date().timeIntervalSince1970) < 60)
            // A wrong secret does not verify.
            let wrong = HMAC<SHA256>.authenticationCode(
                for: Data("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Data("whsec_wrong".utf8)))
            #expect(parts["v1"] != wrong.map { String(format: "%02x", $0) }.joined())

            let event = request.json
            #expect(event["type"] as? String == "goal_changed")
            #expect(request.headers["keyplan-event-type"] == "goal_changed")
            #expect(request.headers["keyplan-event-id"] == event["id"] as? String)
            #expect(request.headers["keyplan-delivery-attempt"] == "1")
            #expect(request.headers["content-type"] == "application/json")
            #expect(event["accountId"] as? String == world.accountA.uuidString.lowercased())
            let data = try #require(event["data"] as? [String: Any])
            let changed = try #require(data["change"] as? [String: Any])
            #expect(changed["summary"] as? String == "Grow EMEA" && changed["id"] as? String == String(change))
            #expect((data["account"] as? [String: Any])?["name"] as? String == "Account A")
            #expect((data["actor"] as? [String: Any])?["kind"] as? String == "seller")

            // The delivery log.
            let log = try await admin.webhookDeliveries(ListWebhookDeliveriesRequest(endpointID: created.endpoint.id))
            #expect(log.count == 1)
            #expect(log.first?.statusCode == 200 && log.first?.state == .delivered && log.first?.eventKind == .goalChanged && log.first?.error == nil)
            #expect(log.first?.eventID.uuidString.lowercased() == event["id"] as? String)
        }
    }

    @Test func aReceiverThatFailsOnceGetsTheEventOnceMoreAndThenNotAgain() async throws {
        try await withWorld { world, admin, receiver in
            let created = try await register("flaky", [.goalChanged], admin: admin, receiver: receiver)
            try await receiver.script("flaky", [500, 200])
            try await world.journalChange(.shared, "Retry me")

            let received = try await receiver.await(2, at: "flaky")
            #expect(received.map(\.status) == [500, 200])
            #expect(received.map { $0.headers["keyplan-delivery-attempt"] } == ["1", "2"])
            #expect(Set(received.map { $0.headers["keyplan-event-id"] }).count == 1, "the same event, retried")
            #expect(received.allSatisfy { $0.signature_valid == true })
            // Delivered: no third request.
            try await Task.sleep(for: .seconds(1))
            #expect(try await receiver.received("flaky").count == 2)

            let log = try await admin.webhookDeliveries(ListWebhookDeliveriesRequest(endpointID: created.endpoint.id))
            #expect(log.map(\.attempt) == [2, 1])
            #expect(log.map(\.statusCode) == [200, 500])
            #expect(log.allSatisfy { $0.state == .delivered })
            #expect(log.last?.error == "the receiver answered 500")
        }
    }

    @Test func aReceiverThatKeepsFailingEndsDeadAfterTheLastAttempt() async throws {
        try await withWorld { world, admin, receiver in
            let created = try await register("down", [.goalChanged], admin: admin, receiver: receiver)
            try await receiver.script("down", [503])
            try await world.journalChange(.shared, "Nobody home")

            let received = try await receiver.await(3, at: "down")
            #expect(received.count == 3)
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await receiver.received("down").count == 3, "no attempt after the last (maximumAttempts = 3)")
            let log = try await admin.webhookDeliveries(ListWebhookDeliveriesRequest(endpointID: created.endpoint.id))
            #expect(log.map(\.attempt) == [3, 2, 1])
            #expect(log.allSatisfy { $0.state == .dead && $0.statusCode == 503 && $0.nextAttemptAt == nil })
            // The backoff: each retry waited at least half its delay (200 ms, then 400 ms).
            let times = log.reversed().map(\.attemptedAt)
            #expect(times[1].timeIntervalSince(times[0]) >= 0.1 && times[2].timeIntervalSince(times[1]) >= 0.2)
        }
    }

    @Test func aCustomerFacingEndpointNeverReceivesInternalChanges() async throws {
        try await withWorld { world, admin, receiver in
            _ = try await register("customer", [.goalChanged], customerFacing: true, account: world.accountA, admin: admin, receiver: receiver)
            _ = try await register("sellers", [.goalChanged], admin: admin, receiver: receiver)
            try await world.journalChange(.internal, "Internal: champion is wavering")
            try await world.journalChange(.shared, "Other account", account: world.accountB)
            try await world.journalChange(.shared, "Shared plan")

            let sellers = try await receiver.await(3, at: "sellers")
            #expect(
                Set(sellers.map { ($0.json["data"] as? [String: Any])?["change"] as? [String: Any] }.compactMap { $0?["summary"] as? String })
                    == ["Internal: champion is wavering", "Other account", "Shared plan"])
            let customer = try await receiver.await(1, at: "customer")
            try await Task.sleep(for: .seconds(1))
            let all = try await receiver.received("customer")
            #expect(all.count == 1 && customer.count == 1)
            #expect(all.allSatisfy { !$0.body.contains("champion") && !$0.body.contains("Other account") })
            #expect(all.first?.body.contains("Shared plan") == true)

            // Seller-internal kinds, or no account: refused for a customer-facing endpoint.
            for (kinds, account) in [
                ([WebhookEventKind.scorecardAnswered], Optional(world.accountA)), ([.healthAtRisk], world.accountA), ([.goalChanged], nil),
            ] {
                let code = await statusCode {
                    _ = try await admin.createWebhook(
                        CreateWebhookRequest(
                            name: "bad \(UUID())", url: receiver.url("bad"), eventKinds: kinds, customerFacing: true, accountID: account))
                }
                #expect(code == .invalidArgument, "\(kinds) for \(String(describing: account))")
            }
        }
    }

    @Test func internalAddressesAreRefusedWithoutTheOperatorSetting() async throws {
        try await withWorld(WebhookConfiguration(pollInterval: .milliseconds(100))) { world, admin, receiver in
            for url in [
                "https://127.0.0.1/hook", "https://127.1/hook", "https://2130706433/hook", "https://10.1.2.3/hook", "https://172.16.0.1/hook",
                "https://192.168.1.1/hook", "https://100.64.0.1/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
                "https://[::ffff:127.0.0.1]/hook", "https://[fd00::1]/hook", "https://[fe80::1]/hook", "https://0.0.0.0/hook",
                "https://localhost/hook", "https://api.localhost/hook", "https://224.0.0.1/hook",
                // Plain http, and no URL at all.
                "http://hooks.example.com/keyplan", "hooks.example.com/keyplan", "ftp://hooks.example.com/",
                "https://user:pass@hooks.example.com/",
            ] {
                let code = await statusCode {
                    _ = try await admin.createWebhook(CreateWebhookRequest(name: "n \(UUID())", url: url, eventKinds: [.goalChanged]))
                }
                #expect(code == .invalidArgument, "\(url) was not refused")
            }
            let metadata = await rpcError {
                _ = try await admin.createWebhook(CreateWebhookRequest(name: "meta", url: "https://169.254.169.254/", eventKinds: [.goalChanged]))
            }
            #expect(metadata?.message.contains("link-local") == true, "the refusal says why: \(metadata?.message ?? "nothing refused")")
            #expect(try await admin.listWebhooks().isEmpty)

            // Checked again at delivery: an endpoint stored before the rule (or by hand) whose URL
            // leads to loopback is refused there, and the receiver hears nothing.
            let id = try await world.insertWebhook(url: "https://localhost:\(receiver.port)/sneaky")
            let attempt = try await admin.testWebhook(id)
            #expect(attempt.statusCode == nil && attempt.state == .dead)
            #expect(attempt.error?.hasPrefix("refused:") == true && attempt.error?.contains("loopback") == true, "\(attempt.error ?? "")")
            let resolved = try await world.insertWebhook(url: "https://127.0.0.1:\(receiver.port)/sneaky")
            #expect(try await admin.testWebhook(resolved).error?.contains("loopback") == true)
            #expect(try await receiver.received().isEmpty)

            // The address rule, where names are resolved (at delivery): localhost resolves to loopback.
            let policy = WebhookAddressPolicy(allowPrivateAddresses: false)
            await #expect(throws: WebhookAddressPolicy.Refusal.self) { try await policy.resolve(URL(string: "https://localhost/")!) }
            #expect(try await WebhookAddressPolicy(allowPrivateAddresses: true).resolve(URL(string: "https://localhost/")!).isEmpty == false)
        }
    }

    @Test func aTestSendReportsItsResultAndTheSecretRotates() async throws {
        try await withWorld { world, admin, receiver in
            let created = try await register("ping", [.actionCompleted], admin: admin, receiver: receiver)
            let attempt = try await admin.testWebhook(created.endpoint.id)
            #expect(attempt.statusCode == 200 && attempt.state == .delivered && attempt.eventKind == .ping && attempt.succeeded)
            let ping = try #require(try await receiver.received("ping").first)
            #expect(ping.signature_valid == true && ping.json["type"] as? String == "ping")

            try await receiver.script("ping", [500])
            let failed = try await admin.testWebhook(created.endpoint.id)
            #expect(failed.statusCode == 500 && failed.state == .dead && failed.error == "the receiver answered 500")
            let log = try await admin.webhookDeliveries(ListWebhookDeliveriesRequest(endpointID: created.endpoint.id))
            #expect(log.map(\.statusCode) == [500, 200] && log.allSatisfy { $0.eventKind == .ping })

            // Rotating: a new secret, shown once; the old one no longer verifies.
            try await receiver.script("ping", [200])
            let rotated = try await admin.rotateWebhookSecret(created.endpoint.id)
            #expect(rotated.secret != created.secret && rotated.endpoint.id == created.endpoint.id)
            _ = try await admin.testWebhook(created.endpoint.id)
            #expect(try await receiver.received("ping").last?.signature_valid == false)
            try await receiver.verify("ping", with: rotated.secret)
            _ = try await admin.testWebhook(created.endpoint.id)
            #expect(try await receiver.received("ping").last?.signature_valid == true)

            // The secret is never listed nor logged.
            #expect(try await admin.listWebhooks().map(\.name) == ["ping"])
            #expect(!world.server.log.text.contains(rotated.secret) && !world.server.log.text.contains(created.secret))
            #expect(
                await statusCode {
                    _ = try await admin.createWebhook(CreateWebhookRequest(name: "ping", url: receiver.url("x"), eventKinds: [.goalChanged]))
                } == .alreadyExists)

            try await admin.removeWebhook(created.endpoint.id)
            #expect(try await admin.listWebhooks().isEmpty)
            #expect(
                await statusCode { _ = try await admin.webhookDeliveries(ListWebhookDeliveriesRequest(endpointID: created.endpoint.id)) } == .notFound
            )
            // Another tenant's admin sees none of it.
            let other = try await world.server.bootstrapTenant(slug: "initech")
            #expect(try await world.server.client(other.admin.token).listWebhooks().isEmpty)
        }
    }

    @Test func anActionCompletedAndOnlyThat() async throws {
        try await withWorld { world, admin, receiver in
            _ = try await register("done", [.actionCompleted], admin: admin, receiver: receiver)
            let seller = try await world.client(for: .sellerOnTeam)
            let action = try await seller.createAction(CreateActionRequest(accountID: world.accountA, title: "Run the pilot", shared: true))
            _ = try await seller.updateAction(
                UpdateActionRequest(accountID: world.accountA, actionID: action.id, expectedVersion: action.version, status: .done))
            let received = try await receiver.await(1, at: "done")
            try await Task.sleep(for: .seconds(0.5))
            #expect(try await receiver.received("done").count == 1, "the creation is no completion")
            let change = try #require((received.first?.json["data"] as? [String: Any])?["change"] as? [String: Any])
            #expect(received.first?.json["type"] as? String == "action_completed" && change["entity"] as? String == "action")
        }
    }

    @Test func aStrategicAccountFallingIntoRiskIsToldOnce() async throws {
        try await withWorld { world, admin, receiver in
            _ = try await register("risk", [.healthAtRisk], admin: admin, receiver: receiver)
            try await world.server.inTenant(world.acme) {
                _ = try await $0.query("UPDATE accounts SET status = 'strategic' WHERE id = \(world.accountA)")
            }
            // A threshold no score reaches: account A is at risk once its health is computed.
            var settings = HealthSettings.defaults
            settings.riskThreshold = 100
            _ = try await admin.updateHealthSettings(settings)
            #expect(try await admin.risks().map(\.accountID) == [world.accountA])

            let received = try await receiver.await(1, at: "risk")
            let event = try #require(received.first)
            #expect(event.signature_valid == true && event.json["type"] as? String == "health_at_risk")
            let data = try #require(event.json["data"] as? [String: Any])
            #expect((data["account"] as? [String: Any])?["name"] as? String == "Account A")
            #expect(data["score"] is Double && (data["reasons"] as? [String])?.isEmpty == false)
            // Still at risk on the next recomputation: not told again.
            _ = try await admin.updateHealthSettings(settings)
            _ = try await admin.risks()
            try await Task.sleep(for: .seconds(0.5))
            #expect(try await receiver.received("risk").count == 1)
        }
    }

    @Test func addressCategories() {
        func category(_ host: String) -> WebhookAddressPolicy.Category? {
            WebhookAddressPolicy.numericAddress(host).map(WebhookAddressPolicy.category(of:))
        }
        #expect(category("127.0.0.1") == .loopback && category("::1") == .loopback && category("::ffff:127.0.0.1") == .loopback)
        #expect(category("10.0.0.1") == .private && category("172.31.255.255") == .private && category("192.168.0.1") == .private)
        #expect(category("100.64.0.1") == .private && category("100.128.0.1") == .global && category("172.32.0.1") == .global)
        #expect(category("fc00::1") == .private && category("fdff::1") == .private && category("::ffff:10.0.0.1") == .private)
        #expect(category("169.254.169.254") == .linkLocal && category("fe80::1") == .linkLocal && category("::ffff:169.254.1.1") == .linkLocal)
        #expect(category("0.0.0.0") == .unspecified && category("::") == .unspecified)
        #expect(category("224.0.0.1") == .multicast && category("ff02::1") == .multicast)
        #expect(category("64:ff9b::a00:1") == .private, "NAT64 of 10.0.0.1")
        #expect(category("8.8.8.8") == .global && category("2606:4700::1111") == .global)
        #expect(category("hooks.example.com") == nil, "a name is no address (and is not looked up here)")
        let strict = WebhookAddressPolicy(allowPrivateAddresses: false), relaxed = WebhookAddressPolicy(allowPrivateAddresses: true)
        #expect(!strict.allows(.loopback) && relaxed.allows(.loopback) && relaxed.allows(.private))
        #expect(!relaxed.allows(.linkLocal) && !relaxed.allows(.unspecified) && !relaxed.allows(.multicast))
    }

    @Test func backoffDoublesWithJitterUpToItsCap() {
        let configuration = WebhookConfiguration(retryDelay: .seconds(10), maximumRetryDelay: .seconds(60))
        #expect(configuration.retry.delay(after: 1, random: 1) == .seconds(10))
        #expect(configuration.retry.delay(after: 2, random: 1) == .seconds(20))
        #expect(configuration.retry.delay(after: 3, random: 0.5) == .seconds(20))
        #expect(configuration.retry.delay(after: 10, random: 1) == .seconds(60))
        #expect(configuration.retry.delay(after: 100, random: 1) == .seconds(60))
        let drawn = (0..<200).map { _ in configuration.retry.delay(after: 2) }
        #expect(drawn.allSatisfy { (.seconds(10)...(.seconds(20))).contains($0) } && Set(drawn).count > 1, "drawn between half and all")
    }
}

extension TwoTenantWorld {
    /// An endpoint of acme's written straight into the database, past the registration's checks.
    func insertWebhook(url: String, kinds: [String] = ["health_at_risk"]) async throws -> UUID {
        let admin = try #require(users[.admin]).user
        return try await server.inTenant(acme) { transaction in
            let id = UUID()
            try await transaction.query(
                """
                INSERT INTO webhook_endpoints (tenant_id, id, name, url, event_kinds, customer_facing, secret, created_by)
                VALUES (\(acme), \(id), \("hand \(id)"), \(url), \(kinds)::text[], false, \("whsec_" + String(repeating: "x", count: 40)), \(admin))
                """)
            return id
        }
    }
}
