import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanMail
import KeyplanPostgres
import KeyplanRPC
import KeyplanTestSupport
import Logging
import ServiceLifecycle
import Testing

@testable import KeyplanServer

/// Mail through a real SMTP server (aiosmtpd on loopback, `SMTPSink`), parsed there by Python's
/// `email` package: invitations, mentions, digests, unsubscribing, retries, dead letters, and
/// delivery that survives a killed server and is shared by two.
@Suite("Mail delivery")
struct MailDeliveryTests {
    static let portal = "https://plans.acme.test"

    /// Mail to the sink, from Acme Plans, with links into ``portal``, at a test's pace.
    static func outgoingMail(
        to sink: SMTPSink, tls: TestCertificate? = nil, _ change: (inout MailConfiguration.Delivery) -> Void = { _ in }
    ) async throws -> OutgoingMail {
        let url = tls == nil ? "smtp://127.0.0.1:\(sink.port)" : "smtp+starttls://localhost:\(sink.port)"
        var configuration = MailConfiguration(
            relay: try SMTPRelay(url: url, trustRootsPath: tls?.certificate, commandTimeout: .seconds(10)),
            from: try MailAddress("plans@acme.example", displayName: "Acme Plans"), portalURL: URL(string: portal))
        configuration.delivery.pollInterval = .milliseconds(100)
        configuration.delivery.retry.first = .milliseconds(200)
        change(&configuration.delivery)
        return try await OutgoingMail.make(configuration)
    }

    /// Waits until `condition` holds, for up to `seconds`.
    static func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func messages(_ sink: SMTPSink, count: Int, within seconds: Double = 20) async throws -> [SMTPSink.Received] {
        _ = try await eventually(seconds) { try sink.messages().count >= count }
        return try sink.messages()
    }

    /// The text part, its line breaks as `\n`.
    static func text(_ message: SMTPSink.Received) -> String {
        (message.parts.first { $0.contentType == "text/plain" }?.content ?? "").replacingOccurrences(of: "\r\n", with: "\n")
    }
    static func html(_ message: SMTPSink.Received) -> String { message.parts.first { $0.contentType == "text/html" }?.content ?? "" }

