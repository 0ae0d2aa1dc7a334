public import KeyplanPostgres
public import KeyplanRPC
public import Logging
public import NIOPosix
public import ServiceLifecycle

/// Keyplan's services, the interceptors that guard them, and their background work, ready for an
/// ``RPCServer`` in a `ServiceGroup`:
///
///     let keyplan = try KeyplanServices(database: client)
///     let server = RPCServer(configuration: ..., services: keyplan.services, interceptors: keyplan.interceptors)
///     let group = ServiceGroup(services: [client, keyplan, server], ...)   // shuts down in reverse order
///
/// Construction fails when a registered method has no rule in the ``AuthorizationPolicy`` (or a
/// rule that does not fit the context its handler asks for), so a new method cannot slip past it.
public struct KeyplanServices: Service, Sendable {
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
    let credentials: CredentialCache
    let auditTrail: AuditTrail
    let visits: WorkspaceVisits
    let events: WorkspaceEvents
    /// Delivers mail, when there is a relay.
    let mail: MailSender?
    let webhooks: WebhookDispatcher
    private let logger: Logger

    public init(
        database: PostgresClient, configuration: IdentityConfiguration = .defaults,
        policy: AuthorizationPolicy = .keyplan, hashingThreads: NIOThreadPool = .singleton, mail: OutgoingMail? = nil,
        webhooks: WebhookConfiguration = .defaults, logger: Logger = Logger(label: "keyplan.services")
    ) throws {
        let auditTrail = AuditTrail(database: database)
        let credentials = CredentialCache(database: database)
        let visits = WorkspaceVisits(database: database)
        let events = WorkspaceEvents(database: database)
        let delivery = mail.map { MailSender($0, database: database) }
        let environment = ServiceEnvironment(
            database: database, hasher: PasswordHasher(parameters: configuration.passwords, threads: hashingThreads),
            configuration: configuration, auditTrail: auditTrail, credentials: credentials, visits: visits, mail: delivery)
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
            GoalService(environment: environment),
            CommentService(environment: environment),
            AccountRelationshipMapService(environment: environment),
            ScorecardService(environment: environment),
            ActionService(environment: environment),
            ProcessStepService(environment: environment),
            RoadmapReviewService(environment: environment),
            BuyingJourneyService(environment: environment),
            AccountWhitespaceService(environment: environment),
            WorkspaceLiveService(environment: environment, events: events),
            NotificationService(environment: environment),
            MailAdministrationService(environment: environment),
            HealthScoreService(environment: environment),
            CoachingListService(environment: environment),
            AnalyticsReportService(environment: environment),
            ExportFileService(environment: environment),
            WebhookService(environment: environment, configuration: webhooks),
        ]
        let all = SecuredServiceGroup(services: secured, policy: policy, database: database, visits: visits)
        var routes = SecuredRoutes(policy: policy, database: database, visits: visits)
        all.register(with: &routes)
        guard routes.problems.isEmpty else { throw PolicyViolation(problems: routes.problems) }
        self.methods = routes.registered
        self.services = [all]
        self.credentials = credentials
        self.visits = visits
        self.auditTrail = auditTrail
        self.events = events
        self.mail = delivery
        self.webhooks = WebhookDispatcher(database: database, configuration: webhooks)
        self.logger = logger
        self.interceptors = [AuditInterceptor(trail: auditTrail), AuthenticationInterceptor(policy: policy, credentials: credentials)]
    }

    /// The services' background work until graceful shutdown: listening for credential changes,
    /// writing the batched audit rows and workspace views (what is queued is written before this
    /// returns), delivering mail and webhooks (an attempt cut short is retried after its lease). Run
    /// it in the same `ServiceGroup` as the server, after the database client and before the
    /// server, so that it stops after the server has drained and before the database closes.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await cancelWhenGracefulShutdown { await credentials.run(logger: logger) } }
            group.addTask { await cancelWhenGracefulShutdown { await auditTrail.run(logger: logger) } }
            group.addTask { await cancelWhenGracefulShutdown { await visits.run(logger: logger) } }
            // Mail stops claiming at graceful shutdown and finishes what it claimed (its own handler).
            if let mail { group.addTask { await mail.run(logger: logger) } }
            group.addTask { await webhooks.run(logger: logger) }
            await group.waitForAll()
        }
    }
}

/// The secured services as one RPC service: registering it with the server's router goes
/// through ``SecuredRoutes`` again, so every handler is wrapped by its policy check.
private struct SecuredServiceGroup: RPCService {
    let services: [any SecuredService]
    let policy: AuthorizationPolicy
    let database: PostgresClient
    let visits: WorkspaceVisits

    func register(with routes: inout SecuredRoutes) {
        for service in services { service.register(with: &routes) }
    }

    func registerMethods(with router: inout RPCRouter) {
        var routes = SecuredRoutes(policy: policy, database: database, visits: visits, router: router)
        register(with: &routes)
        router = routes.router
    }
}
