import KeyplanPostgres
import KeyplanRPC
import NIOPosix

/// Keyplan's services and the interceptors that guard them, ready for an ``RPCServer``:
///
///     let keyplan = try KeyplanServices(database: client)
///     let server = RPCServer(configuration: ..., services: keyplan.services, interceptors: keyplan.interceptors)
///
/// Construction fails when a registered method has no rule in the ``AuthorizationPolicy`` (or an
/// account rule on a request that names no account), so a new method cannot slip past it.
public struct KeyplanServices: Sendable {
    public struct PolicyViolation: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String { "authorization policy incomplete: " + problems.joined(separator: "; ") }
    }

    /// One RPC service that registers every Keyplan method.
    public let services: [any RPCService]
    /// Audit (outermost), then authentication.
    public let interceptors: [any ServerInterceptor]
    /// The methods registered, each covered by the policy.
    public let methods: [MethodDescriptor]

    public init(
        database: PostgresClient, configuration: IdentityConfiguration = .defaults,
        policy: AuthorizationPolicy = .keyplan, hashingThreads: NIOThreadPool = .singleton
    ) throws {
        let environment = ServiceEnvironment(
            database: database, hasher: PasswordHasher(parameters: configuration.passwords, threads: hashingThreads),
            configuration: configuration)
        let secured: [any SecuredService] = [
            AuthenticationService(environment: environment),
            UserService(environment: environment),
            CredentialService(environment: environment),
            InvitationService(environment: environment),
            AccountService(environment: environment),
            AccountPortfolioService(environment: environment),
            ImportRowsService(environment: environment),
            AuditLogService(environment: environment),
            WorkspaceHistoryService(environment: environment),
            // Goals (#7).
            GoalService(environment: environment),
            CommentService(environment: environment),

            // The relationship map (#7).
            AccountRelationshipMapService(environment: environment),

            // Scorecards (#7).
            ScorecardService(environment: environment),

            // The action plan (#7).
            ActionService(environment: environment),
            ProcessStepService(environment: environment),
            RoadmapReviewService(environment: environment),

            // Live updates, activity and notifications (#7).
            WorkspaceLiveService(environment: environment, events: WorkspaceEvents(database: database)),
            NotificationService(environment: environment),

            HealthScoreService(environment: environment),
            CoachingListService(environment: environment),
            AnalyticsReportService(environment: environment),
        ]
        let all = SecuredServiceGroup(services: secured, policy: policy, database: database)
        var routes = SecuredRoutes(policy: policy, database: database)
        all.register(with: &routes)
        guard routes.problems.isEmpty else { throw PolicyViolation(problems: routes.problems) }
        self.methods = routes.registered
        self.services = [all]
        self.interceptors = [AuditInterceptor(database: database), AuthenticationInterceptor(policy: policy, database: database)]
    }
}

/// The secured services as one RPC service: registering it with the server's router goes
/// through ``SecuredRoutes`` again, so every handler is wrapped by its policy check.
private struct SecuredServiceGroup: RPCService {
    let services: [any SecuredService]
    let policy: AuthorizationPolicy
    let database: PostgresClient

    func register(with routes: inout SecuredRoutes) {
        for service in services { service.register(with: &routes) }
    }

    func registerMethods(with router: inout RPCRouter) {
        var routes = SecuredRoutes(policy: policy, database: database, router: router)
        register(with: &routes)
        router = routes.router
    }
}