    @Test func anInvitationArrivesOverSTARTTLSWithAWorkingLinkAndCorrectMIME() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        try await SMTPSink.run(.init(certificate: certificate)) { sink in
            let mail = try await Self.outgoingMail(to: sink, tls: certificate)
            try await IdentityTestServer.with(mail: mail) { server in
                let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
                try await server.inTenant(tenant) {
                    try await $0.query("UPDATE users SET display_name = 'Zoë Müller' WHERE id = \(admin.identity.userID)")
                }
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "Initech Café"))
                let created = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor))
                let mailID = try #require(created.mailID)

                let message = try #require(try await Self.messages(sink, count: 1).first)
                #expect(message.tls && message.recipients == ["pat@buyer.example"] && message.mailFrom == "plans@acme.example")
                #expect(message.defects.isEmpty, "\(message.defects)")
                #expect(message.header("Subject") == "Zoë Müller invited you to plan Initech Café with Acme")
                #expect(message.addresses["From"]?.first == ["Acme Plans", "plans@acme.example"])
                #expect(message.header("Message-ID") == "<\(mailID.uuidString.lowercased())@acme.example>")
                #expect(message.header("List-Unsubscribe") == nil, "an invitation is not a subscription")
                #expect(message.parts.map(\.contentType) == ["text/plain", "text/html"] && message.parts.allSatisfy { $0.charset == "utf-8" })
                let text = Self.text(message)
                #expect(text.contains("Zoë Müller (admin@acme.example) of Acme invited you to the shared account plan of Initech Café"))
                #expect(text.contains("co-author your goals with Acme"))

                // The link: the portal's invitation page, with the token that accepts — which only the mail holds.
                let match = try #require(text.firstMatch(of: /https:\/\/plans\.acme\.test\/invite\/(kpi_[A-Za-z0-9_-]+)/))
                #expect(created.token.isEmpty, "a mailed invitation's token went to its creator too")
                #expect(Self.html(message).contains("href=\"\(Self.portal)/invite/\(match.1)\""))
                let page = try await LoopbackHTTP.request("GET", port: server.httpPort, path: "/invite/\(match.1)")
                #expect(page.status == 200 && page.text.contains("<script type=\"module\""))
                let grant = try await server.anonymous.acceptInvitation(token: String(match.1), password: "pat-password", displayName: "Pat")
                #expect(grant.identity.email == "pat@buyer.example")

                // Sent, and the token left the database with the body.
                _ = try await Self.eventually { try await seller.mail().deliveries.first?.state == .sent }
                let listed = try #require(try await seller.mail().deliveries.first)
                #expect(listed.id == mailID && listed.state == .sent && listed.attempts == 1 && listed.kind == .invitation)
                let bodies = try await server.inTenant(tenant) {
                    try await $0.query("SELECT count(*) AS n FROM mail_outbox WHERE body_text IS NOT NULL OR body_html IS NOT NULL")[0]
                        .decode(Int.self, column: "n")
                }
                #expect(bodies == 0)
            }
        }
    }

    /// An admin resets a customer's password: the customer is mailed a link, chooses the new password on the
    /// portal's page, and their sessions end; the link works once; the admin never sees a password.
    @Test func aCustomersPasswordIsResetThroughAMailedLink() async throws {
        try await SMTPSink.run { sink in
            let mail = try await Self.outgoingMail(to: sink)
            try await IdentityTestServer.with(mail: mail) { server in
                let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
                let invitation = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor, handOver: true))
                let pat = try await server.anonymous.acceptInvitation(token: invitation.token, password: "pat-password", displayName: "Pat")

                let chosen = await rpcError { _ = try await seller.resetPassword(userID: pat.identity.userID, password: "admin's choice 1") }
                #expect(chosen?.code == .invalidArgument)
                let reset = try await seller.resetPassword(userID: pat.identity.userID)
                #expect(reset.generatedPassword == nil && reset.mailID != nil)
                let message = try #require(try await Self.messages(sink, count: 1).first)
                #expect(message.recipients == ["pat@buyer.example"] && message.header("Subject") == "Choose a new password for Acme on Keyplan")
                let link = try #require(Self.text(message).firstMatch(of: /https:\/\/plans\.acme\.test\/reset-password\/(kpr_[A-Za-z0-9_-]+)/))
                let token = String(link.1)
                #expect(try await server.client(pat.token).whoAmI().userID == pat.identity.userID, "nothing changes until the link is used")

                // The portal's page sets it.
                try await WebDriver.with { driver in
                    try await driver.navigate(to: "http://127.0.0.1:\(server.httpPort)/reset-password/\(token)")
                    try await driver.waitFor("#reset-password-form")
                    try await driver.fill("#reset-password-new", "pat's new password")
                    try await driver.fill("#reset-password-confirm", "pat's new password")
                    try await PortalBrowserTests.screenshot(driver, "reset-password")
                    try await driver.click("#reset-password-submit")
                    try await driver.waitFor("#reset-password-done")
                }
                #expect(await statusCode { _ = try await server.client(pat.token).whoAmI() } == .unauthenticated)
                #expect(
                    await statusCode {
                        _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "pat-password")
                    } == .unauthenticated)
                _ = try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "pat's new password")
                let again = await rpcError { try await server.anonymous.resetPassword(token: token, newPassword: "yet another one 7") }
                #expect(again?.code == .notFound && again?.message.contains("ask the account team for a new one") == true)
                #expect(try await seller.mail().deliveries.first?.kind == .passwordReset)

                // A newer link spends the older; an expired one does not work; sent mail keeps no body (no token).
                _ = try await seller.resetPassword(userID: pat.identity.userID)
                _ = try await seller.resetPassword(userID: pat.identity.userID)
                let links = try await Self.messages(sink, count: 3).dropFirst().map { message in
                    String(try #require(Self.text(message).firstMatch(of: /reset-password\/(kpr_[A-Za-z0-9_-]+)/)).1)
                }
                #expect(links.count == 2)
                #expect(
                    await statusCode { try await server.anonymous.resetPassword(token: links[0], newPassword: "from the older one") } == .notFound)
                try await server.inTenant(tenant) { _ = try await $0.query("UPDATE password_resets SET expires_at = now() - interval '1 second'") }
                #expect(
                    await statusCode { try await server.anonymous.resetPassword(token: links[1], newPassword: "from the expired one") } == .notFound)
                _ = try await Self.eventually { try await seller.mail().deliveries.allSatisfy { $0.state == .sent } }
                let bodies = try await server.inTenant(tenant) {
                    try await $0.query("SELECT count(*) AS n FROM mail_outbox WHERE body_text IS NOT NULL OR body_html IS NOT NULL")[0].decode(
                        Int.self, column: "n")
                }
                #expect(bodies == 0)
                // A password changed otherwise also spends a live link.
                _ = try await seller.resetPassword(userID: pat.identity.userID)
                let last = String(
                    try #require(Self.text(try await Self.messages(sink, count: 4)[3]).firstMatch(of: /reset-password\/(kpr_[A-Za-z0-9_-]+)/)).1)
                let patNow = server.client(
                    try await server.anonymous.signIn(tenantSlug: "acme", email: "pat@buyer.example", password: "pat's new password").token)
                try await patNow.changePassword(current: "pat's new password", new: "changed by pat 1")
                #expect(await statusCode { try await server.anonymous.resetPassword(token: last, newPassword: "from a stale mail") } == .notFound)
            }
        }
    }

    /// Asked to hand the token over, a server with a relay returns it and mails nothing.
    @Test func aHandedOverInvitationIsNotMailed() async throws {
        try await SMTPSink.run { sink in
            let mail = try await Self.outgoingMail(to: sink)
            try await IdentityTestServer.with(mail: mail) { server in
                let (_, admin) = try await server.bootstrapTenant(slug: "acme")
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
                let handedOver = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer, handOver: true))
                #expect(handedOver.mailID == nil && handedOver.token.hasPrefix("kpi_"))
                // A mailed one afterwards is the only message: the handed-over one was never queued.
                let mailed = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "lee@buyer.example", role: .customerViewer))
                #expect(mailed.mailID != nil && mailed.token.isEmpty)
                _ = try await Self.messages(sink, count: 1)
                try await Task.sleep(for: .milliseconds(300))
                #expect(try sink.messages().map(\.recipients) == [["lee@buyer.example"]])
                #expect(try await seller.mail().deliveries.count == 1)
                let grant = try await server.anonymous.acceptInvitation(token: handedOver.token, password: "pat-password", displayName: "Pat")
                #expect(grant.identity.email == "pat@buyer.example")

                // A seller of the account team may invite, but not take the token of a mailed invitation.
                let sam = try await seller.createUser(
                    CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: "sam-password")
                ).user
                try await seller.addTeamMember(AddTeamMemberRequest(accountID: account.id, userID: sam.id, role: .owner))
                let samClient = server.client(
                    try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "sam-password").token)
                let refused = await rpcError {
                    _ = try await samClient.createInvitation(
                        CreateInvitationRequest(accountID: account.id, email: "kim@buyer.example", role: .customerViewer, handOver: true))
                }
                #expect(refused?.code == .permissionDenied, "\(String(describing: refused))")
                #expect(
                    try await samClient.createInvitation(
                        CreateInvitationRequest(accountID: account.id, email: "kim@buyer.example", role: .customerViewer)
                    ).token.isEmpty)
            }
        }
    }

    @Test func aNameOrTitleWithCRLFCannotAddAHeaderAndHTMLIsEscaped() async throws {
        try await SMTPSink.run { sink in
            let mail = try await Self.outgoingMail(to: sink)
            try await IdentityTestServer.with(mail: mail) { server in
                let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
                try await server.inTenant(tenant) {
                    try await $0.query("UPDATE users SET display_name = E'Eve\\r\\nBcc: victim@evil.example' WHERE id = \(admin.identity.userID)")
                }
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "<b>Initech</b>\r\nX-Injected: yes"))
                _ = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
                let message = try #require(try await Self.messages(sink, count: 1).first)
                #expect(message.recipients == ["pat@buyer.example"])
                #expect(!message.headerNames.contains { ["bcc", "x-injected"].contains($0.lowercased()) }, "\(message.headerNames)")
                #expect(message.header("Subject")?.contains("Bcc: victim@evil.example") == true, "folded into the subject, not a header")
                #expect(message.defects.isEmpty)
                #expect(Self.html(message).contains("&lt;b&gt;Initech&lt;/b&gt;") && !Self.html(message).contains("<b>Initech"))
            }
        }
        // An address that mail cannot go to is refused before anything is queued.
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
            let error = await rpcError {
                _ = try await seller.createInvitation(CreateInvitationRequest(accountID: account.id, email: "pat@bü.example", role: .customerViewer))
            }
            #expect(error?.code == .invalidArgument && error?.message.contains("mail can be sent to") == true)
        }
    }

    @Test func aMentionArrivesAndItsOneClickLinkUnsubscribes() async throws {
        try await SMTPSink.run { sink in
            let mail = try await Self.outgoingMail(to: sink)
            try await IdentityTestServer.with(mail: mail) { server in
                let world = try await TwoTenantWorld.build(server)
                // The world's invitations were handed over, not mailed: only mail from now on.
                let before = try sink.messages().count
                let seller = try await world.client(for: .sellerOnTeam)
                let editor = try #require(world.users[.customerEditor]).user
                // A recipient's name with a line break cannot add a header; an author's name of 28 family emoji
                // (196 code points, 28 characters) still fits the subject's column, which counts code points.
                let family = String(repeating: "👨‍👩‍👧‍👦", count: 28)
                try await server.inTenant(world.acme) { transaction in
                    try await transaction.query("UPDATE users SET display_name = E'Kim\\r\\nBcc: victim@evil.example' WHERE id = \(editor)")
                    try await transaction.query(
                        "UPDATE users SET display_name = \(family) WHERE id = \(try #require(world.users[.sellerOnTeam]).user)")
                }
                let goal = try await seller.createGoal(
                    accountID: world.accountA, GoalDraft(title: "Cut onboarding to 2 weeks for every plant in the northern region by spring"))
                _ = try await seller.addComment(
                    AddCommentRequest(
                        accountID: world.accountA, subject: CommentSubject(.goal, goal.id), body: "Can you confirm the date?", shared: true,
                        mentions: [editor]))
                let mention = try #require(try await Self.messages(sink, count: before + 1).last)
                #expect(mention.recipients == ["editor@buyer.example"])
                #expect(mention.addresses["To"]?.map { $0[1] } == ["editor@buyer.example"])
                #expect(!mention.headerNames.contains { $0.lowercased() == "bcc" } && mention.defects.isEmpty)
                #expect(mention.header("Subject")?.hasPrefix("[Account A] \(family) mentioned you") == true, "\(mention.header("Subject") ?? "")")
                #expect(Self.text(mention).contains("mentioned you on") && Self.text(mention).contains("Can you confirm the date?"))
                #expect(Self.text(mention).contains("\(Self.portal)/accounts/\(world.accountA.uuidString.lowercased())"))
                #expect(mention.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
                let unsubscribe = try #require(mention.header("List-Unsubscribe"))
                let path = try #require(unsubscribe.firstMatch(of: /<https:\/\/plans\.acme\.test(\/unsubscribe\/kpu_[A-Za-z0-9_-]+)>/)).1

                // What a mail program's one-click does: a POST without a session.
                let page = try await LoopbackHTTP.request("GET", port: server.httpPort, path: String(path))
                #expect(page.status == 200 && page.text.contains("<form method=\"post\""))
                let posted = try await LoopbackHTTP.request(
                    "POST", port: server.httpPort, path: String(path), headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array("List-Unsubscribe=One-Click".utf8))
                #expect(posted.status == 200 && posted.text.contains("Unsubscribed"))
                let forged = try await LoopbackHTTP.request("POST", port: server.httpPort, path: "/unsubscribe/kpu_notatoken")
                #expect(forged.status == 404)
                let settings = try await (try await world.client(for: .customerEditor)).notificationSettings()
                #expect(settings.mutedKinds == [.mention] && !settings.digest)

                // Muted: the next mention is listed, not mailed.
                _ = try await seller.addComment(
                    AddCommentRequest(
                        accountID: world.accountA, subject: CommentSubject(.goal, goal.id), body: "Ping again", shared: true, mentions: [editor]))
                _ = try await Self.eventually {
                    try await server.inTenant(world.acme) {
                        try await $0.query("SELECT count(*) AS n FROM notifications WHERE mailed_at IS NULL")[0].decode(Int.self, column: "n") == 0
                    }
                }
                try await Task.sleep(for: .milliseconds(500))
                #expect(try sink.messages().count == before + 1)
            }
        }
    }

    @Test func theDigestGroupsADaysEventsByAccountInOneMail() async throws {
        try await SMTPSink.run { sink in
            let mail = try await Self.outgoingMail(to: sink)
            try await IdentityTestServer.with(mail: mail) { server in
                let world = try await TwoTenantWorld.build(server)
                let before = try sink.messages().count
                let leader = try #require(world.users[.leader]).user
                let leaderClient = try await world.client(for: .leader)
                let settings = try await leaderClient.updateNotificationSettings(NotificationSettings(digest: true))
                #expect(settings.digest && (settings.nextDigestAt ?? .distantPast) > Date())

                let seller = try await world.client(for: .sellerOnTeam)
                let admin = try await world.client(for: .admin)
                let goalA = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Renewal"))
                let goalB = try await admin.createGoal(accountID: world.accountB, GoalDraft(title: "Expansion"))
                for (client, account, goal, body) in [
                    (seller, world.accountA, goalA.id, "First on A"), (seller, world.accountA, goalA.id, "Second on A"),
                    (admin, world.accountB, goalB.id, "Only on B"),
                ] {
                    _ = try await client.addComment(
                        AddCommentRequest(accountID: account, subject: CommentSubject(.goal, goal), body: body, mentions: [leader]))
                }
                // The last comment also mentions a member who gets a mail each: once that has come, the mailer has seen them all.
                let member = try #require(world.users[.teamMember]).user
                _ = try await seller.addComment(
                    AddCommentRequest(accountID: world.accountA, subject: CommentSubject(.goal, goalA.id), body: "For the team", mentions: [member]))
                let immediate = try await Self.messages(sink, count: before + 1)
                #expect(immediate.count == before + 1 && immediate.last?.header("Subject")?.contains("For the team") == true)
                #expect(!immediate.contains { $0.recipients == ["leader@acme.example"] }, "a digest reader gets no mail per event")
                let mailed = immediate.count

                // The morning comes: the digest is due.
                try await server.inTenant(world.acme) {
                    try await $0.query("UPDATE notification_settings SET next_digest_at = now() - interval '1 minute' WHERE user_id = \(leader)")
                }
                let digest = try #require(try await Self.messages(sink, count: mailed + 1).last)
                #expect(digest.header("Subject") == "Your Keyplan digest: 3 updates in 2 accounts")
                let text = Self.text(digest)
                let a = try #require(text.range(of: "Account A\n"))
                let b = try #require(text.range(of: "Account B\n"))
                let first = try #require(text.range(of: "First on A")), second = try #require(text.range(of: "Second on A"))
                let onB = try #require(text.range(of: "Only on B"))
                #expect(a.upperBound < first.lowerBound && first.upperBound < second.lowerBound && second.upperBound < b.lowerBound)
                #expect(b.upperBound < onB.lowerBound)
                #expect(digest.header("List-Unsubscribe") != nil)
                let next = try await leaderClient.notificationSettings().nextDigestAt
                #expect((next ?? .distantPast) > Date(), "the next digest is scheduled")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try sink.messages().count == mailed + 1, "one digest, once")
            }
        }
    }

    @Test func anUnreachableRelayNeverHoldsUpTheCallThatQueuedMail() async throws {
        // A relay on a port nothing listens on (a sink started and stopped), with a long command timeout.
        let closedPort = try await SMTPSink.run { $0.port }
        var configuration = MailConfiguration(
            relay: try SMTPRelay(url: "smtp://127.0.0.1:\(closedPort)", commandTimeout: .seconds(30)), from: try MailAddress("plans@acme.example"))
        configuration.delivery.pollInterval = .milliseconds(100)
        configuration.delivery.retry.first = .seconds(60)
        try await IdentityTestServer.with(mail: try await OutgoingMail.make(configuration)) { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
            let started = ContinuousClock.now
            let created = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
            #expect(ContinuousClock.now - started < .seconds(5), "the call does not wait for the relay")
            #expect(created.mailID != nil)
            // Tried, failed for now, due again later: the error is the connection's, and nothing is lost.
            #expect(try await Self.eventually { try await seller.mail().deliveries.first?.lastError != nil })
            let waiting = try #require(try await seller.mail().deliveries.first)
            #expect(waiting.state == .queued && waiting.attempts == 1 && (waiting.nextAttemptAt ?? .distantPast) > Date())
        }
    }

    @Test func aRelayThatDefersThenAcceptsDeliversOnce() async throws {
        try await SMTPSink.run(.init(failData: "451:1")) { sink in
            let mail = try await Self.outgoingMail(to: sink)
            try await IdentityTestServer.with(mail: mail) { server in
                let (_, admin) = try await server.bootstrapTenant(slug: "acme")
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
                _ = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
                #expect(try await Self.eventually { try await seller.mail().deliveries.first?.state == .sent })
                let sent = try #require(try await seller.mail().deliveries.first)
                #expect(sent.attempts == 2 && sent.lastError == nil)
                try await Task.sleep(for: .milliseconds(500))
                #expect(try sink.messages().count == 1)
            }
        }
    }

    @Test func aRelayThatRefusesDeadLettersAfterNAttemptsAndAnAdminRetries() async throws {
        try await SMTPSink.run(.init(failData: "550:0")) { sink in
            let mail = try await Self.outgoingMail(to: sink) {
                $0.maxRefusals = 3
                $0.retry.first = .milliseconds(100)
            }
            try await IdentityTestServer.with(mail: mail) { server in
                let (_, admin) = try await server.bootstrapTenant(slug: "acme")
                let seller = server.client(admin.token)
                let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
                _ = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
                #expect(try await Self.eventually { try await seller.mail(ListMailRequest(state: .failed)).deliveries.count == 1 })
                let failed = try #require(try await seller.mail(ListMailRequest(state: .failed)).deliveries.first)
                #expect(failed.attempts == 3 && failed.lastError?.contains("550") == true)
                #expect(try sink.messages().isEmpty)

                // One retry sends it again (and, refused again, it fails again after three more attempts).
                let retried = try await seller.retryMail(failed.id)
                #expect(retried.state == .queued && retried.attempts == 0)
                #expect(try await Self.eventually { try await seller.mail(ListMailRequest(state: .failed)).deliveries.first?.attempts == 3 })
                let again = await rpcError { _ = try await seller.retryMail(UUID()) }
                #expect(again?.code == .notFound)

                // Revoking an invitation cancels its mail, queued or failed, and erases the token with it.
                let revoked = try await seller.createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "kim@buyer.example", role: .customerViewer))
                try await seller.revokeInvitation(accountID: account.id, invitationID: revoked.invitation.id)
                let cancelled = try #require(try await seller.mail(ListMailRequest(state: .cancelled)).deliveries.first)
                #expect(cancelled.id == revoked.mailID && cancelled.toAddress == "kim@buyer.example")
                let cancelledRetry = await rpcError { _ = try await seller.retryMail(cancelled.id) }
                #expect(cancelledRetry?.code == .failedPrecondition)
            }
        }
    }
}

