import CLibPQ
import KeyplanPool

/// How to reach PostgreSQL, and how the client's pool and sessions behave.
public struct PostgresConfiguration: Sendable {
    /// libpq connection parameters (`host`, `port`, `dbname`, `user`, `password`, `sslmode`...),
    /// parsed by libpq itself from a URL or a key/value string.
    public var connectionParameters: [String: String]
    /// The connection pool.
    public var pool: Pool
    /// Settings of every session the client opens.
    public var session: Session

    /// The connection pool's limits.
    public struct Pool: Sendable, Hashable {
        /// The most connections open at once. Default: 8.
        public var maximumConnections: Int
        /// How long a caller waits for a free connection before failing with ``PostgresError/Kind/poolTimeout``. Default: 5 s.
        public var leaseTimeout: Duration
        /// The most callers waiting for a connection at once; one more fails at once. Default: 1,024.
        public var maximumWaiters: Int

        /// Defaults: 8 connections, 5 s lease timeout, 1,024 waiters.
        public static var defaults: Pool {
            Pool(maximumConnections: 8, leaseTimeout: .seconds(5), maximumWaiters: 1024)
        }

        public init(maximumConnections: Int, leaseTimeout: Duration, maximumWaiters: Int) {
            self.maximumConnections = maximumConnections
            self.leaseTimeout = leaseTimeout
            self.maximumWaiters = maximumWaiters
        }
    }

    /// Settings of each session.
    public struct Session: Sendable, Hashable {
        /// `statement_timeout`: the server cancels a statement running longer. `nil` keeps the server's. Default: 30 s.
        public var statementTimeout: Duration?
        /// `connect_timeout` in whole seconds (libpq's minimum is 2), unless the connection string sets one. Default: 5 s.
        public var connectTimeout: Duration
        /// `application_name`, shown in `pg_stat_activity`, unless the connection string sets one. Default: "keyplan".
        public var applicationName: String
        /// Whether PostgreSQL may compile plans to machine code (`jit`). Keyplan's queries run in
        /// milliseconds, where compiling costs more than it saves — seconds on a busy machine
        /// (measured: a 10,000-account coaching query took 3.3 s with JIT and 0.43 s without).
        /// Default: false.
        public var jit: Bool

        /// Defaults: 30 s statement timeout, 5 s connect timeout, application name "keyplan", no JIT.
        public static var defaults: Session {
            Session(statementTimeout: .seconds(30), connectTimeout: .seconds(5), applicationName: "keyplan")
        }

        public init(statementTimeout: Duration?, connectTimeout: Duration, applicationName: String, jit: Bool = false) {
            self.statementTimeout = statementTimeout
            self.connectTimeout = connectTimeout
            self.applicationName = applicationName
            self.jit = jit
        }
    }

    /// Parses a URL (`postgres://user:password@host:port/dbname?sslmode=disable`) or a
    /// libpq key/value string (`host=/tmp port=5432 dbname=keyplan`).
    ///
    /// Throws ``PostgresError/Kind/invalidConfiguration`` with libpq's one-line reason for malformed input.
    public init(connectionString: String, pool: Pool = .defaults, session: Session = .defaults) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            let shown = Self.withoutPasswords(reason.singleLine, of: connectionString)
            throw PostgresError(kind: .invalidConfiguration, message: "invalid database URL or connection string: \(shown)")
        }
        defer { PQconninfoFree(options) }
        var parameters: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        if let port = parameters["port"], !port.split(separator: ",").allSatisfy({ UInt16($0) != nil }) {
            throw PostgresError(kind: .invalidConfiguration, message: "invalid database URL or connection string: port \"\(port)\" is not a number")
        }
        self.init(connectionParameters: parameters, pool: pool, session: session)
    }

    /// libpq's reason may quote the string it refused, or the part of it it choked on — a password
    /// included (an unclosed `[` quotes the whole URL, a stray `%` the password itself): every password
    /// the string seems to hold is starred out of the reason.
    static func withoutPasswords(_ reason: String, of connectionString: String) -> String {
        var candidates: [Substring] = []
        if let userInfo = connectionString.firstMatch(of: /:\/\/[^\/@?#]*?:([^@]*)@/) { candidates.append(userInfo.1) }
        for match in connectionString.matches(of: /password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s&]+))/) {
            if let value = match.1 ?? match.2 { candidates.append(value) }
        }
        return candidates.filter { !$0.isEmpty }.reduce(reason) { $0.replacing($1, with: "***") }
    }

    public init(connectionParameters: [String: String], pool: Pool = .defaults, session: Session = .defaults) {
        self.connectionParameters = connectionParameters
        self.pool = pool
        self.session = session
    }

    /// Where the client connects, for logs and errors: never includes the password.
    public var endpointDescription: String {
        let host = connectionParameters["host"] ?? connectionParameters["hostaddr"] ?? "localhost"
        let port = connectionParameters["port"] ?? "5432"
        let database = connectionParameters["dbname"] ?? connectionParameters["user"] ?? "?"
        return "\(database) at \(host):\(port)"
    }

    /// The parameters libpq is given: the configured ones plus the session's settings.
    var libpqParameters: [(String, String)] {
        var parameters = connectionParameters
        parameters["client_encoding"] = "UTF8"
        if parameters["application_name"] == nil { parameters["application_name"] = session.applicationName }
        if parameters["connect_timeout"] == nil {
            parameters["connect_timeout"] = String(max(2, session.connectTimeout.components.seconds))
        }
        var options = parameters["options"].map { [$0] } ?? []
        if let timeout = session.statementTimeout {
            let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            options.append("-c statement_timeout=\(milliseconds)")
        }
        if !session.jit { options.append("-c jit=off") }
        if !options.isEmpty { parameters["options"] = options.joined(separator: " ") }
        return parameters.sorted { $0.key < $1.key }
    }

    var poolStateMachineConfiguration: PoolStateMachine<ContinuousClock.Instant>.Configuration {
        .init(maximumConnections: pool.maximumConnections, maximumWaiters: pool.maximumWaiters)
    }
}
