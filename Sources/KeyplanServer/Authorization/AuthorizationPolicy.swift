import KeyplanAPI
import KeyplanRPC

/// Who may call a method.
public enum AccessRule: Sendable, Hashable {
    /// Anyone, even without a credential (sign-in, accepting an invitation, health).
    case anonymous
    /// Any valid credential, seller or customer.
    case authenticated
    /// Sellers with one of these tenant roles; customers are refused.
    case tenantRoles(Set<TenantRole>)
    /// A caller with this access to the account the request names (the request is
    /// ``AccountScoped``). Without read access the account is out of scope: NOT_FOUND.
    case account(AccountAccess)
}

/// Levels of access to one account workspace; each needs the account in the caller's scope (`read`).
public enum AccountAccess: String, Sendable, Hashable, CaseIterable {
    /// In scope: admins, leaders and marketing (every account), the account's team, its invited customers.
    case read
    /// Reading seller-internal data (assessments): admins, leaders, marketing and the team —
    /// the sellers in scope, never a customer.
    case readInternal
    /// Answering as the customer (scorecards): the account's invited customers, editors and viewers.
    case respond
    /// Co-editing shared content: admins, the team, customer editors.
    case collaborate
    /// Seller-side editing (invitations, internal fields): admins and the team.
    case edit
    /// Managing the team: admins and the account's owners.
    case manage
}

/// The one table that says who may call each method. The authentication interceptor refuses a
/// method it does not list, and ``KeyplanServices`` refuses to start with a registered method it
/// does not list, so a new method cannot slip past it.
public struct AuthorizationPolicy: Sendable {
    public let rules: [MethodDescriptor: AccessRule]

    public init(rules: [MethodDescriptor: AccessRule]) {
        self.rules = rules
    }

    /// The rule for a method; `nil` means nobody may call it.
    public func rule(for method: MethodDescriptor) -> AccessRule? {
        rules[method]
    }

