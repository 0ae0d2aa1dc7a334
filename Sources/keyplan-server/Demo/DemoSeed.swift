import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import KeyplanServer
import NIOCore

/// Fills a new tenant with ``DemoCatalog``'s story through Keyplan's own API — an in-process
/// server on a loopback port, driven by ``KeyplanClient`` as each person would — so every record
/// is validated, versioned and journaled exactly as in real use, and health, coaching and
/// analytics have something true to say.
struct DemoSeed {
    let database: PostgresClient
    let tenantName: String
    let slug: String
    let password: String

    struct Result: Codable, Sendable {
        struct Person: Codable, Sendable {
            var email: String
            var name: String
            var role: String
        }

        struct Account: Codable, Sendable {
            var id: UUID
            var name: String
            var status: AccountStatus
        }

        var tenantID: UUID
        var slug: String
        /// Every demo user signs in with it.
        var password: String
        var people: [Person]
        var accounts: [Account]
        /// Where the in-process server logged, when to a file.
        var serverLog: String?
    }

    /// The company's mail domain.
    static let domain = "northwind.example"

    func run() async throws -> Result {
        let services = try KeyplanServices(database: database)
        let server = RPCServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), services: services.services, interceptors: services.interceptors)
        let address = try await server.start()
        let serving = Task { try await server.run() }
        let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: address.port ?? 0))
        // Stopped whether the seeding succeeded or not.
        let result: Swift.Result<Result, any Error>
        do { result = .success(try await seed(KeyplanClient(rpc: rpc))) } catch { result = .failure(error) }
        await rpc.close()
        server.beginGracefulShutdown()
        _ = try? await serving.value
        return try result.get()
    }

    private func seed(_ anonymous: KeyplanClient) async throws -> Result {
        let created = try await TenantBootstrap(database: database).create(
            name: tenantName, slug: slug, adminEmail: "ada@\(Self.domain)", adminName: "Ada Admin", adminPassword: password)
        var people = [Result.Person(email: created.adminEmail, name: "Ada Admin", role: TenantRole.admin.rawValue)]
        let admin = anonymous.authenticated(with: try await anonymous.signIn(tenantSlug: slug, email: created.adminEmail, password: password).token)

        var sellers: [String: (id: UUID, client: KeyplanClient)] = [:]
        for seller in DemoCatalog.sellers {
            let email = "\(seller.key)@\(Self.domain)"
            let user = try await admin.createUser(CreateUserRequest(email: email, displayName: seller.name, role: seller.role, password: password))
                .user
            let grant = try await anonymous.signIn(tenantSlug: slug, email: email, password: password)
            sellers[seller.key] = (user.id, anonymous.authenticated(with: grant.token))
            people.append(Result.Person(email: email, name: seller.name, role: seller.role.rawValue))
        }
        let template = try await admin.createScorecardTemplate(CreateTemplateRequest(name: "Customer value", criteria: DemoCatalog.criteria))
        var solutions: [String: UUID] = [:]
        for (name, description) in DemoCatalog.solutions {
            solutions[name] = try await admin.createSolution(CreateSolutionRequest(name: name, description: description)).id
        }

        var accounts: [Result.Account] = []
        var history = DemoHistory(tenantID: created.tenantID)
        var opportunities = "Id,Name,AccountId,Amount,CurrencyIsoCode,StageName,CloseDate,IsWon\n"
        for (index, entry) in DemoCatalog.accounts.enumerated() {
            guard let owner = sellers[entry.owner] else { throw DemoError("no seller \(entry.owner)") }
            let account = try await owner.client.createAccount(CreateAccountRequest(name: entry.name, annualRevenue: entry.annualRevenue))
            let externalID = "DEMO-\(index + 1)"
            _ = try await owner.client.updateProfile(
                UpdateProfileRequest(
                    accountID: account.id, industry: entry.industry, region: entry.region, currency: "EUR",
                    annualRevenue: entry.annualRevenue, potentialRevenue: entry.potentialRevenue,
                    objective: DemoCatalog.objectives[entry.name], ownerID: owner.id,
                    externalID: externalID, status: entry.strategic ? .strategic : .candidate))
            _ = try await owner.client.assess(
                AssessRequest(accountID: account.id, answers: AssessmentAnswers(value: entry.value, relationship: entry.relationship)))
            if let member = entry.member.flatMap({ sellers[$0] }) {
                try await owner.client.addTeamMember(AddTeamMemberRequest(accountID: account.id, userID: member.id, role: .member))
            }
            for monthsAgo in 1...24 {
                let amount = entry.monthlyRevenue * Decimal(pow(entry.monthlyGrowth, Double(24 - monthsAgo)))
                _ = try await owner.client.recordRevenue(
                    RecordRevenueRequest(
                        accountID: account.id, period: DemoDates.month(monthsAgo: monthsAgo), amount: Self.cents(amount)))
            }
            for deal in 0..<3 {
                let won = (index + deal) % 3 == 0 ? "true" : "false"
                opportunities +=
                    "OPP-\(index + 1)-\(deal + 1),\(entry.name) deal \(deal + 1),\(externalID),\(50_000 * (deal + 1)),EUR,Closed,\(DemoDates.day(offset: -60 * (deal + 1))),\(won)\n"
            }
            if entry.strategic {
                people += try await seedWorkspace(
                    entry, account: account.id, sellers: sellers, template: template, solutions: solutions, anonymous: anonymous,
                    history: &history)
                history.accounts.append((account.id, owner.client, entry))
            }
            accounts.append(Result.Account(id: account.id, name: entry.name, status: entry.strategic ? .strategic : .candidate))
        }
        let report = try await admin.importRows(.opportunities, try CSVDocument(bytes: Array(opportunities.utf8)))
        guard report.rejected.isEmpty else { throw DemoError("opportunities rejected: \(report.rejected.prefix(3))") }
        try await history.backdate(in: database)
        return Result(tenantID: created.tenantID, slug: slug, password: password, people: people, accounts: accounts)
    }

    /// The shared workspace of a strategic account: its customers, map, goals, plan, reviews, scorecards, comments.
    private func seedWorkspace(
        _ entry: DemoCatalog.Account, account: UUID, sellers: [String: (id: UUID, client: KeyplanClient)],
        template: ScorecardTemplate, solutions: [String: UUID], anonymous: KeyplanClient, history: inout DemoHistory
    ) async throws -> [Result.Person] {
        guard let owner = sellers[entry.owner] else { throw DemoError("no seller \(entry.owner)") }
        var people: [Result.Person] = []
        var customers: [(id: UUID, role: CustomerRole, client: KeyplanClient)] = []
        for customer in entry.customers {
            let email = customer.name.split(separator: " ")[0].lowercased() + "@" + entry.domain
            let invitation = try await owner.client.createInvitation(
                CreateInvitationRequest(accountID: account, email: email, role: customer.role, handOver: true))
            let grant = try await anonymous.acceptInvitation(token: invitation.token, password: password, displayName: customer.name)
            customers.append((grant.identity.userID, customer.role, anonymous.authenticated(with: grant.token)))
            people.append(Result.Person(email: email, name: customer.name, role: customer.role.rawValue))
        }
        guard let editor = customers.first(where: { $0.role == .customerEditor }) else { throw DemoError("\(entry.name) needs a customer editor") }

        // The relationship map, managers first.
        var contacts: [UUID] = []
        for person in entry.people {
            let contact = try await owner.client.addContact(
                AddContactRequest(
                    accountID: account, fullName: person.name, title: person.title, department: person.department,
                    reportsTo: person.reportsTo.map { contacts[$0] }, decisionRole: person.role, influence: person.influence,
                    attitude: person.attitude, concerns: person.concerns))
            contacts.append(contact.id)
            for (seller, strength) in person.knownBy {
                guard let user = sellers[seller] else { continue }
                _ = try await owner.client.setRelationship(
                    SetRelationshipRequest(accountID: account, contactID: contact.id, userID: user.id, strength: strength))
            }
        }

        // Goals: ours, and — where the customer takes part — one the customer wrote.
        let growth = try await owner.client.createGoal(
            accountID: account,
            GoalDraft(
                title: "Cut unplanned downtime by 30%", description: "Across every site, measured monthly",
                targetDate: DemoDates.day(offset: 270),
                metrics: [GoalMetric(name: "Unplanned downtime", unit: "hours/month", baseline: 120, target: 84, current: 104)]))
        _ = try await owner.client.linkSolution(
            accountID: account, goalID: growth.id, solution: "Predictive Maintenance", note: "sensor analytics on the critical lines")
        _ = try await owner.client.createGoal(
            accountID: account,
            GoalDraft(
                kind: .initiative, parentID: growth.id, title: "Roll out condition monitoring", department: "Operations"))
        let authored = entry.engaged ? editor.client : owner.client
        let ownGoal = try await authored.createGoal(
            accountID: account,
            GoalDraft(
                title: "Lower the cost to serve", description: "Fewer manual reports, more self-service",
                metrics: [GoalMetric(name: "Cost to serve", unit: "% of revenue", baseline: 14, target: 10, current: 13)]))

        // The action plan: shared and internal, both sides, both horizons, one overdue where the story says so.
        let pilot = try await owner.client.createAction(
            CreateActionRequest(
                accountID: account, title: "Run the pilot on line 3", ownerID: editor.id, dueOn: DemoDates.day(offset: 20),
                horizon: .near, goalID: growth.id, shared: true))
        let overdue = try await owner.client.createAction(
            CreateActionRequest(
                accountID: account, title: "Send the business case to finance", ownerID: owner.id,
                dueOn: DemoDates.day(offset: entry.overdueDays > 0 ? -entry.overdueDays : 14), horizon: .near, goalID: ownGoal.id, shared: true))
        _ = try await owner.client.createAction(
            CreateActionRequest(
                accountID: account, title: "Kick-off workshop", ownerID: owner.id, dueOn: DemoDates.day(offset: 5), status: .done, horizon: .near,
                shared: true))
        _ = try await owner.client.createAction(
            CreateActionRequest(
                accountID: account, title: "Expand to all sites", ownerID: owner.id, dueOn: DemoDates.day(offset: 400), horizon: .long,
                goalID: growth.id, shared: true))
        _ = try await owner.client.createAction(
            CreateActionRequest(
                accountID: account, title: "Find an executive sponsor", ownerID: owner.id, dueOn: DemoDates.day(offset: 45), status: .blocked,
                horizon: .near))
        if entry.engaged {
            var update = UpdateActionRequest(accountID: account, actionID: pilot.id, expectedVersion: pilot.version)
            update.status = .inProgress
            _ = try await editor.client.updateAction(update)
        }

        for (position, (activity, side, responsible)) in [
            ("Demand intake", ProcessSide.customer, "Operations"), ("Solution design", .joint, "Architects of both sides"),
            ("Delivery and support", .seller, "Northwind services"),
        ].enumerated() {
            _ = try await owner.client.addProcessStep(
                AddProcessStepRequest(accountID: account, position: position, activity: activity, responsible: responsible, side: side))
        }
        // The buyer's journey, started by the customer's editor where they take part: they are at the business case,
        // which the pilot and the finance hand-off serve.
        let journey = try await authored.startJourney(StartJourneyRequest(accountID: account))
        if let stage = journey.stages.first(where: { $0.name == "Business case" }) {
            _ = try await authored.updateBuyingStage(
                UpdateBuyingStageRequest(
                    accountID: account, stageID: stage.id, expectedVersion: stage.version, customerPeople: "The CFO and the plant managers",
                    criteria: "The pilot's results and a payback under two years", current: true, actionIDs: [pilot.id, overdue.id]))
        }
        let held = try await owner.client.recordReview(
            RecordReviewRequest(
                accountID: account, heldOn: DemoDates.day(offset: -60), attendeeIDs: [owner.id, editor.id], guests: ["Plant managers"],
                decisions: ["Pilot on line 3 first", "Quarterly roadmap reviews"], notes: "Good energy; finance wants the business case.",
                nextReviewOn: DemoDates.day(offset: entry.nextReviewInDays)))
        // The review's follow-up; where the customer takes part they signed it off, and the next review, planned, has
        // an agenda from both sides.
        let followedUp = try await owner.client.addFollowUp(
            AddFollowUpRequest(accountID: account, reviewID: held.id, title: "Share the pilot plan with the plant managers", ownerID: owner.id))
        if entry.engaged {
            _ = try await editor.client.signOffReview(accountID: account, reviewID: held.id, expectedVersion: followedUp.version)
        }
        if entry.nextReviewInDays > 0 {
            let next = try await owner.client.recordReview(
                RecordReviewRequest(
                    accountID: account, heldOn: DemoDates.day(offset: entry.nextReviewInDays), attendeeIDs: [owner.id, editor.id], planned: true))
            _ = try await owner.client.addAgendaItem(
                AddAgendaItemRequest(accountID: account, reviewID: next.id, title: "The pilot's results", goalID: growth.id))
            _ = try await authored.addAgendaItem(AddAgendaItemRequest(accountID: account, reviewID: next.id, title: "Rollout to the other plants"))
        }

        // A scoring round a quarter: the last three quarters' (closed, and moved into their
        // quarters once all is seeded) and this quarter's (open).
        for offset in -3...0 {
            let round = try await owner.client.openScoringRound(
                OpenRoundRequest(
                    accountID: account, templateID: template.id, period: DemoDates.quarter(offset: offset)))
            for customer in customers {
                let answers = zip(template.criteria, DemoHistory.scores(entry, quarter: offset)).map { CriterionScore(criterionID: $0.id, score: $1) }
                _ = try await customer.client.answerScorecard(AnswerRequest(accountID: account, roundID: round.id, answers: answers))
            }
            if offset < 0 {
                _ = try await owner.client.closeScoringRound(accountID: account, roundID: round.id, expectedVersion: round.version)
                history.rounds.append((round.id, offset))
            }
        }

        _ = try await owner.client.addComment(
            AddCommentRequest(
                accountID: account, subject: CommentSubject(.action, overdue.id), body: "Finance asked for the payback numbers first.", shared: false)
        )
        if entry.engaged {
            _ = try await editor.client.addComment(
                AddCommentRequest(
                    accountID: account, subject: CommentSubject(.goal, ownGoal.id), body: "Our board wants this by the end of next year.",
                    mentions: [owner.id]))
        }
        try await seedWhitespace(entry, account: account, owner: owner.client, solutions: solutions, goal: growth.id)
        return people
    }

    /// The whitespace map: where Northwind serves, where the opportunities are, who else is there;
    /// one opportunity shared with the customer as an idea to discuss.
    private func seedWhitespace(
        _ entry: DemoCatalog.Account, account: UUID, owner: KeyplanClient, solutions: [String: UUID], goal: UUID
    ) async throws {
        for cell in DemoCatalog.whitespace(entry) {
            guard let solution = solutions[cell.solution] else { throw DemoError("no solution \(cell.solution)") }
            _ = try await owner.createWhitespaceCell(
                CreateWhitespaceCellRequest(
                    accountID: account, businessUnit: cell.unit, solutionID: solution, status: cell.status, servedBy: cell.servedBy,
                    competitor: cell.competitor, annualValue: cell.value, contractEndsOn: cell.contractEndsInDays.map { DemoDates.day(offset: $0) },
                    note: cell.note, idea: cell.idea, goalIDs: cell.shared ? [goal] : [], shared: cell.shared))
        }
    }

    /// Amounts rounded to cents.
    static func cents(_ amount: Decimal) -> Decimal {
        var value = amount, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Dates relative to today (UTC), as the API writes them.
enum DemoDates {
    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    static func day(offset days: Int) -> CalendarDate {
        let date = calendar.date(byAdding: .day, value: days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// `YYYY-MM` of the month `monthsAgo` before this one.
    static func month(monthsAgo: Int) -> String {
        let date = calendar.date(byAdding: .month, value: -monthsAgo, to: Date())!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year!, parts.month!)
    }

    /// `YYYY-Qn` of the quarter `offset` quarters from this one.
    static func quarter(offset: Int) -> String {
        let date = calendar.date(byAdding: .month, value: 3 * offset, to: Date())!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return "\(parts.year!)-Q\((parts.month! - 1) / 3 + 1)"
    }

    /// Whole days from the first day of the quarter `offset` quarters from this one to today.
    static func daysSinceQuarterStart(offset: Int) -> Int {
        let date = calendar.date(byAdding: .month, value: 3 * offset, to: Date())!
        let parts = calendar.dateComponents([.year, .month], from: date)
        let start = calendar.date(from: DateComponents(year: parts.year, month: (parts.month! - 1) / 3 * 3 + 1, day: 1))!
        return calendar.dateComponents([.day], from: start, to: calendar.startOfDay(for: Date())).day!
    }
}
