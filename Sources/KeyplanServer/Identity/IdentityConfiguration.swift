/// How long credentials live, how sign-in is throttled, how passwords are hashed.
public struct IdentityConfiguration: Sendable, Hashable {
    public var sessions: Sessions
    public var invitations: Invitations
    public var throttle: Throttle
    public var passwords: PasswordHasher.Parameters
    public var apiKeys: APIKeys

    public init(
        sessions: Sessions = .defaults, invitations: Invitations = .defaults,
        throttle: Throttle = .defaults, passwords: PasswordHasher.Parameters = .defaults,
        apiKeys: APIKeys = .defaults
    ) {
        self.sessions = sessions
        self.invitations = invitations
        self.throttle = throttle
        self.passwords = passwords
        self.apiKeys = apiKeys
    }

    /// Production defaults throughout.
    public static var defaults: IdentityConfiguration { IdentityConfiguration() }

    /// Session lifetimes. A session slides: every use extends it by `idleTimeout`, up to
    /// `absoluteLifetime` after sign-in, so a customer who comes back within a month stays in.
    public struct Sessions: Sendable, Hashable {
        /// Default 30 days.
        public var idleTimeout: Duration
        /// Default 365 days.
        public var absoluteLifetime: Duration

        public init(idleTimeout: Duration, absoluteLifetime: Duration) {
            self.idleTimeout = idleTimeout
            self.absoluteLifetime = absoluteLifetime
        }

        public static var defaults: Sessions { Sessions(idleTimeout: .seconds(30 * 86_400), absoluteLifetime: .seconds(365 * 86_400)) }
    }

    public struct Invitations: Sendable, Hashable {
        /// How long an invitation stays valid when its creator does not say. Default 7 days.
        public var defaultLifetime: Duration
        /// The longest lifetime a creator may ask for. Default 30 days.
        public var maximumLifetime: Duration

        public init(defaultLifetime: Duration, maximumLifetime: Duration) {
            self.defaultLifetime = defaultLifetime
            self.maximumLifetime = maximumLifetime
        }

        public static var defaults: Invitations { Invitations(defaultLifetime: .seconds(7 * 86_400), maximumLifetime: .seconds(30 * 86_400)) }
    }

    /// API key lifetimes. A key asked for without a lifetime gets the maximum, so none lives forever.
    public struct APIKeys: Sendable, Hashable {
        /// The longest lifetime a key may have, and the one it gets by default. Default 365 days.
        public var maximumLifetime: Duration

        public init(maximumLifetime: Duration) {
            self.maximumLifetime = maximumLifetime
        }

        public static var defaults: APIKeys { APIKeys(maximumLifetime: .seconds(365 * 86_400)) }
    }

    /// Failed sign-ins allowed per window, per account (tenant and email) and per client address.
    /// Over the limit, sign-in answers RESOURCE_EXHAUSTED with the seconds to wait.
    public struct Throttle: Sendable, Hashable {
        /// Default 15 minutes.
        public var window: Duration
        /// Default 5 failures per account in the window.
        public var failuresPerAccount: Int
        /// Default 50 failures per client address in the window (offices share addresses).
        public var failuresPerAddress: Int

        public init(window: Duration, failuresPerAccount: Int, failuresPerAddress: Int) {
            self.window = window
            self.failuresPerAccount = failuresPerAccount
            self.failuresPerAddress = failuresPerAddress
        }

        public static var defaults: Throttle { Throttle(window: .seconds(900), failuresPerAccount: 5, failuresPerAddress: 50) }
    }
}