/// Delivery by real `keyplan-server` processes: one killed mid-send, two sharing the work.
extension MailDeliveryTests {
    /// The environment that points a server process at `sink`, polling often, with a short lease.
    static func mailEnvironment(_ sink: SMTPSink, leaseSeconds: Double) -> [String: String] {
        [
            "KEYPLAN_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "KEYPLAN_MAIL_FROM": "Acme Plans <plans@acme.example>",
            "KEYPLAN_PORTAL_URL": portal, "KEYPLAN_MAIL_POLL_SECONDS": "0.1", "KEYPLAN_MAIL_LEASE_SECONDS": "\(leaseSeconds)",
        ]
    }

    /// The outbox row of mail `id`, read directly.
    static func outboxRow(_ id: UUID, tenant: UUID, _ server: IdentityTestServer) async throws -> (state: String, attempts: Int, claimed: Bool) {
        try await server.inTenant(tenant) { transaction in
            let row = try await transaction.query(
                "SELECT state, attempts, claimed_until > now() AS claimed FROM mail_outbox WHERE id = \(id)")[0]
            return (
                try row.decode(String.self, column: "state"), try row.decode(Int.self, column: "attempts"),
                try row.decode(Bool?.self, column: "claimed") ?? false
            )
        }
    }

    @Test func killingTheServerBetweenClaimAndMarkLosesNothing() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Initech"))
            let (mailID, attempts) = try await SMTPSink.run(.init(dataDelay: 60)) { stalled in
                let child = try await ServerProcessUnderTest.start(
                    databaseURL: server.database.appURL, environment: Self.mailEnvironment(stalled, leaseSeconds: 2))
                let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: child.port))
                let created = try await KeyplanClient(rpc: rpc, token: admin.token).createInvitation(
                    CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerEditor))
                await rpc.close()
                let mailID = try #require(created.mailID)
                // Claimed and being sent: the relay holds the end of DATA without answering.
                #expect(try await Self.eventually { try await Self.outboxRow(mailID, tenant: tenant, server) == ("queued", 1, true) })
                child.kill()
                // (A slow machine may have let the lease run out once and the same process claim again.)
                return (mailID, try await Self.outboxRow(mailID, tenant: tenant, server).attempts)
            }
            try await SMTPSink.run { sink in
                let child = try await ServerProcessUnderTest.start(
                    databaseURL: server.database.appURL, environment: Self.mailEnvironment(sink, leaseSeconds: 2))
                defer { child.kill() }
                let message = try #require(try await Self.messages(sink, count: 1).first)
                #expect(message.header("Message-ID") == "<\(mailID.uuidString.lowercased())@acme.example>", "the same mail, recognisable")
                #expect(message.recipients == ["pat@buyer.example"])
                #expect(try await Self.eventually { try await Self.outboxRow(mailID, tenant: tenant, server) == ("sent", attempts + 1, false) })
            }
        }
    }

    @Test func twoServerProcessesDeliverEachMailOnce() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Initech"))
            try await SMTPSink.run { sink in
                let environment = Self.mailEnvironment(sink, leaseSeconds: 60)
                let first = try await ServerProcessUnderTest.start(databaseURL: server.database.appURL, environment: environment)
                defer { first.kill() }
                let second = try await ServerProcessUnderTest.start(databaseURL: server.database.appURL, environment: environment)
                defer { second.kill() }
                // Invitations through both, at once: each process is woken by its own and polls for the other's.
                let count = 40
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, child) in [first, second].enumerated() {
                        group.addTask {
                            let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: child.port))
                            defer { Task { await rpc.close() } }
                            let client = KeyplanClient(rpc: rpc, token: admin.token)
                            for number in 0..<count / 2 {
                                _ = try await client.createInvitation(
                                    CreateInvitationRequest(
                                        accountID: account.id, email: "buyer\(index)-\(number)@buyer.example", role: .customerViewer))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                _ = try await Self.messages(sink, count: count)
                try await Task.sleep(for: .seconds(1))
                let received = try sink.messages()
                let ids = received.compactMap { $0.header("Message-ID") }
                #expect(received.count == count && Set(ids).count == count, "\(received.count) mails, \(Set(ids).count) distinct")
                #expect(Set(received.flatMap(\.recipients)).count == count)
            }
        }
    }
}

