public import KeyplanAPI
public import KeyplanRPC

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
///
/// Each method's entry also says, in a few words, what calling it does ("see the relationship
/// map"), so that a refusal tells the caller in their terms who may do it.
public struct AuthorizationPolicy: Sendable {
    public let rules: [MethodDescriptor: AccessRule]
    /// What calling each method does, for refusals: "list users".
    public let purposes: [MethodDescriptor: String]

    /// One method's rule and purpose.
    public struct Entry: Sendable {
        public var method: MethodDescriptor
        public var rule: AccessRule
        public var purpose: String

        public init<Request, Response>(_ method: RPCMethod<Request, Response>, _ rule: AccessRule, to purpose: String) {
            self.method = method.descriptor
            self.rule = rule
            self.purpose = purpose
        }
    }

    public init(rules: [MethodDescriptor: AccessRule], purposes: [MethodDescriptor: String] = [:]) {
        self.rules = rules
        self.purposes = purposes
    }

    public init(_ entries: [Entry]) {
        var rules: [MethodDescriptor: AccessRule] = [:], purposes: [MethodDescriptor: String] = [:]
        for entry in entries {
            precondition(rules.updateValue(entry.rule, forKey: entry.method) == nil, "\(entry.method) is in the policy twice")
            purposes[entry.method] = entry.purpose
        }
        self.init(rules: rules, purposes: purposes)
    }

    /// The rule for a method; `nil` means nobody may call it.
    public func rule(for method: MethodDescriptor) -> AccessRule? {
        rules[method]
    }

    /// What calling `method` does, in words ("list users"); its name when the policy has none.
    public func purpose(of method: MethodDescriptor) -> String {
        purposes[method] ?? "call \(method)"
    }

