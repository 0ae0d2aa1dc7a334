import Foundation
import KeyplanAPI
import KeyplanRPC
import NIOCore
import NIOHTTP1
import Testing

@testable import KeyplanServer

/// The customer portal in a real browser (headless Chromium through chromedriver), against a real
/// server: the gateway serving the portal's assets and the Connect JSON protocol on loopback.
///
/// The scenarios of the portal's issue: a customer joins by an invitation link, edits a goal's
/// metric while a seller changes the same goal (the conflict shows, the customer merges), answers
/// the open scorecard round, updates a shared action and sees a seller's comment arrive live. And
/// what must never happen: seller-internal values reaching the page, a goal title running as markup,
/// a cookie-authenticated POST without the CSRF header being served. Screenshots of the main pages
/// go to `Docs/screenshots/portal-*.png` on every run.
@Suite("Portal in a browser", .serialized, .timeLimit(.minutes(5)))
struct PortalBrowserTests {
    static let password = "correct horse battery"

    /// Values planted in the account that only sellers may read.
    static let internalNote = "INTERNAL-NOTE champion is wavering"
    static let internalRevenue = "4815162342"
    static let internalActionTitle = "INTERNAL-ACTION hold the price floor"
    static let internalComment = "INTERNAL-COMMENT discount authority is ours"
    static let internalContact = "Carla Internal-Contact"
    static var sellerInternals: [String] { [internalNote, internalRevenue, internalActionTitle, internalComment, internalContact] }

    static let xssTitle = #"<img src=x onerror="window.keyplanXSS=1">"#

    /// An account as a seller set it up: shared goals, actions, a review and an open scorecard round,
    /// with seller-internal values beside them.
    struct World {
        let base: String
        let tenantSlug: String
        let seller: KeyplanClient
        let sellerName: String
        let account: AccountView
        let goal: GoalView
        let xssGoal: GoalView
        let sharedAction: PlanAction
        let round: ScoringRound
        let criteria: [ScorecardCriterion]

        func url(_ path: String) -> String { base + path }
    }

    static func world(_ server: IdentityTestServer) async throws -> World {
        let (_, adminGrant) = try await server.bootstrapTenant(slug: "acme")
        let admin = server.client(adminGrant.token)
        _ = try await admin.createUser(CreateUserRequest(email: "sam@acme.example", displayName: "Sam Seller", role: .seller, password: password))
        let seller = server.client(try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: password).token)
        let sellerID = try await seller.whoAmI().userID

        let account = try await seller.createAccount(
            CreateAccountRequest(name: "Globex", annualRevenue: Decimal(string: internalRevenue), internalNotes: internalNote))
        let goal = try await seller.createGoal(
            accountID: account.id,
            GoalDraft(title: "Grow EMEA", metrics: [GoalMetric(name: "Revenue", unit: "EUR", baseline: 100, target: 200, current: 120)]))
        let xssGoal = try await seller.createGoal(accountID: account.id, GoalDraft(title: xssTitle))
        let sharedAction = try await seller.createAction(
            CreateActionRequest(
                accountID: account.id, title: "Run the pilot", ownerID: sellerID, dueOn: CalendarDate("2027-02-15"), goalID: goal.id, shared: true))
        _ = try await seller.createAction(CreateActionRequest(accountID: account.id, title: internalActionTitle, ownerID: sellerID))
        _ = try await seller.addComment(AddCommentRequest(accountID: account.id, subject: CommentSubject(.goal, goal.id), body: internalComment))
        _ = try await seller.addContact(AddContactRequest(accountID: account.id, fullName: internalContact, title: "CFO"))
        _ = try await seller.recordReview(
            RecordReviewRequest(
                accountID: account.id, heldOn: try #require(CalendarDate("2026-11-02")), attendeeIDs: [sellerID], guests: ["Dana (Globex IT)"],
                decisions: ["Pilot in Q1"], notes: "Scope agreed.", nextReviewOn: CalendarDate("2027-02-01")))
        let template = try await admin.createScorecardTemplate(
            CreateTemplateRequest(
                name: "Customer value",
                criteria: [
                    CriterionDraft(name: "Value delivered", description: "What our work changed for you", weight: 3),
                    CriterionDraft(name: "Trust", weight: 2),
                ]))
        let round = try await seller.openScoringRound(OpenRoundRequest(accountID: account.id, templateID: template.id, period: "2026-Q4"))

        // The seller does read the internal values: what the customer must not see is really there.
        let sellersView = try await seller.getAccount(account.id)
        #expect(sellersView.internalNotes == internalNote)
        #expect(try await seller.listActions(ListActionsRequest(accountID: account.id)).contains { $0.title == internalActionTitle })