    /// Keyplan's policy.
    public static let keyplan = AuthorizationPolicy(rules: [
        Health.check.descriptor: .anonymous,
        Reflection.listMethods.descriptor: .authenticated,

        AuthService.signIn.descriptor: .anonymous,
        AuthService.signOut.descriptor: .authenticated,
        AuthService.whoAmI.descriptor: .authenticated,

        UsersService.create.descriptor: .tenantRoles([.admin]),
        UsersService.list.descriptor: .tenantRoles([.admin]),
        UsersService.disable.descriptor: .tenantRoles([.admin]),

        // Own credentials; an admin's `allUsers` and revocations reach the whole tenant.
        SessionsService.list.descriptor: .authenticated,
        SessionsService.revoke.descriptor: .authenticated,
        APIKeysService.create.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        APIKeysService.list.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        APIKeysService.revoke.descriptor: .tenantRoles(Set(TenantRole.allCases)),

        InvitationsService.create.descriptor: .account(.edit),
        InvitationsService.list.descriptor: .account(.edit),
        InvitationsService.revoke.descriptor: .account(.edit),
        InvitationsService.accept.descriptor: .anonymous,

        AccountsService.create.descriptor: .tenantRoles([.admin, .leader, .seller]),
        AccountsService.list.descriptor: .authenticated,
        AccountsService.get.descriptor: .account(.read),
        AccountsService.addTeamMember.descriptor: .account(.manage),
        AccountsService.removeMember.descriptor: .account(.manage),

        AuditService.list.descriptor: .tenantRoles([.admin]),

        // The portfolio is seller-internal. A seller's portfolio lists their team's accounts.
        PortfolioService.updateProfile.descriptor: .account(.edit),
        PortfolioService.assess.descriptor: .account(.edit),
        PortfolioService.assessments.descriptor: .account(.readInternal),
        PortfolioService.recordRevenue.descriptor: .account(.edit),
        PortfolioService.revenueHistory.descriptor: .account(.readInternal),
        PortfolioService.list.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        PortfolioService.pareto.descriptor: .tenantRoles([.admin, .leader, .marketing]),
        PortfolioService.settings.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        PortfolioService.updateSettings.descriptor: .tenantRoles([.admin]),
        // An import creates and updates accounts across the tenant.
        ImportService.importRows.descriptor: .tenantRoles([.admin, .leader]),

        // The shared workspace. A customer's answers are filtered to what is shared.
        WorkspaceService.history.descriptor: .account(.read),

        // Goals (#7).
        // Goals are shared: everyone on the account reads them, sellers and customer editors co-edit them.
        GoalsService.create.descriptor: .account(.collaborate),
        GoalsService.update.descriptor: .account(.collaborate),
        GoalsService.delete.descriptor: .account(.collaborate),
        GoalsService.list.descriptor: .account(.read),
        GoalsService.get.descriptor: .account(.read),
        // Which of our solutions serve a goal is the sellers' word.
        GoalsService.linkSolution.descriptor: .account(.edit),
        GoalsService.unlinkSolution.descriptor: .account(.edit),
        // Comments from both sides; a customer's list holds shared comments on what they can see.
        CommentsService.add.descriptor: .account(.collaborate),
        CommentsService.list.descriptor: .account(.read),

        // The relationship map (#7): seller-internal.
        RelationshipMapService.addContact.descriptor: .account(.edit),
        RelationshipMapService.updateContact.descriptor: .account(.edit),
        RelationshipMapService.removeContact.descriptor: .account(.edit),
        RelationshipMapService.map.descriptor: .account(.readInternal),
        RelationshipMapService.setRelationship.descriptor: .account(.edit),
        RelationshipMapService.removeRelationship.descriptor: .account(.edit),
        RelationshipMapService.coverageGaps.descriptor: .account(.readInternal),

        // Scorecards (#7). Admins define templates; every seller reads them. Customers see
        // rounds and answer (`respond`: the account's customers only); results are seller-internal.
        ScorecardsService.createTemplate.descriptor: .tenantRoles([.admin]),
        ScorecardsService.listTemplates.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        ScorecardsService.getTemplate.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        ScorecardsService.archiveTemplate.descriptor: .tenantRoles([.admin]),
        ScorecardsService.openRound.descriptor: .account(.edit),
        ScorecardsService.closeRound.descriptor: .account(.edit),
        ScorecardsService.listRounds.descriptor: .account(.read),
        ScorecardsService.getRound.descriptor: .account(.read),
        ScorecardsService.answer.descriptor: .account(.respond),
        ScorecardsService.results.descriptor: .account(.readInternal),
        ScorecardsService.trend.descriptor: .account(.readInternal),

        // The action plan, process map and roadmap reviews (#7).
        // Customers read the shared part; customer editors also create and update shared
        // actions (the handler holds them to the mutual plan); sellers do everything else.
        ActionPlanService.createAction.descriptor: .account(.collaborate),
        ActionPlanService.updateAction.descriptor: .account(.collaborate),
        ActionPlanService.deleteAction.descriptor: .account(.edit),
        ActionPlanService.listActions.descriptor: .account(.read),
        ActionPlanService.getAction.descriptor: .account(.read),
        ActionPlanService.setProcessStep.descriptor: .account(.edit),
        ActionPlanService.removeProcessStep.descriptor: .account(.edit),
        ActionPlanService.processMap.descriptor: .account(.read),
        ActionPlanService.recordReview.descriptor: .account(.edit),
        ActionPlanService.updateReview.descriptor: .account(.edit),
        ActionPlanService.listReviews.descriptor: .account(.read),

        // Live updates, activity and notifications (#7). Each watcher and feed reader sees
        // what its role may; notifications are the caller's own, and an integration (an admin,
        // e.g. its API key) drains the tenant's outbox.
        WorkspaceService.watch.descriptor: .account(.read),
        WorkspaceService.activity.descriptor: .account(.read),
        NotificationsService.list.descriptor: .authenticated,
        NotificationsService.acknowledge.descriptor: .authenticated,
        NotificationsService.claim.descriptor: .tenantRoles([.admin]),
        NotificationsService.confirmDelivery.descriptor: .tenantRoles([.admin]),

        // Health and risk: seller-internal. A seller's risk list holds their team's accounts.
        HealthService.get.descriptor: .account(.readInternal),
        HealthService.risks.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        HealthService.settings.descriptor: .tenantRoles(Set(TenantRole.allCases)),
        HealthService.updateSettings.descriptor: .tenantRoles([.admin]),
        CoachingService.list.descriptor: .tenantRoles([.admin, .leader]),
        AnalyticsService.portfolio.descriptor: .tenantRoles([.admin, .leader, .marketing]),
    ])
}