    /// Keyplan's policy.
    public static let keyplan = AuthorizationPolicy([
        .init(ServerHealth.check, .anonymous, to: "check the server's health"),
        .init(Reflection.listMethods, .authenticated, to: "list the server's methods"),

        .init(AuthService.signIn, .anonymous, to: "sign in"),
        .init(AuthService.signOut, .authenticated, to: "sign out"),
        .init(AuthService.whoAmI, .authenticated, to: "see who you are"),
        .init(AuthService.changePassword, .authenticated, to: "change your own password"),
        .init(AuthService.resetPassword, .anonymous, to: "choose a new password with a mailed link"),

        .init(UsersService.create, .tenantRoles([.admin]), to: "create users"),
        .init(UsersService.list, .tenantRoles([.admin]), to: "list users"),
        .init(UsersService.disable, .tenantRoles([.admin]), to: "disable users"),
        .init(UsersService.resetPassword, .tenantRoles([.admin]), to: "reset users' passwords"),

        // Own credentials; an admin's `allUsers` and revocations reach the whole tenant.
        .init(SessionsService.list, .authenticated, to: "list sessions"),
        .init(SessionsService.revoke, .authenticated, to: "revoke sessions"),
        .init(APIKeysService.create, .tenantRoles(Set(TenantRole.allCases)), to: "create API keys"),
        .init(APIKeysService.list, .tenantRoles(Set(TenantRole.allCases)), to: "list API keys"),
        .init(APIKeysService.revoke, .tenantRoles(Set(TenantRole.allCases)), to: "revoke API keys"),

        .init(InvitationsService.create, .account(.edit), to: "invite people to this account"),
        .init(InvitationsService.list, .account(.edit), to: "see this account's invitations"),
        .init(InvitationsService.revoke, .account(.edit), to: "revoke invitations"),
        .init(InvitationsService.accept, .anonymous, to: "accept an invitation"),

        .init(AccountsService.create, .tenantRoles([.admin, .leader, .seller]), to: "create accounts"),
        .init(AccountsService.list, .authenticated, to: "list accounts"),
        .init(AccountsService.get, .account(.read), to: "see this account"),
        .init(AccountsService.participants, .account(.read), to: "see who takes part in this account"),
        .init(AccountsService.addTeamMember, .account(.manage), to: "change this account's team"),
        .init(AccountsService.removeMember, .account(.manage), to: "take people off this account"),

        .init(AuditService.list, .tenantRoles([.admin]), to: "read the audit log"),

        // The portfolio is seller-internal. A seller's portfolio lists their team's accounts.
        .init(PortfolioService.updateProfile, .account(.edit), to: "change this account's profile"),
        .init(PortfolioService.assess, .account(.edit), to: "assess this account"),
        .init(PortfolioService.assessments, .account(.readInternal), to: "see this account's assessments"),
        .init(PortfolioService.recordRevenue, .account(.edit), to: "record this account's revenue"),
        .init(PortfolioService.revenueHistory, .account(.readInternal), to: "see this account's revenue"),
        .init(PortfolioService.list, .tenantRoles(Set(TenantRole.allCases)), to: "see the portfolio"),
        .init(PortfolioService.pareto, .tenantRoles([.admin, .leader, .marketing]), to: "see the revenue concentration (pareto)"),
        .init(PortfolioService.settings, .tenantRoles(Set(TenantRole.allCases)), to: "see the portfolio settings"),
        .init(PortfolioService.updateSettings, .tenantRoles([.admin]), to: "change the portfolio settings"),
        // An import creates and updates accounts across the tenant.
        .init(ImportService.importRows, .tenantRoles([.admin, .leader]), to: "import accounts and contacts"),

        // The shared workspace. A customer's answers are filtered to what is shared.
        .init(WorkspaceService.history, .account(.read), to: "see this record's history"),

        // Goals (#7).
        // Goals are shared: everyone on the account reads them, sellers and customer editors co-edit them.
        .init(GoalsService.create, .account(.collaborate), to: "add goals"),
        .init(GoalsService.update, .account(.collaborate), to: "change goals"),
        .init(GoalsService.setMetric, .account(.collaborate), to: "change goal metrics"),
        .init(GoalsService.removeMetric, .account(.collaborate), to: "remove goal metrics"),
        .init(GoalsService.delete, .account(.collaborate), to: "delete goals"),
        .init(GoalsService.list, .account(.read), to: "see the goals"),
        .init(GoalsService.get, .account(.read), to: "see the goals"),
        // Which of our solutions serve a goal is the sellers' word.
        .init(GoalsService.linkSolution, .account(.edit), to: "link our solutions to goals"),
        .init(GoalsService.unlinkSolution, .account(.edit), to: "unlink solutions from goals"),
        // Comments from both sides; a customer's list holds shared comments on what they can see.
        .init(CommentsService.add, .account(.collaborate), to: "comment"),
        .init(CommentsService.list, .account(.read), to: "read the comments"),

        // The relationship map (#7): seller-internal.
        .init(RelationshipMapService.addContact, .account(.edit), to: "add contacts to the relationship map"),
        .init(RelationshipMapService.updateContact, .account(.edit), to: "change the relationship map"),
        .init(RelationshipMapService.removeContact, .account(.edit), to: "remove contacts from the relationship map"),
        .init(RelationshipMapService.map, .account(.readInternal), to: "see the relationship map"),
        .init(RelationshipMapService.setRelationship, .account(.edit), to: "record relationships"),
        .init(RelationshipMapService.removeRelationship, .account(.edit), to: "remove relationships"),
        .init(RelationshipMapService.coverageGaps, .account(.readInternal), to: "see the relationship map's coverage"),

        // Scorecards (#7). Admins define templates; every seller reads them. Customers see
        // rounds and answer (`respond`: the account's customers only); results are seller-internal.
        .init(ScorecardsService.createTemplate, .tenantRoles([.admin]), to: "create scorecard templates"),
        .init(ScorecardsService.listTemplates, .tenantRoles(Set(TenantRole.allCases)), to: "see the scorecard templates"),
        .init(ScorecardsService.getTemplate, .tenantRoles(Set(TenantRole.allCases)), to: "see the scorecard templates"),
        .init(ScorecardsService.archiveTemplate, .tenantRoles([.admin]), to: "archive scorecard templates"),
        .init(ScorecardsService.openRound, .account(.edit), to: "open scoring rounds"),
        .init(ScorecardsService.closeRound, .account(.edit), to: "close scoring rounds"),
        .init(ScorecardsService.listRounds, .account(.read), to: "see the scoring rounds"),
        .init(ScorecardsService.getRound, .account(.read), to: "see the scoring rounds"),
        .init(ScorecardsService.answer, .account(.respond), to: "answer scorecards"),
        .init(ScorecardsService.results, .account(.readInternal), to: "see scorecard results"),
        .init(ScorecardsService.trend, .account(.readInternal), to: "see scorecard trends"),

        // The action plan, process map and roadmap reviews (#7).
        // Customers read the shared part; customer editors also create and update shared
        // actions (the handler holds them to the mutual plan); sellers do everything else.
        .init(ActionPlanService.createAction, .account(.collaborate), to: "add actions"),
        .init(ActionPlanService.updateAction, .account(.collaborate), to: "change actions"),
        .init(ActionPlanService.deleteAction, .account(.edit), to: "delete actions"),
        .init(ActionPlanService.listActions, .account(.read), to: "see the action plan"),
        .init(ActionPlanService.getAction, .account(.read), to: "see the action plan"),
        .init(ActionPlanService.addProcessStep, .account(.edit), to: "change the process map"),
        .init(ActionPlanService.updateProcessStep, .account(.edit), to: "change the process map"),
        .init(ActionPlanService.removeProcessStep, .account(.edit), to: "change the process map"),
        .init(ActionPlanService.processMap, .account(.read), to: "see the process map"),
        .init(ActionPlanService.recordReview, .account(.edit), to: "record roadmap reviews"),
        .init(ActionPlanService.updateReview, .account(.edit), to: "change roadmap reviews"),
        .init(ActionPlanService.listReviews, .account(.read), to: "see the roadmap reviews"),
        .init(ActionPlanService.addAgendaItem, .account(.collaborate), to: "build a review's agenda"),
        .init(ActionPlanService.removeAgendaItem, .account(.collaborate), to: "build a review's agenda"),
        .init(ActionPlanService.addFollowUp, .account(.edit), to: "record a review's follow-ups"),
        .init(ActionPlanService.signOffReview, .account(.respond), to: "sign off a review as the customer"),
        .init(JourneyService.get, .account(.read), to: "see the buyer's journey"),
        .init(JourneyService.start, .account(.collaborate), to: "map the buyer's journey"),
        .init(JourneyService.addStage, .account(.collaborate), to: "map the buyer's journey"),
        .init(JourneyService.updateStage, .account(.collaborate), to: "map the buyer's journey"),
        .init(JourneyService.removeStage, .account(.collaborate), to: "map the buyer's journey"),

        // The whitespace map (#20). Admins, leaders and marketing keep the solutions catalogue,
        // every seller reads it. The team writes an account's cells; everyone in scope reads the
        // grid, a customer (editor or viewer) only its shared cells, without their internal fields
        // (status, provider, competitor, value, contract end, note, opportunities). The roll-up of
        // potential across accounts is for those who see the whole tenant, as analytics are.
        .init(WhitespaceService.createSolution, .tenantRoles([.admin, .leader, .marketing]), to: "add solutions to the catalogue"),
        .init(WhitespaceService.updateSolution, .tenantRoles([.admin, .leader, .marketing]), to: "change the solutions catalogue"),
        .init(WhitespaceService.listSolutions, .tenantRoles(Set(TenantRole.allCases)), to: "see the solutions catalogue"),
        .init(WhitespaceService.createCell, .account(.edit), to: "add to the whitespace map"),
        .init(WhitespaceService.updateCell, .account(.edit), to: "change the whitespace map"),
        .init(WhitespaceService.deleteCell, .account(.edit), to: "remove from the whitespace map"),
        .init(WhitespaceService.grid, .account(.read), to: "see the whitespace map"),
        .init(WhitespaceService.rollup, .tenantRoles([.admin, .leader, .marketing]), to: "see the whitespace potential across accounts"),

        // Live updates, activity and notifications (#7). Each watcher and feed reader sees
        // what its role may; notifications are the caller's own, and an integration (an admin,
        // e.g. its API key) drains the tenant's outbox.
        .init(WorkspaceService.watch, .account(.read), to: "watch this account"),
        .init(WorkspaceService.activity, .account(.read), to: "see this account's activity"),
        .init(NotificationsService.list, .authenticated, to: "read notifications"),
        .init(NotificationsService.acknowledge, .authenticated, to: "acknowledge notifications"),
        .init(NotificationsService.claim, .tenantRoles([.admin]), to: "deliver the tenant's notifications"),
        .init(NotificationsService.confirmDelivery, .tenantRoles([.admin]), to: "deliver the tenant's notifications"),
        .init(NotificationsService.settings, .authenticated, to: "read their mail settings"),
        .init(NotificationsService.updateSettings, .authenticated, to: "change their mail settings"),
        .init(NotificationsService.unsubscribe, .anonymous, to: "unsubscribe with a mail's link"),
        .init(MailService.list, .tenantRoles([.admin]), to: "see the tenant's outgoing mail"),
        .init(MailService.retry, .tenantRoles([.admin]), to: "send failed mail again"),

        // Health and risk: seller-internal. A seller's risk list holds their team's accounts.
        .init(HealthService.get, .account(.readInternal), to: "see account health"),
        .init(HealthService.risks, .tenantRoles(Set(TenantRole.allCases)), to: "see accounts at risk"),
        .init(HealthService.settings, .tenantRoles(Set(TenantRole.allCases)), to: "see the health settings"),
        .init(HealthService.updateSettings, .tenantRoles([.admin]), to: "change the health settings"),
        .init(CoachingService.list, .tenantRoles([.admin, .leader]), to: "see coaching prompts"),
        .init(AnalyticsService.portfolio, .tenantRoles([.admin, .leader, .marketing]), to: "see portfolio analytics"),
        .init(AnalyticsService.byObjective, .tenantRoles([.admin, .leader, .marketing]), to: "see portfolio analytics"),

        // Exports (#20). The accounts file is the portfolio's (seller-internal; a seller's holds
        // their team's accounts); a customer is refused.
        .init(ExportService.accounts, .tenantRoles(Set(TenantRole.allCases)), to: "export accounts"),
        // The seller's plan holds the seller-internal parts; the customer's version is for anyone
        // who may read the account, the account's invited customers included.
        .init(ExportService.plan, .account(.readInternal), to: "export the account team's plan"),
        .init(ExportService.customerPlan, .account(.read), to: "export the customer's plan"),

        // Webhooks (#19): the tenant's admins register endpoints, read their logs, test-send.
        .init(WebhooksService.create, .tenantRoles([.admin]), to: "register webhooks"),
        .init(WebhooksService.list, .tenantRoles([.admin]), to: "list webhooks"),
        .init(WebhooksService.remove, .tenantRoles([.admin]), to: "remove webhooks"),
        .init(WebhooksService.test, .tenantRoles([.admin]), to: "test webhooks"),
        .init(WebhooksService.deliveries, .tenantRoles([.admin]), to: "read the webhook delivery log"),
        .init(WebhooksService.rotateSecret, .tenantRoles([.admin]), to: "rotate webhook secrets"),
    ])
}