        return World(
            base: "http://127.0.0.1:\(server.httpPort)", tenantSlug: "acme", seller: seller, sellerName: "Sam Seller", account: account,
            goal: goal, xssGoal: xssGoal, sharedAction: sharedAction, round: round, criteria: template.criteria)
    }

    /// Every form control on the page has a label (or, for none, says where it is).
    static func expectLabelledFields(_ driver: WebDriver, on page: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let unlabelled = try await driver.execute(
            """
            return [...document.querySelectorAll('input, select, textarea')]
              .filter((control) => control.type !== 'hidden' && control.labels.length === 0 && !control.getAttribute('aria-label'))
              .map((control) => control.outerHTML.slice(0, 120));
            """)
        #expect(unlabelled == .array([]), "controls without a label on \(page): \(unlabelled)", sourceLocation: sourceLocation)
    }

    /// Opens `path`, which asks for a sign-in first, and signs in there as `email` (with the shared password).
    static func open(_ path: String, signingInAs email: String, in world: World, _ driver: WebDriver) async throws {
        try await driver.navigate(to: world.url(path))
        try await driver.waitFor("#sign-in-form")
        try await driver.fill("#sign-in-tenant", world.tenantSlug)
        try await driver.fill("#sign-in-email", email)
        try await driver.fill("#sign-in-password", password)
        try await driver.click("#sign-in-submit")
    }

    static func screenshot(_ driver: WebDriver, _ name: String) async throws {
        try await driver.screenshot(to: packageDirectory.appendingPathComponent("Docs/screenshots/portal-\(name).png"))
    }

    @Test("A customer joins by invitation, merges a conflicting metric edit, answers the scorecard, updates an action, sees a comment live")
    func customerJourney() async throws {
        try await IdentityTestServer.with { server in
            let world = try await Self.world(server)
            let invitation = try await world.seller.createInvitation(
                CreateInvitationRequest(accountID: world.account.id, email: "bea@globex.example", role: .customerEditor))

            try await WebDriver.with { driver in
                var pageTexts: [String] = []

                // The invitation: choose a password and a name, land in the workspace.
                try await driver.navigate(to: world.url("/invite/\(invitation.token)"))
                try await driver.waitFor("#invite-form")
                // Room for every call of the session in the timing buffer (the leak check reads it).
                try await driver.execute("performance.setResourceTimingBufferSize(5000)")
                try await driver.fill("#invite-password", Self.password)
                try await driver.fill("#invite-password-confirm", Self.password)
                try await driver.fill("#invite-name", "Bea Buyer")
                try await Self.expectLabelledFields(driver, on: "invitation")
                try await Self.screenshot(driver, "invitation")
                try await driver.click("#invite-submit")
                try await driver.waitFor("[data-testid=goal]")
                #expect(try await driver.text("#account-name") == "Globex")
                #expect(try await driver.currentURL().contains("/accounts/\(world.account.id.uuidString)"))
                #expect(try await driver.text("#signed-in-as").contains("Bea Buyer"))
                let customer = try await server.anonymous.signIn(tenantSlug: world.tenantSlug, email: "bea@globex.example", password: Self.password)
                let customerID = customer.identity.userID

                // The XSS title shows as text; no element came of it.
                let titleTexts =
                    try await driver.execute("return [...document.querySelectorAll('[data-testid=goal-title]')].map((title) => title.textContent)")
                    .array?.compactMap(\.string) ?? []
                #expect(titleTexts.contains(Self.xssTitle))
                #expect(try await driver.execute("return document.querySelectorAll('img').length") == .number(0))
                #expect(try await driver.execute("return window.keyplanXSS === undefined") == .bool(true))
                try await Self.screenshot(driver, "goals")
                pageTexts.append(try await driver.bodyText())

                // The customer edits the metric's current value; meanwhile the seller changes it.
                let card = "[data-testid=goal][data-goal-id=\"\(world.goal.id.uuidString)\" i]"
                try await driver.click("\(card) [data-testid=metric-edit]")
                try await driver.fill("\(card) [data-testid=metric-form] input[name=current]", "150")
                let read = try await world.seller.goal(accountID: world.account.id, goalID: world.goal.id)
                _ = try await world.seller.setGoalMetric(
                    SetGoalMetricRequest(
                        accountID: world.account.id, goalID: world.goal.id, expectedVersion: read.version, name: "Revenue", current: 135))
                try await driver.click("\(card) [data-testid=metric-save]")
                try await driver.waitFor("\(card) [data-testid=conflict]")
                // Keyboard and screen-reader users are taken to it.
                let focusInConflict = try await driver.execute("return document.activeElement.closest('[data-testid=conflict]') !== null")
                #expect(focusInConflict == .bool(true), "the focus is not in the conflict panel")
                #expect(try await driver.text("\(card) [data-testid=conflict-who]").contains(world.sellerName))
                let row = "\(card) [data-testid=conflict-field][data-field=current]"
                #expect(try await driver.text("\(row) [data-testid=conflict-theirs]") == "135")
                #expect(try await driver.text("\(row) [data-testid=conflict-yours]") == "150")
                // Fields the customer left alone are not in question.
                #expect(try await driver.findAll("\(card) [data-testid=conflict-field][data-field=target]").isEmpty)
                try await Self.expectLabelledFields(driver, on: "the conflict")
                try await Self.screenshot(driver, "conflict")
                try await driver.click("\(row) input[value=mine]")
                try await driver.click("\(card) [data-testid=conflict-retry]")
                try await driver.wait("the metric to show 150 EUR") {
                    try await driver.text("\(card) [data-testid=metric] td[data-field=current]") == "150 EUR" ? true : nil
                }
                let merged = try await world.seller.goal(accountID: world.account.id, goalID: world.goal.id)
                #expect(merged.metrics.first?.current == 150 && merged.metrics.first?.target == 200)
                #expect(merged.version == read.version + 2 && merged.updatedBy.userID == customerID)

                // A goal of the customer's own, then a change of its title and status.
                try await driver.click("#goal-new")
                try await driver.fill("#goal-create-title", "Cut onboarding time")
                try await driver.execute(
                    "const input = arguments[0]; input.value = arguments[1]; input.dispatchEvent(new Event('input', { bubbles: true }))",
                    [driver.find("#goal-create-target-date").json, "2027-06-30"])
                try await Self.expectLabelledFields(driver, on: "the new goal form")
                try await driver.click("#goal-create-submit")
                try await driver.waitForText("Cut onboarding time")
                let created = try #require(
                    try await world.seller.goals(accountID: world.account.id).nodes.map(\.goal).first { $0.title == "Cut onboarding time" })
                #expect(created.createdBy.userID == customerID && created.targetDate == CalendarDate("2027-06-30"))
                let ownCard = "[data-testid=goal][data-goal-id=\"\(created.id.uuidString)\" i]"
                try await driver.waitFor("\(ownCard) [data-testid=goal-edit]")
                try await driver.click("\(ownCard) [data-testid=goal-edit]")
                try await driver.fill("\(ownCard) [data-testid=goal-form] input[name=title]", "Cut onboarding time by half")
                try await driver.click("\(ownCard) [data-testid=goal-form] select[name=status] option[value=achieved]")
                try await driver.click("\(ownCard) [data-testid=goal-save]")
                try await driver.wait("the goal to read its new title") {
                    try await driver.text("\(ownCard) [data-testid=goal-title]") == "Cut onboarding time by half" ? true : nil
                }
                let edited = try await world.seller.goal(accountID: world.account.id, goalID: created.id)
                #expect(edited.title == "Cut onboarding time by half" && edited.status == .achieved && edited.version == 2)
                #expect(edited.targetDate == CalendarDate("2027-06-30"), "a field the customer did not touch keeps its value")

                // The open scorecard round: score both criteria, with a comment.
                try await driver.click("#workspace-nav a[data-section=scorecards]")
                let form = "[data-testid=round-form]"
                try await driver.waitFor(form)
                try await driver.click("\(form) select[data-criterion-id=\"\(world.criteria[0].id.uuidString)\" i] option[value=\"8\"]")
                try await driver.click("\(form) select[data-criterion-id=\"\(world.criteria[1].id.uuidString)\" i] option[value=\"6\"]")
                try await driver.fill("\(form) [data-testid=round-comment]", "Good pilot so far.")
                try await driver.click("\(form) [data-testid=round-submit]")
                try await driver.waitFor("[data-testid=open-round] [data-testid=my-response]")
                let detail = try await world.seller.scoringRound(accountID: world.account.id, roundID: world.round.id)
                #expect(detail.responses.count == 1 && detail.responses.first?.respondentID == customerID)
                #expect(detail.responses.first?.answers.map(\.score) == [8, 6] && detail.responses.first?.comment == "Good pilot so far.")
                try await Self.expectLabelledFields(driver, on: "the scorecard")
                try await Self.screenshot(driver, "scorecard")
                pageTexts.append(try await driver.bodyText())

                // The shared action: in progress, a due date, the customer as owner.
                try await driver.click("#workspace-nav a[data-section=actions]")
                let action = "[data-testid=action][data-action-id=\"\(world.sharedAction.id.uuidString)\" i]"
                try await driver.waitFor(action)
                #expect(try await driver.findAll("[data-testid=action]").count == 1)
                try await driver.click("\(action) [data-testid=action-edit]")
                try await Self.expectLabelledFields(driver, on: "the action editor")
                try await driver.click("\(action) select[name=status] option[value=in_progress]")
                try await driver.click("\(action) select[name=ownerID] option[value=\"\(customerID.uuidString)\" i]")
                try await driver.execute(
                    "const input = arguments[0]; input.value = arguments[1]; input.dispatchEvent(new Event('input', { bubbles: true }))",
                    [driver.find("\(action) input[name=dueOn]").json, "2027-03-31"])
                try await driver.click("\(action) [data-testid=action-save]")
                try await driver.wait("the action to read In progress") {
                    try await driver.text("\(action) [data-testid=action-status]") == "In progress" ? true : nil
                }
                let updated = try await world.seller.getAction(accountID: world.account.id, actionID: world.sharedAction.id)
                #expect(updated.status == .inProgress && updated.ownerID == customerID && updated.dueOn == CalendarDate("2027-03-31"))
                try await Self.screenshot(driver, "actions")
                pageTexts.append(try await driver.bodyText())

                // The goal's discussion: a seller's shared comment arrives live; the customer answers with a mention.
                try await driver.click("#workspace-nav a[data-section=goals]")
                try await driver.waitFor("\(card) [data-testid=goal-discuss]")
                try await driver.click("\(card) [data-testid=goal-discuss]")
                try await driver.waitFor("#comment-form")
                #expect(try await driver.bodyText().contains(Self.internalComment) == false)
                _ = try await world.seller.addComment(
                    AddCommentRequest(
                        accountID: world.account.id, subject: CommentSubject(.goal, world.goal.id), body: "Shared: the pilot plan is ready",
                        shared: true, mentions: [customerID]))
                try await driver.waitForText("Shared: the pilot plan is ready", timeout: .seconds(20))
                #expect(try await driver.attribute(driver.find("#live-status"), "data-state") == "live")
                try await driver.fill("#comment-body", "Thanks, we start Monday.")
                try await driver.click("#comment-form input[data-testid=mention]")
                try await driver.click("#comment-submit")
                try await driver.waitForText("Thanks, we start Monday.")
                let comments = try await world.seller.comments(accountID: world.account.id, on: CommentSubject(.goal, world.goal.id))
                #expect(comments.contains { $0.body == "Thanks, we start Monday." && $0.shared && $0.author.userID == customerID })
                try await Self.expectLabelledFields(driver, on: "the discussion")
                try await Self.screenshot(driver, "discussion")
                pageTexts.append(try await driver.bodyText())

                // Reviews and a record's shared history.
                try await driver.click("#workspace-nav a[data-section=reviews]")
                try await driver.waitFor("[data-testid=review]")
                try await driver.waitForText("Pilot in Q1")
                try await Self.screenshot(driver, "reviews")
                pageTexts.append(try await driver.bodyText())
                // (Links, not driver.navigate: the page stays one document, whose timing entries list every call it made.)
                try await driver.click("#workspace-nav a[data-section=goals]")
                try await driver.waitFor("\(card) [data-testid=record-history]")
                try await driver.click("\(card) [data-testid=record-history]")
                try await driver.waitFor("[data-testid=change]")
                try await driver.waitForText("150")
                try await Self.screenshot(driver, "history")
                pageTexts.append(try await driver.bodyText())
                try await driver.click("#history-all")
                try await driver.waitFor("#history-list [data-testid=change]")
                pageTexts.append(try await driver.bodyText())

                // Nothing seller-internal reached the page: its text, and every response of every read it
                // makes, fetched again from inside the page with its own cookie, the Watch replay included.
                let responses = try await Self.responsesOfThePage(driver, accountID: world.account.id)
                for needle in Self.sellerInternals {
                    for text in pageTexts { #expect(!text.contains(needle), "the page showed \(needle)") }
                    for (method, body) in responses { #expect(!body.contains(needle), "\(method) answered \(needle)") }
                }
                #expect(responses.contains { $0.method == "keyplan.Workspace/Watch" && $0.body.contains("Grow EMEA") })

                // A narrow phone screen: no section is wider than the screen (an editor and the conflict panel open too).
                try await driver.setWindowSize(width: 360, height: 800)
                for (section, ready) in [
                    ("goals", "[data-testid=goal]"), ("actions", "[data-testid=action]"), ("discussion", "#comment-form"),
                    ("scorecards", "[data-testid=open-round]"), ("reviews", "[data-testid=review]"), ("history", "[data-testid=change]"),
                ] {
                    try await driver.navigate(to: world.url("/accounts/\(world.account.id.uuidString)/\(section)"))
                    try await driver.waitFor(ready)
                    if section == "goals" {
                        try await driver.click("\(card) [data-testid=metric-edit]")
                        try await driver.waitFor("\(card) [data-testid=metric-form]")
                    }
                    let overflow = try await driver.execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    #expect(overflow == .number(0), "\(section) scrolls sideways at 360 px")
                    if section == "goals" { try await Self.screenshot(driver, "mobile") }
                }
                try await driver.setWindowSize(width: 1280, height: 900)

                // CSRF: the session cookie is HttpOnly, and a POST that carries it without the header is refused.
                let cookies = try await driver.cookies()
                #expect(!cookies.isEmpty && cookies.allSatisfy { $0["httpOnly"] == .bool(true) })
                #expect(try await driver.execute("return document.cookie") == .string(""))
                let inPage = try await driver.executeAsync(
                    """
                    const done = arguments[arguments.length - 1];
                    fetch('/keyplan.Accounts/List', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' })
                      .then((response) => done(response.status), (error) => done(String(error)));
                    """)
                #expect(inPage == .number(403))
                let cookieHeader = cookies.compactMap { cookie in cookie["name"]?.string.map { "\($0)=\(cookie["value"]?.string ?? "")" } }
                    .joined(separator: "; ")
                let http = try await HTTPTestClient(port: server.httpPort)
                // What a cross-site form can send: the cookie (were the browser to attach it), a form's content type, no custom
                // header. Refused before anything runs (the gateway takes JSON only, and the cookie only with the header).
                let crossSiteForm = try await http.send(
                    .POST, "/keyplan.Accounts/List",
                    headers: [("Cookie", cookieHeader), ("Origin", "https://attacker.example"), ("Content-Type", "text/plain")],
                    body: ByteBuffer(string: "{}"))
                #expect(
                    [403, 415].contains(crossSiteForm.status), "a cross-site form's POST answered \(crossSiteForm.status): \(crossSiteForm.text)")
                #expect(!crossSiteForm.text.contains("Globex"))
                let crossSite = try await http.call(
                    "keyplan.Accounts/List", "{}", headers: [("Cookie", cookieHeader), ("Origin", "https://attacker.example")])
                #expect(crossSite.status == 403, "a cross-site POST without the header answered \(crossSite.status): \(crossSite.text)")
                // Another site's script that somehow sent the header is still refused by its Origin.
                let otherOrigin = try await http.call(
                    "keyplan.Accounts/List", "{}",
                    headers: [("Cookie", cookieHeader), ("Origin", "https://attacker.example"), ("X-Keyplan-CSRF", "1")])
                #expect(otherOrigin.status == 403, "a cross-origin call with the header answered \(otherOrigin.status)")
                let sameSite = try await http.call("keyplan.Accounts/List", "{}", headers: [("Cookie", cookieHeader), ("X-Keyplan-CSRF", "1")])
                #expect(
                    sameSite.status == 200 && sameSite.text.contains("Globex"), "the same call from the portal: \(sameSite.status) \(sameSite.text)")
                await http.close()

                // The browser logs every non-200 answer: the first WhoAmI (401, not signed in yet), the stale
                // save (409) and the refused call above (403). Nothing else may fail, no script error above all.
                let errors = try await driver.consoleLog().filter { $0["level"]?.string == "SEVERE" }.compactMap { $0["message"]?.string }
                let expected = ["status of 401", "status of 403", "status of 409"]
                #expect(errors.allSatisfy { message in expected.contains { message.contains($0) } }, "console errors: \(errors)")
            }
        }
    }

    /// Every read method the page called during the session (from its resource timing entries), called
    /// again from inside the page for every record it shows, and the Watch stream replayed from the
    /// journal's start; answers each method with the bodies it answered. Fails if the page called a read
    /// this does not repeat, so a new call of the portal cannot slip past the leak check.
    static func responsesOfThePage(_ driver: WebDriver, accountID: UUID) async throws -> [(method: String, body: String)] {
        let called =
            try await driver.execute(
                """
                return performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname)
                  .filter((path) => path.startsWith('/keyplan.') || path.startsWith('/portal/'));
                """
            ).array?.compactMap(\.string) ?? []
        // (A Watch stream still open has no entry yet: its response has not ended. It is replayed below anyway.)
        #expect(called.contains("/portal/accept-invitation") && called.contains("/keyplan.Goals/List"), "calls seen: \(called)")
        let answer = try await driver.executeAsync(
            """
            const done = arguments[arguments.length - 1];
            const accountID = arguments[0];
            const headers = { 'Content-Type': 'application/json', 'X-Keyplan-CSRF': '1' };
            const out = [];
            async function call(method, body) {
              const response = await fetch('/' + method, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body) });
              const text = await response.text();
              out.push([method, text]);
              return JSON.parse(text);
            }
            async function watch() {
              const json = new TextEncoder().encode(JSON.stringify({ accountID, after: 0 }));
              const envelope = new Uint8Array(5 + json.length);
              new DataView(envelope.buffer).setUint32(1, json.length);
              envelope.set(json, 5);
              const controller = new AbortController();
              const response = await fetch('/keyplan.Workspace/Watch', { method: 'POST', credentials: 'same-origin', signal: controller.signal,
                headers: { 'Content-Type': 'application/connect+json', 'Connect-Protocol-Version': '1', 'X-Keyplan-CSRF': '1' }, body: envelope });
              const reader = response.body.getReader();
              const decoder = new TextDecoder();
              let text = '';
              const stop = setTimeout(() => controller.abort(), 3000);
              try {
                for (;;) { const { done, value } = await reader.read(); if (done) break; text += decoder.decode(value, { stream: true }); }
              } catch (error) {}
              clearTimeout(stop);
              out.push(['keyplan.Workspace/Watch', text]);
            }
            (async () => {
              await call('keyplan.Auth/WhoAmI', {});
              await call('keyplan.Accounts/List', {});
              await call('keyplan.Accounts/Get', { accountID });
              await call('keyplan.Accounts/Participants', { accountID });
              const tree = await call('keyplan.Goals/List', { accountID });
              const actions = await call('keyplan.ActionPlan/ListActions', { accountID, sharedOnly: false, overdueOnly: false });
              const reviews = await call('keyplan.ActionPlan/ListReviews', { accountID });
              const rounds = await call('keyplan.Scorecards/ListRounds', { accountID });
              for (const round of rounds.rounds) await call('keyplan.Scorecards/GetRound', { accountID, roundID: round.id });
              const goals = tree.nodes.flatMap((node) => [node.goal, ...node.children]);
              const subjects = [...goals.map((goal) => ['goal', goal.id]), ...actions.actions.map((action) => ['action', action.id]),
                ...reviews.reviews.map((review) => ['review', review.id])];
              for (const [kind, id] of subjects) {
                await call('keyplan.Comments/List', { accountID, subject: { kind, id } });
                await call('keyplan.Workspace/History', { accountID, entityID: id });
              }
              await call('keyplan.Workspace/Activity', { accountID, limit: 500 });
              await watch();
              done(out);
            })().catch((error) => done({ error: String(error) }));
            """, [.string(accountID.uuidString)])
        let pairs = try #require(answer.array, "the page could not repeat its calls: \(answer)")
        #expect(pairs.count >= 15, "only \(pairs.count) answers")
        let responses = pairs.compactMap { pair -> (method: String, body: String)? in
            guard let method = pair.array?.first?.string, let body = pair.array?.last?.string else { return nil }
            return (method, body)
        }
        // Writes answer the record written, which the reads above return too; sign-in answers the Identity (WhoAmI).
        let writes: Set<String> = [
            "/keyplan.Goals/SetMetric", "/keyplan.Goals/Update", "/keyplan.Goals/Create", "/keyplan.ActionPlan/UpdateAction",
            "/keyplan.ActionPlan/CreateAction", "/keyplan.Comments/Add", "/keyplan.Scorecards/Answer", "/portal/accept-invitation",
            "/portal/sign-in", "/portal/sign-out",
        ]
        let repeated = Set(responses.map { "/" + $0.method })
        for path in Set(called) where !writes.contains(path) {
            #expect(repeated.contains(path), "the page called \(path), which the leak check does not repeat")
        }
        return responses
    }

    @Test("A customer builds a planned review's agenda, signs off the held one, moves the buying journey on and reads the shared ideas only")
    func reviewsJourneyAndIdeas() async throws {
        try await IdentityTestServer.with { server in
            let world = try await Self.world(server)
            let accountID = world.account.id
            let invitation = try await world.seller.createInvitation(
                CreateInvitationRequest(accountID: accountID, email: "bea@globex.example", role: .customerEditor))
            let customer = try await server.anonymous.acceptInvitation(token: invitation.token, password: Self.password, displayName: "Bea Buyer")
            let customerID = customer.identity.userID

            // The seller plans the next review, puts a first item on it, records a follow-up of the
            // held one, starts the journey and shares one whitespace idea beside an internal cell.
            let planned = try await world.seller.recordReview(
                RecordReviewRequest(accountID: accountID, heldOn: try #require(CalendarDate("2027-03-01")), planned: true))
            _ = try await world.seller.addAgendaItem(AddAgendaItemRequest(accountID: accountID, reviewID: planned.id, title: "Pilot results"))
            let held = try #require(try await world.seller.listReviews(of: accountID).first { $0.status == .held })
            _ = try await world.seller.addFollowUp(AddFollowUpRequest(accountID: accountID, reviewID: held.id, title: "Send the pilot plan"))
            _ = try await world.seller.startJourney(StartJourneyRequest(accountID: accountID))
            let admin = try await server.anonymous.signIn(tenantSlug: world.tenantSlug, email: "admin@acme.example", password: "admin-password")
            let solution = try await server.client(admin.token).createSolution(
                CreateSolutionRequest(name: "Predictive maintenance"))
            _ = try await world.seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(
                    accountID: accountID, businessUnit: "Plant 2", solutionID: solution.id, status: .opportunity,
                    annualValue: Decimal(string: Self.internalRevenue), note: "INTERNAL-WHITESPACE their contract ends in May",
                    idea: "Predict line stoppages before they happen", shared: true))
            _ = try await world.seller.createWhitespaceCell(
                CreateWhitespaceCellRequest(accountID: accountID, businessUnit: "INTERNAL-UNIT Finance", solutionID: solution.id, idea: "not shared"))

            try await WebDriver.with { driver in
                try await Self.open("/accounts/\(accountID.uuidString)/reviews", signingInAs: "bea@globex.example", in: world, driver)

                // The planned review's agenda: the customer adds an item of their own.
                let plannedCard = "[data-testid=review][data-review-id=\"\(planned.id.uuidString)\" i]"
                try await driver.waitFor("\(plannedCard) [data-testid=agenda-add]")
                #expect(try await driver.text("\(plannedCard) [data-testid=review-status]") == "Planned")
                try await driver.click("\(plannedCard) [data-testid=agenda-add]")
                try await driver.fill("\(plannedCard) [data-testid=agenda-item-title]", "Rollout timeline")
                try await Self.expectLabelledFields(driver, on: "the agenda form")
                try await driver.click("\(plannedCard) [data-testid=agenda-save]")
                try await driver.wait("the agenda to list the new item") {
                    let titles = try await driver.execute(
                        "return [...document.querySelectorAll(arguments[0])].map((item) => item.textContent)",
                        [.string("\(plannedCard) [data-testid=agenda-title]")])
                    return titles == .array([.string("Pilot results"), .string("Rollout timeline")]) ? true : nil
                }
                let agenda = try #require(try await world.seller.listReviews(of: accountID).first { $0.id == planned.id }?.agenda)
                #expect(agenda.map(\.title) == ["Pilot results", "Rollout timeline"] && agenda.last?.addedBy.userID == customerID)

                // The held review shows its follow-up; the customer signs it off as read.
                let heldCard = "[data-testid=review][data-review-id=\"\(held.id.uuidString)\" i]"
                #expect(try await driver.text("\(heldCard) [data-testid=review-follow-ups]").contains("Send the pilot plan"))
                try await Self.screenshot(driver, "reviews")
                try await driver.click("\(heldCard) [data-testid=review-sign-off]")
                try await driver.waitFor("\(heldCard) [data-testid=review-signed]")
                #expect(try await driver.text("\(heldCard) [data-testid=review-signed]").contains("Bea Buyer"))
                let signed = try #require(try await world.seller.listReviews(of: accountID).first { $0.id == held.id })
                #expect(signed.signOff?.by.userID == customerID)
                // A planned review cannot be signed off, so it offers no button.
                #expect(try await driver.findAll("\(plannedCard) [data-testid=review-sign-off]").isEmpty)

                // The journey: the customer says where they are and what they need to move on.
                try await driver.click("#workspace-nav a[data-section=journey]")
                let evaluation = try #require(try await world.seller.journey(of: accountID).stages.first { $0.name == "Evaluation" })
                let stageCard = "[data-testid=stage][data-stage-id=\"\(evaluation.id.uuidString)\" i]"
                try await driver.waitFor("\(stageCard) [data-testid=stage-mark-current]")
                try await driver.click("\(stageCard) [data-testid=stage-mark-current]")
                try await driver.waitFor("\(stageCard) [data-testid=stage-current]")
                #expect(try await driver.text("[data-testid=journey-current]") == "Now: Evaluation")
                try await driver.click("\(stageCard) [data-testid=stage-edit]")
                try await driver.fill("\(stageCard) [data-testid=stage-criteria-input]", "A reference plant of our size")
                try await Self.expectLabelledFields(driver, on: "the stage form")
                try await driver.click("\(stageCard) [data-testid=stage-save]")
                try await driver.wait("the stage to show its criteria") {
                    try await driver.text("\(stageCard) [data-testid=stage-criteria]") == "A reference plant of our size" ? true : nil
                }
                let moved = try #require(try await world.seller.journey(of: accountID).current)
                #expect(moved.id == evaluation.id && moved.criteria == "A reference plant of our size" && moved.updatedBy.userID == customerID)
                try await Self.screenshot(driver, "journey")

                // Ideas: the shared cell, without anything internal; the other cell not at all.
                try await driver.click("#workspace-nav a[data-section=ideas]")
                try await driver.waitFor("[data-testid=idea]")
                #expect(try await driver.findAll("[data-testid=idea]").count == 1)
                #expect(try await driver.text("[data-testid=idea-text]") == "Predict line stoppages before they happen")
                let ideas = try await driver.bodyText()
                for needle in ["INTERNAL-WHITESPACE", "INTERNAL-UNIT", Self.internalRevenue, "not shared"] {
                    #expect(!ideas.contains(needle), "the ideas page showed \(needle)")
                }
            }
        }
    }

    @Test(
        "A viewer signs in with the form, reads without edit controls, joins a second account with the same password, signs out; a seller sees what the customer sees"
    )
    func viewerSignsInAndOut() async throws {
        try await IdentityTestServer.with { server in
            let world = try await Self.world(server)
            let invitation = try await world.seller.createInvitation(
                CreateInvitationRequest(accountID: world.account.id, email: "vic@globex.example", role: .customerViewer))
            _ = try await server.anonymous.acceptInvitation(token: invitation.token, password: Self.password, displayName: "Vic Viewer")
            let second = try await world.seller.createAccount(CreateAccountRequest(name: "Globex Europe"))
            let secondInvitation = try await world.seller.createInvitation(
                CreateInvitationRequest(accountID: second.id, email: "vic@globex.example", role: .customerViewer))

            try await WebDriver.with { driver in
                try await driver.navigate(to: world.url("/accounts/\(world.account.id.uuidString)?x=1"))
                // Not signed in: the sign-in form, which returns here afterwards.
                try await driver.waitFor("#sign-in-form")
                try await driver.fill("#sign-in-tenant", world.tenantSlug)
                try await driver.fill("#sign-in-email", "vic@globex.example")
                try await driver.fill("#sign-in-password", "wrong password")
                try await driver.click("#sign-in-submit")
                let refusal = try await driver.waitFor("#form-error")
                #expect(try await driver.text(refusal).isEmpty == false)
                try await driver.fill("#sign-in-password", Self.password)
                try await Self.expectLabelledFields(driver, on: "sign-in")
                try await Self.screenshot(driver, "sign-in")
                try await driver.click("#sign-in-submit")
                try await driver.waitFor("[data-testid=goal]")
                #expect(try await driver.text("#account-name") == "Globex")

                // A viewer reads: no edit control anywhere, and a word on how to get them.
                #expect(try await driver.findAll("#goal-new, [data-testid=goal-edit], [data-testid=metric-edit], [data-testid=metric-add]").isEmpty)
                try await driver.waitFor("[data-testid=viewer-notice]")
                try await driver.click("#workspace-nav a[data-section=actions]")
                try await driver.waitFor("[data-testid=action]")
                #expect(try await driver.findAll("#action-new, [data-testid=action-edit]").isEmpty)

                // The second invitation, as someone who already has an account: the same password, no name.
                try await driver.navigate(to: world.url("/invite/\(secondInvitation.token)"))
                try await driver.waitFor("#invite-mode-existing")
                try await driver.click("#invite-mode-existing")
                try await driver.fill("#invite-existing-password", Self.password)
                try await driver.click("#invite-submit")
                // Two workspaces now: the list.
                try await driver.waitFor("#account-list")
                try await driver.waitForText("Globex Europe")
                #expect(try await driver.findAll("[data-testid=account-link]").count == 2)
                try await Self.screenshot(driver, "workspaces")

                try await driver.click("#sign-out")
                try await driver.waitFor("#sign-in-form")
                #expect(try await driver.property(driver.find("#sign-in-tenant"), "value") == .string(world.tenantSlug))
                let whoAmI = try await driver.executeAsync(
                    """
                    const done = arguments[arguments.length - 1];
                    fetch('/keyplan.Auth/WhoAmI', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-Keyplan-CSRF': '1' }, body: '{}' })
                      .then((response) => done(response.status), (error) => done(String(error)));
                    """)
                #expect(whoAmI == .number(401))

                // A seller who signs in sees what the customer sees: none of the team's internal comments,
                // actions or changes, though the server would give them to the seller.
                try await driver.fill("#sign-in-email", "sam@acme.example")
                try await driver.fill("#sign-in-password", Self.password)
                try await driver.click("#sign-in-submit")
                try await driver.waitFor("a[href=\"/accounts/\(world.account.id.uuidString)\" i]")
                try await driver.click("a[href=\"/accounts/\(world.account.id.uuidString)\" i]")
                try await driver.waitFor("[data-testid=seller-view]")
                var texts = [try await driver.bodyText()]
                let card = "[data-testid=goal][data-goal-id=\"\(world.goal.id.uuidString)\" i]"
                try await driver.waitFor("\(card) [data-testid=goal-discuss]")
                try await driver.click("\(card) [data-testid=goal-discuss]")
                try await driver.waitFor("[data-testid=comments-empty]")
                texts.append(try await driver.bodyText())
                try await driver.click("#workspace-nav a[data-section=actions]")
                try await driver.waitFor("[data-testid=action]")
                #expect(try await driver.findAll("[data-testid=action]").count == 1)
                texts.append(try await driver.bodyText())
                try await driver.click("#workspace-nav a[data-section=history]")
                try await driver.waitFor("#history-list [data-testid=change]")
                texts.append(try await driver.bodyText())
                for needle in Self.sellerInternals {
                    for text in texts { #expect(!text.contains(needle), "a seller's portal showed \(needle)") }
                }
            }
        }
    }

    @Test("A customer changes their password: a wrong current one is refused in words, the new one works, other sessions end")
    func customerChangesTheirPassword() async throws {
        try await IdentityTestServer.with { server in
            let world = try await Self.world(server)
            let invitation = try await world.seller.createInvitation(
                CreateInvitationRequest(accountID: world.account.id, email: "pia@globex.example", role: .customerEditor))
            let elsewhere = try await server.anonymous.acceptInvitation(token: invitation.token, password: Self.password, displayName: "Pia")

            try await WebDriver.with { driver in
                try await Self.open("/password", signingInAs: "pia@globex.example", in: world, driver)
                try await driver.waitFor("#password-form")
                try await Self.expectLabelledFields(driver, on: "password")

                try await driver.fill("#password-current", "not my password")
                try await driver.fill("#password-new", "a new password 9")
                try await driver.fill("#password-confirm", "a new password 9")
                try await driver.click("#password-submit")
                #expect(try await driver.text(try await driver.waitFor("#form-error")).contains("the current password is not right"))

                try await driver.fill("#password-current", Self.password)
                try await driver.click("#password-submit")
                #expect(try await driver.text(try await driver.waitFor("#password-changed")).contains("Your password is changed"))
                try await Self.screenshot(driver, "password")
                // The browser's session goes on; the one signed in elsewhere has ended.
                try await driver.click("#change-password")
                try await driver.waitFor("#password-form")
                #expect(await statusCode { _ = try await server.client(elsewhere.token).whoAmI() } == .unauthenticated)
                _ = try await server.anonymous.signIn(tenantSlug: world.tenantSlug, email: "pia@globex.example", password: "a new password 9")
            }
        }
    }
}
