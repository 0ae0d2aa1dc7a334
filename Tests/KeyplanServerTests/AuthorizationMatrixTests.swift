import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Every method of the authorization policy × every kind of caller, over two tenants with two
/// accounts each, against a real server. The methods come from the policy table: a method added
/// to it without a scenario here fails the test.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    typealias Scenario = @Sendable (TwoTenantWorld, KeyplanClient, MatrixCaller) async throws -> Void

    /// How to call each method for the matrix (always about acme's account A where an account is named).
    static let scenarios: [MethodDescriptor: Scenario] = [
        ServerHealth.check.descriptor: { _, client, _ in _ = try await client.call(ServerHealth.check, ServerHealth.Request()) },
        Reflection.listMethods.descriptor: { _, client, _ in _ = try await client.call(Reflection.listMethods, []) },
        AuthService.signIn.descriptor: { _, client, _ in
            _ = try await client.signIn(tenantSlug: "acme", email: "marketing@acme.example", password: TwoTenantWorld.password)
        },
        AuthService.signOut.descriptor: { _, client, _ in try await client.signOut() },
        AuthService.whoAmI.descriptor: { _, client, _ in _ = try await client.whoAmI() },
        AuthService.resetPassword.descriptor: { world, client, _ in
            try await client.resetPassword(token: try await world.freshPasswordReset(), newPassword: TwoTenantWorld.password)
        },
        // To the same password: the sign-in scenarios that follow still know it.
        AuthService.changePassword.descriptor: { _, client, caller in
            let password = caller == .admin ? "admin-password" : TwoTenantWorld.password
            try await client.changePassword(current: password, new: password)
        },
        UsersService.create.descriptor: { _, client, _ in
            _ = try await client.createUser(
                CreateUserRequest(email: "\(UUID().uuidString.lowercased())@acme.example", displayName: "New", role: .seller))
        },
        UsersService.list.descriptor: { _, client, _ in _ = try await client.listUsers() },
        UsersService.disable.descriptor: { world, client, _ in _ = try await client.disableUser(try await world.freshSeller()) },
        UsersService.resetPassword.descriptor: { world, client, _ in _ = try await client.resetPassword(userID: try await world.freshSeller()) },
        SessionsService.list.descriptor: { _, client, _ in _ = try await client.listSessions() },
        SessionsService.revoke.descriptor: { world, client, caller in
            try await client.revokeSession(try await world.freshCredential(.session, of: caller))
        },
        APIKeysService.create.descriptor: { world, client, caller in
            let role = world.server.roleOf(caller) ?? .seller
            _ = try await client.createAPIKey(CreateAPIKeyRequest(name: "automation", role: role))
        },
        APIKeysService.list.descriptor: { _, client, _ in _ = try await client.listAPIKeys() },
        APIKeysService.revoke.descriptor: { world, client, caller in
            try await client.revokeAPIKey(try await world.freshCredential(.apiKey, of: caller))
        },
        InvitationsService.create.descriptor: { world, client, _ in
            _ = try await client.createInvitation(
                CreateInvitationRequest(accountID: world.accountA, email: "new@buyer.example", role: .customerViewer))
        },
        InvitationsService.list.descriptor: { world, client, _ in _ = try await client.listInvitations(accountID: world.accountA) },
        InvitationsService.revoke.descriptor: { world, client, _ in
            try await client.revokeInvitation(accountID: world.accountA, invitationID: try await world.freshInvitation().id)
        },
        InvitationsService.accept.descriptor: { world, client, _ in
            _ = try await client.acceptInvitation(
                token: try await world.freshInvitation().token, password: TwoTenantWorld.password, displayName: "Invitee")
        },
        AccountsService.create.descriptor: { _, client, _ in
            _ = try await client.createAccount(CreateAccountRequest(name: "Account \(UUID())"))
        },
        AccountsService.list.descriptor: { _, client, _ in _ = try await client.listAccounts() },
        AccountsService.get.descriptor: { world, client, _ in _ = try await client.getAccount(world.accountA) },
        AccountsService.participants.descriptor: { world, client, _ in _ = try await client.participants(of: world.accountA) },
        AccountsService.addTeamMember.descriptor: { world, client, _ in
            try await client.addTeamMember(AddTeamMemberRequest(accountID: world.accountA, userID: world.spareSeller, role: .member))
        },
        AccountsService.removeMember.descriptor: { world, client, _ in
            let seller = try await world.freshSeller()
            try await world.server.inTenant(world.acme) {
                try await AccountRepository(transaction: $0).setTeamMember(
                    tenantID: world.acme, accountID: world.accountA, userID: seller, role: .member)
            }
            try await client.removeMember(RemoveMemberRequest(accountID: world.accountA, userID: seller))
        },
        AuditService.list.descriptor: { _, client, _ in _ = try await client.listAudit() },
        PortfolioService.updateProfile.descriptor: { world, client, _ in
            _ = try await client.updateProfile(UpdateProfileRequest(accountID: world.accountA, industry: "Manufacturing"))
        },
        PortfolioService.assess.descriptor: { world, client, _ in
            _ = try await client.assess(
                AssessRequest(accountID: world.accountA, answers: AssessmentAnswers(value: [3, 4, 5], relationship: [2, 3, 4, 5, 1])))
        },
        PortfolioService.assessments.descriptor: { world, client, _ in _ = try await client.assessments(of: world.accountA) },
        PortfolioService.recordRevenue.descriptor: { world, client, _ in
            _ = try await client.recordRevenue(RecordRevenueRequest(accountID: world.accountA, period: "2026-03", amount: 1000))
        },
        PortfolioService.revenueHistory.descriptor: { world, client, _ in _ = try await client.revenueHistory(of: world.accountA) },
        PortfolioService.list.descriptor: { _, client, _ in _ = try await client.portfolio(PortfolioQuery()) },
        PortfolioService.pareto.descriptor: { _, client, _ in _ = try await client.pareto() },
        PortfolioService.settings.descriptor: { _, client, _ in _ = try await client.portfolioSettings() },
        PortfolioService.updateSettings.descriptor: { _, client, _ in _ = try await client.updatePortfolioSettings(.defaults) },
        ImportService.importRows.descriptor: { _, client, _ in
            let id = UUID().uuidString
            _ = try await client.importRows(.accounts, try CSVDocument(bytes: Array("Id,Name\n\(id),Imported \(id)\n".utf8)))
        },
        WorkspaceService.history.descriptor: { world, client, _ in _ = try await client.history(accountID: world.accountA, entityID: UUID()) },

        // Goals (#7).
        GoalsService.create.descriptor: { world, client, _ in
            _ = try await client.createGoal(accountID: world.accountA, GoalDraft(title: "Matrix goal"))
        },
        GoalsService.update.descriptor: { world, client, _ in
            let goal = try await world.freshGoal()
            _ = try await client.updateGoal(
                UpdateGoalRequest(accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version, title: "Renamed"))
        },
        GoalsService.setMetric.descriptor: { world, client, _ in
            let goal = try await world.freshGoal()
            _ = try await client.setGoalMetric(
                SetGoalMetricRequest(accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version, name: "Revenue", current: 5))
        },
        GoalsService.removeMetric.descriptor: { world, client, _ in
            let goal = try await world.freshGoal(metrics: [GoalMetric(name: "Revenue", unit: "EUR")])
            _ = try await client.removeGoalMetric(
                RemoveGoalMetricRequest(accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version, name: "Revenue"))
        },
        GoalsService.delete.descriptor: { world, client, _ in
            let goal = try await world.freshGoal()
            try await client.deleteGoal(accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version)
        },
        GoalsService.list.descriptor: { world, client, _ in _ = try await client.goals(accountID: world.accountA) },
        GoalsService.get.descriptor: { world, client, _ in
            _ = try await client.goal(accountID: world.accountA, goalID: try await world.freshGoal().id)
        },
        GoalsService.linkSolution.descriptor: { world, client, _ in
            _ = try await client.linkSolution(accountID: world.accountA, goalID: try await world.freshGoal().id, solution: "Analytics")
        },
        GoalsService.unlinkSolution.descriptor: { world, client, _ in
            _ = try await client.unlinkSolution(
                accountID: world.accountA, goalID: try await world.freshGoal(linking: "Analytics").id, solution: "Analytics")
        },
        CommentsService.add.descriptor: { world, client, _ in
            let goal = try await world.freshGoal()
            _ = try await client.addComment(
                AddCommentRequest(accountID: world.accountA, subject: CommentSubject(.goal, goal.id), body: "Looks right"))
        },
        CommentsService.list.descriptor: { world, client, _ in
            _ = try await client.comments(accountID: world.accountA, on: CommentSubject(.goal, try await world.freshGoal().id))
        },

        // The relationship map (#7).
        RelationshipMapService.addContact.descriptor: { world, client, _ in
            _ = try await client.addContact(AddContactRequest(accountID: world.accountA, fullName: "Dana Diaz", decisionRole: .decisionMaker))
        },
        RelationshipMapService.updateContact.descriptor: { world, client, _ in
            let contact = try await world.freshContact()
            _ = try await client.updateContact(
                UpdateContactRequest(accountID: world.accountA, contactID: contact.id, expectedVersion: 1, attitude: .supporter))
        },
        RelationshipMapService.removeContact.descriptor: { world, client, _ in
            let contact = try await world.freshContact()
            try await client.removeContact(RemoveContactRequest(accountID: world.accountA, contactID: contact.id, expectedVersion: contact.version))
        },
        RelationshipMapService.map.descriptor: { world, client, _ in _ = try await client.relationshipMap(of: world.accountA) },
        RelationshipMapService.setRelationship.descriptor: { world, client, _ in
            let contact = try await world.freshContact()
            _ = try await client.setRelationship(
                SetRelationshipRequest(accountID: world.accountA, contactID: contact.id, userID: try world.user(.teamMember), strength: .strong))
        },
        RelationshipMapService.removeRelationship.descriptor: { world, client, _ in
            let relationship = try await world.freshRelationship()
            try await client.removeRelationship(
                RemoveRelationshipRequest(
                    accountID: world.accountA, contactID: relationship.contactID, userID: relationship.userID, expectedVersion: relationship.version))
        },
        RelationshipMapService.coverageGaps.descriptor: { world, client, _ in _ = try await client.coverageGaps(of: world.accountA) },

        // Scorecards (#7). `respond` (Answer) is the account's customers' only.
        ScorecardsService.createTemplate.descriptor: { _, client, _ in
            _ = try await client.createScorecardTemplate(
                CreateTemplateRequest(name: "Template \(UUID())", criteria: [CriterionDraft(name: "Trust", weight: 1)]))
        },
        ScorecardsService.listTemplates.descriptor: { _, client, _ in _ = try await client.scorecardTemplates() },
        ScorecardsService.getTemplate.descriptor: { world, client, _ in
            _ = try await client.scorecardTemplate(try await world.freshScorecardTemplate().id)
        },
        ScorecardsService.archiveTemplate.descriptor: { world, client, _ in
            let template = try await world.freshScorecardTemplate()
            _ = try await client.archiveScorecardTemplate(template.id, expectedVersion: template.version)
        },
        ScorecardsService.openRound.descriptor: { world, client, _ in
            _ = try await client.openScoringRound(
                OpenRoundRequest(accountID: world.accountA, templateID: try await world.freshScorecardTemplate().id, period: "2026-Q4"))
        },
        ScorecardsService.closeRound.descriptor: { world, client, _ in
            _ = try await client.closeScoringRound(accountID: world.accountA, roundID: try await world.freshScoringRound().id, expectedVersion: 1)
        },
        ScorecardsService.listRounds.descriptor: { world, client, _ in _ = try await client.scoringRounds(accountID: world.accountA) },
        ScorecardsService.getRound.descriptor: { world, client, _ in
            _ = try await client.scoringRound(accountID: world.accountA, roundID: try await world.freshScoringRound().id)
        },
        ScorecardsService.answer.descriptor: { world, client, _ in
            let round = try await world.freshScoringRound()
            _ = try await client.answerScorecard(
                AnswerRequest(accountID: world.accountA, roundID: round.id, answers: [CriterionScore(criterionID: round.criterionID, score: 7)]))
        },
        ScorecardsService.results.descriptor: { world, client, _ in
            _ = try await client.scorecardResults(accountID: world.accountA, roundID: try await world.freshScoringRound().id)
        },
        ScorecardsService.trend.descriptor: { world, client, _ in
            _ = try await client.scorecardTrend(accountID: world.accountA, templateID: try await world.freshScorecardTemplate().id)
        },

        // The action plan (#7).
        ActionPlanService.createAction.descriptor: { world, client, _ in
            _ = try await client.createAction(CreateActionRequest(accountID: world.accountA, title: "Matrix action", shared: true))
        },
        ActionPlanService.updateAction.descriptor: { world, client, _ in
            let id = try await world.freshAction(shared: true)
            _ = try await client.updateAction(UpdateActionRequest(accountID: world.accountA, actionID: id, expectedVersion: 1, status: .inProgress))
        },
        ActionPlanService.deleteAction.descriptor: { world, client, _ in
            try await client.deleteAction(
                DeleteActionRequest(accountID: world.accountA, actionID: try await world.freshAction(shared: true), expectedVersion: 1))
        },
        ActionPlanService.listActions.descriptor: { world, client, _ in
            _ = try await client.listActions(ListActionsRequest(accountID: world.accountA))
        },
        ActionPlanService.getAction.descriptor: { world, client, _ in
            _ = try await client.getAction(accountID: world.accountA, actionID: try await world.freshAction(shared: true))
        },
        ActionPlanService.addProcessStep.descriptor: { world, client, _ in
            _ = try await client.addProcessStep(AddProcessStepRequest(accountID: world.accountA, activity: "Matrix step", side: .joint))
        },
        ActionPlanService.updateProcessStep.descriptor: { world, client, _ in
            _ = try await client.updateProcessStep(
                UpdateProcessStepRequest(
                    accountID: world.accountA, stepID: try await world.freshProcessStep(), expectedVersion: 1, activity: "Renamed step"))
        },
        ActionPlanService.removeProcessStep.descriptor: { world, client, _ in
            try await client.removeProcessStep(
                RemoveProcessStepRequest(accountID: world.accountA, stepID: try await world.freshProcessStep(), expectedVersion: 1))
        },
        ActionPlanService.processMap.descriptor: { world, client, _ in _ = try await client.processMap(of: world.accountA) },
        ActionPlanService.addAgendaItem.descriptor: { world, client, _ in
            _ = try await client.addAgendaItem(
                AddAgendaItemRequest(accountID: world.accountA, reviewID: try await world.freshReview(), title: "Matrix"))
        },
        ActionPlanService.removeAgendaItem.descriptor: { world, client, _ in
            let (review, item) = try await world.freshAgendaItem()
            _ = try await client.removeAgendaItem(accountID: world.accountA, reviewID: review, itemID: item)
        },
        ActionPlanService.addFollowUp.descriptor: { world, client, _ in
            _ = try await client.addFollowUp(
                AddFollowUpRequest(accountID: world.accountA, reviewID: try await world.freshReview(), title: "Follow up"))
        },
        ActionPlanService.signOffReview.descriptor: { world, client, _ in
            _ = try await client.signOffReview(accountID: world.accountA, reviewID: try await world.freshReview(), expectedVersion: 1)
        },
        JourneyService.get.descriptor: { world, client, _ in _ = try await client.journey(of: world.accountA) },
        JourneyService.start.descriptor: { world, client, _ in
            // Only an empty journey can be started: the account's stages are removed first.
            try await world.clearJourney()
            _ = try await client.startJourney(StartJourneyRequest(accountID: world.accountA, stages: ["Need", "Choice"]))
        },
        JourneyService.addStage.descriptor: { world, client, _ in
            _ = try await client.addBuyingStage(AddBuyingStageRequest(accountID: world.accountA, name: "Matrix stage \(UUID())"))
        },
        JourneyService.updateStage.descriptor: { world, client, _ in
            _ = try await client.updateBuyingStage(
                UpdateBuyingStageRequest(
                    accountID: world.accountA, stageID: try await world.freshBuyingStage(), expectedVersion: 1, criteria: "A pilot"))
        },
        JourneyService.removeStage.descriptor: { world, client, _ in
            try await client.removeBuyingStage(accountID: world.accountA, stageID: try await world.freshBuyingStage(), expectedVersion: 1)
        },
        ActionPlanService.recordReview.descriptor: { world, client, _ in
            _ = try await client.recordReview(RecordReviewRequest(accountID: world.accountA, heldOn: try calendarDate("2026-11-02")))
        },
        ActionPlanService.updateReview.descriptor: { world, client, _ in
            let id = try await world.freshReview()
            _ = try await client.updateReview(UpdateReviewRequest(accountID: world.accountA, reviewID: id, expectedVersion: 1, notes: "Matrix"))
        },
        ActionPlanService.listReviews.descriptor: { world, client, _ in _ = try await client.listReviews(of: world.accountA) },

        // The whitespace map (#20).
        WhitespaceService.createSolution.descriptor: { _, client, _ in
            _ = try await client.createSolution(CreateSolutionRequest(name: "Solution \(UUID())"))
        },
        WhitespaceService.updateSolution.descriptor: { world, client, _ in
            let solution = try await world.freshSolution()
            _ = try await client.updateSolution(UpdateSolutionRequest(solutionID: solution.id, expectedVersion: 1, description: "Matrix"))
        },
        WhitespaceService.listSolutions.descriptor: { _, client, _ in _ = try await client.solutions() },
        WhitespaceService.createCell.descriptor: { world, client, _ in
            let solution = try await world.freshSolution()
            _ = try await client.createWhitespaceCell(
                CreateWhitespaceCellRequest(accountID: world.accountA, businessUnit: "Matrix", solutionID: solution.id))
        },
        WhitespaceService.updateCell.descriptor: { world, client, _ in
            let id = try await world.freshWhitespaceCell(shared: true)
            _ = try await client.updateWhitespaceCell(
                UpdateWhitespaceCellRequest(accountID: world.accountA, cellID: id, expectedVersion: 1, status: .opportunity))
        },
        WhitespaceService.deleteCell.descriptor: { world, client, _ in
            let id = try await world.freshWhitespaceCell(shared: true)
            try await client.deleteWhitespaceCell(DeleteWhitespaceCellRequest(accountID: world.accountA, cellID: id, expectedVersion: 1))
        },
        WhitespaceService.grid.descriptor: { world, client, _ in _ = try await client.whitespace(of: world.accountA) },
        WhitespaceService.rollup.descriptor: { _, client, _ in _ = try await client.whitespaceRollup() },

        // Live updates, activity and notifications (#7).
        WorkspaceService.watch.descriptor: { world, client, _ in
            // Replays a shared change (one every caller in scope may see), so the stream yields and ends.
            let id = try await world.journalChange(.shared, "matrix")
            try await client.watch(accountID: world.accountA, after: id - 1) { changes in _ = try await changes.next() }
        },
        WorkspaceService.activity.descriptor: { world, client, _ in _ = try await client.activity(accountID: world.accountA) },
        NotificationsService.list.descriptor: { _, client, _ in _ = try await client.notifications() },
        NotificationsService.acknowledge.descriptor: { world, client, caller in
            try await client.acknowledgeNotifications([try await world.freshNotification(for: caller)])
        },
        NotificationsService.claim.descriptor: { _, client, _ in _ = try await client.claimNotifications(limit: 1) },
        NotificationsService.confirmDelivery.descriptor: { world, client, _ in
            try await client.confirmDelivery([try await world.freshNotification(for: .leader)])
        },
        NotificationsService.settings.descriptor: { _, client, _ in _ = try await client.notificationSettings() },
        NotificationsService.updateSettings.descriptor: { _, client, _ in _ = try await client.updateNotificationSettings(NotificationSettings()) },
        NotificationsService.unsubscribe.descriptor: { world, client, _ in
            try await client.unsubscribe(token: try await world.freshUnsubscribeToken())
        },
        MailService.list.descriptor: { _, client, _ in _ = try await client.mail() },
        MailService.retry.descriptor: { world, client, _ in _ = try await client.retryMail(try await world.freshFailedMail()) },

        HealthService.get.descriptor: { world, client, _ in _ = try await client.health(of: world.accountA) },
        HealthService.risks.descriptor: { _, client, _ in _ = try await client.risks() },
        HealthService.settings.descriptor: { _, client, _ in _ = try await client.healthSettings() },
        HealthService.updateSettings.descriptor: { _, client, _ in _ = try await client.updateHealthSettings(.defaults) },
        CoachingService.list.descriptor: { _, client, _ in _ = try await client.coaching() },
        AnalyticsService.portfolio.descriptor: { _, client, _ in _ = try await client.portfolioAnalytics(objective: .retention) },
        AnalyticsService.byObjective.descriptor: { _, client, _ in _ = try await client.analyticsByObjective() },
        ExportService.accounts.descriptor: { _, client, _ in _ = try await client.exportAccounts() },
        ExportService.plan.descriptor: { world, client, _ in _ = try await client.exportPlan(of: world.accountA, view: .seller) },
        ExportService.customerPlan.descriptor: { world, client, _ in _ = try await client.exportPlan(of: world.accountA, view: .customer) },

        // Webhooks (#19). Endpoints the matrix makes lead to addresses refused at delivery (or are
        // removed at once), so no request leaves the machine.
        WebhooksService.create.descriptor: { _, client, _ in
            let created = try await client.createWebhook(
                CreateWebhookRequest(name: "matrix \(UUID())", url: "https://hooks.example.com/keyplan", eventKinds: [.goalChanged]))
            try await client.removeWebhook(created.endpoint.id)
        },
        WebhooksService.list.descriptor: { _, client, _ in _ = try await client.listWebhooks() },
        WebhooksService.remove.descriptor: { world, client, _ in
            try await client.removeWebhook(try await world.insertWebhook(url: "https://10.0.0.1/"))
        },
        WebhooksService.test.descriptor: { world, client, _ in
            _ = try await client.testWebhook(try await world.insertWebhook(url: "https://10.0.0.1/"))
        },
        WebhooksService.deliveries.descriptor: { world, client, _ in
            _ = try await client.webhookDeliveries(ListWebhookDeliveriesRequest(endpointID: try await world.insertWebhook(url: "https://10.0.0.1/")))
        },
        WebhooksService.rotateSecret.descriptor: { world, client, _ in
            _ = try await client.rotateWebhookSecret(try await world.insertWebhook(url: "https://10.0.0.1/"))
        },
    ]

    /// The answer a caller must get under a rule: the reference model the server is checked against.
    static func expected(_ rule: AccessRule, _ caller: MatrixCaller) -> StatusCode {
        switch caller {
        case .anonymous, .expiredToken, .revokedToken:
            return rule == .anonymous ? .ok : .unauthenticated
        default:
            break
        }
        switch rule {
        case .anonymous, .authenticated:
            return .ok
        case .tenantRoles(let roles):
            guard let role = roleOf(caller) else { return .permissionDenied }
            return roles.contains(role) ? .ok : .permissionDenied
        case .account(let access):
            // Account A of acme: who has which access, written out by hand.
            let granted: Set<AccountAccess>?
            switch caller {
            case .admin, .sellerOnTeam: granted = Set(AccountAccess.allCases).subtracting([.respond])  // seller-on owns A
            case .teamMember: granted = [.read, .readInternal, .collaborate, .edit]
            case .leader, .marketing: granted = [.read, .readInternal]
            case .customerViewer: granted = [.read, .respond]
            case .customerEditor: granted = [.read, .respond, .collaborate]
            case .sellerOffTeam, .otherTenantCustomer: granted = nil
            case .anonymous, .expiredToken, .revokedToken: granted = nil
            }
            guard let granted else { return .notFound }
            return granted.contains(access) ? .ok : .permissionDenied
        }
    }

    static func roleOf(_ caller: MatrixCaller) -> TenantRole? {
        switch caller {
        case .admin: .admin
        case .leader: .leader
        case .sellerOnTeam, .teamMember, .sellerOffTeam: .seller
        case .marketing: .marketing
        default: nil
        }
    }

    @Test func everyMethodHasAScenario() throws {
        let missing = AuthorizationPolicy.keyplan.rules.keys.filter { Self.scenarios[$0] == nil }
        #expect(missing.isEmpty, "methods in the policy without a matrix scenario: \(missing)")
    }

    @Test func everyMethodTheServerAnswersIsInThePolicy() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let listed = try await server.client(admin.token).call(Reflection.listMethods, []).methods
            let answered = Set(listed.map { MethodDescriptor(service: $0.service, method: $0.method) })
            #expect(answered.count == listed.count && !answered.isEmpty)
            #expect(answered == Set(AuthorizationPolicy.keyplan.rules.keys))
        }
    }

    @Test func everyMethodAnswersEveryCallerAsThePolicySays() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            var cells = 0
            var answers: [StatusCode: Int] = [:]
            for (method, rule) in AuthorizationPolicy.keyplan.rules.sorted(by: { $0.key.fullName < $1.key.fullName }) {
                let scenario = try #require(Self.scenarios[method], "no scenario for \(method)")
                for caller in MatrixCaller.allCases {
                    let client = try await world.client(for: caller)
                    let code = await statusCode { try await scenario(world, client, caller) }
                    let expected = Self.expected(rule, caller)
                    #expect(code == expected, "\(method) as \(caller)")
                    answers[expected, default: 0] += 1
                    cells += 1
                }
            }
            #expect(cells == AuthorizationPolicy.keyplan.rules.count * MatrixCaller.allCases.count)
            // The matrix exercises every kind of answer.
            for code in [StatusCode.ok, .notFound, .permissionDenied, .unauthenticated] {
                #expect(answers[code, default: 0] > 0, "no cell answers \(code)")
            }
        }
    }
}

extension IdentityTestServer {
    func roleOf(_ caller: MatrixCaller) -> TenantRole? { AuthorizationMatrixTests.roleOf(caller) }
}