extension MailDeliveryTests {
    /// The mail worker as a service of its own, to shut down gracefully.
    struct SenderService: Service {
        let sender: MailSender
        func run() async throws { await sender.run(logger: Logger(label: "test.mail")) }
    }

    @Test func aGracefulShutdownLetsTheMailInFlightFinishAndBeMarked() async throws {
        try await SMTPSink.run(.init(dataDelay: 1.5)) { sink in
            try await IdentityTestServer.with { server in
                let (tenant, _) = try await server.bootstrapTenant(slug: "acme")
                let id = UUID()
                try await server.inTenant(tenant) { transaction in
                    try await transaction.query(
                        """
                        INSERT INTO mail_outbox (tenant_id, id, kind, to_address, subject, body_text, message_id)
                        VALUES (\(tenant), \(id), 'notification', 'pat@buyer.example', 'Hello', 'Hello', \("\(id.uuidString.lowercased())@acme.example"))
                        """)
                }
                let sender = MailSender(try await Self.outgoingMail(to: sink), database: server.client)
                let group = ServiceGroup(
                    configuration: .init(services: [.init(service: SenderService(sender: sender))], logger: Logger(label: "test")))
                let running = Task { try await group.run() }
                // Claimed, and the relay is still holding the end of DATA.
                #expect(try await Self.eventually { try await Self.outboxRow(id, tenant: tenant, server) == ("queued", 1, true) })
                await group.triggerGracefulShutdown()
                try await running.value
                #expect(try await Self.outboxRow(id, tenant: tenant, server) == ("sent", 1, false), "marked before the worker stopped")
                #expect(try sink.messages().count == 1)
            }
        }
    }
}
