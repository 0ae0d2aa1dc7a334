public import Foundation
import KeyplanPostgres
import NIOPosix
import Synchronization

/// A private PostgreSQL cluster inside the project, so Keyplan runs on a machine with only the
/// PostgreSQL server package installed, and tests get real databases without any setup.
///
/// ``start()`` creates the cluster with `initdb` on first use, starts it on a Unix socket (mode
/// 0700: only its owner, and root, may connect, with `trust`) and on 127.0.0.1 (SCRAM passwords),
/// creates the roles `keyplan_owner` and `keyplan_app` with generated passwords, creates the
/// database, migrates it, and returns its URLs. Running it again reuses the running cluster.
/// ``stop()`` shuts it down cleanly (`pg_ctl stop -m fast`).
///
/// As root, the server programs run as the `postgres` user (PostgreSQL refuses root); if that
/// user cannot reach the project folder, the server's files go to `/var/tmp/keyplan-pg-<hash>`.
/// A file lock serializes set-up across processes, so parallel test runs never race.
public final class LocalCluster: Sendable {
    public let configuration: LocalClusterConfiguration
    private let files: ClusterFiles
    private let migratedTemplates = Mutex<Set<String>>([])

    /// The superuser created by `initdb`; used only over the private socket, for set-up.
    static let superuser = "postgres"
    static let ownerRole = "keyplan_owner"
    static let appRole = "keyplan_app"
    /// The migrated database that test databases are copied from.
    static let templateDatabase = "keyplan_template"

    public init(configuration: LocalClusterConfiguration) {
        self.configuration = configuration
        self.files = ClusterFiles(directory: configuration.directory)
    }

    // MARK: Commands

    /// Creates and starts the cluster if needed, then creates and migrates the application
    /// database; returns its URLs.
    @discardableResult
    public func start() async throws -> LocalDatabase {
        try await withSetUpLock { layout, credentials in
            try await self.prepareDatabase(named: self.configuration.databaseName, template: nil, layout: layout, credentials: credentials)
        }
    }

    /// Stops the cluster if it runs. Returns whether it was running.
    @discardableResult
    public func stop() async throws -> Bool {
        try await withLockFile {
            guard let layout = try await files.readLayout(), try await isRunning(layout) else { return false }
            let tools = try await PostgresTools.find()
            let user = try await ServerUser.current()
            let result = try await user.run(tools.pgCtl, ["stop", "-D", layout.dataDirectory, "-m", "fast", "-w", "-t", "60"])
            guard result.status == 0 else {
                throw LocalClusterError("pg_ctl stop failed: \(result.text.lastLine)")
            }
            return true
        }
    }

    /// Whether the cluster exists and runs, and where.
    public func status() async throws -> LocalClusterStatus {
        guard let layout = try await files.readLayout() else {
            return LocalClusterStatus(exists: false, isRunning: false, port: nil, dataDirectory: configuration.directory.path)
        }
        let exists = try await files.hasData(layout)
        let running = exists ? try await isRunning(layout) : false
        return LocalClusterStatus(exists: exists, isRunning: running, port: layout.port, dataDirectory: layout.dataDirectory)
    }

    /// Creates (if missing) and migrates a database named `name`, owned by `keyplan_owner`.
    /// Names are identifiers, not parameters: only `[a-z_][a-z0-9_]*`, at most 63 characters.
    public func createDatabase(named name: String) async throws -> LocalDatabase {
        try await withSetUpLock { layout, credentials in
            try await self.prepareDatabase(named: name, template: nil, layout: layout, credentials: credentials)
        }
    }

    /// A new, empty, migrated database for one test suite: a copy of a migrated template, named
    /// `keyplan_test_<pid>_<n>`. Databases left by test processes that have exited are dropped.
    public func createTestDatabase() async throws -> LocalDatabase {
        let name = "keyplan_test_\(getpid())_\(Self.testDatabaseCounter.add())"
        return try await withSetUpLock { layout, credentials in
            try await self.dropDatabasesOfExitedTestProcesses(layout: layout)
            if !self.migratedTemplates.withLock({ $0.contains(layout.dataDirectory) }) {
                do {
                    _ = try await self.prepareDatabase(named: Self.templateDatabase, template: nil, layout: layout, credentials: credentials)
                } catch is MigrationError {
                    // The schema files changed under a template migrated by an earlier run (during
                    // development): it holds no data, so start it afresh.
                    _ = try await self.withSuperuser(layout) { client in
                        try await client.query(
                            PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(try Self.identifier(Self.templateDatabase)) WITH (FORCE)"))
                    }
                    _ = try await self.prepareDatabase(named: Self.templateDatabase, template: nil, layout: layout, credentials: credentials)
                }
                self.migratedTemplates.withLock { _ = $0.insert(layout.dataDirectory) }
            }
            return try await self.prepareDatabase(named: name, template: Self.templateDatabase, layout: layout, credentials: credentials)
        }
    }

    /// Drops a database, disconnecting its sessions.
    public func dropDatabase(named name: String) async throws {
        let identifier = try Self.identifier(name)
        try await withSetUpLock { layout, _ in
            try await self.withSuperuser(layout) { client in
                try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(identifier) WITH (FORCE)"))
            }
        }
    }

    /// Ends every session of the server's role (`pg_terminate_backend`), as an administrator or a
    /// failover would; returns how many, once they have ended (each waited for up to 5 s: a
    /// backend told to end closes its connection a moment later). For tests of how the server copes.
    @discardableResult
    public func terminateServerSessions() async throws -> Int {
        try await withSetUpLock { layout, _ in
            try await self.withSuperuser(layout) { client in
                try await client.query(
                    """
                    SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = \(Self.appRole)) AS ended
                    """
                ).single(Int.self, column: "n")
            }
        }
    }

    /// Restarts the server (stop, then start on the same port). For tests of reconnection.
    public func restart() async throws {
        try await stop()
        try await withSetUpLock { _, _ in }
    }

    /// Runs `body` with a cluster of its own in a temporary folder (any free port, not
    /// durable), then stops the cluster and deletes the folder. For tests that restart or stop
    /// a cluster without disturbing others.
    public static func withTemporaryCluster<Result>(
        schemaDirectory: URL, _ body: (LocalCluster) async throws -> Result
    ) async throws -> Result {
        let directory = URL(fileURLWithPath: "/tmp/keyplan-cluster-\(UUID().uuidString.prefix(8).lowercased())")
        let cluster = LocalCluster(
            configuration: LocalClusterConfiguration(
                directory: directory, port: nil, durable: false, schemaDirectory: schemaDirectory, databaseName: "keyplan"
            ))
        func cleanUp() async {
            _ = try? await cluster.stop()
            _ = try? await blockingIO { try FileManager.default.removeItem(at: directory) }
        }
        do {
            let result = try await body(cluster)
            await cleanUp()
            return result
        } catch {
            await cleanUp()
            throw error
        }
    }

    // MARK: Set-up

    /// Takes the lock, makes sure the cluster exists and runs, and the roles exist.
    @discardableResult
    private func withSetUpLock<Result: Sendable>(
        _ body: @Sendable (ClusterFiles.Layout, ClusterFiles.Credentials) async throws -> Result
    ) async throws -> Result {
        try await withLockFile {
            let layout = try await ensureRunning()
            let credentials = try await files.credentials()
            try await ensureRoles(layout: layout, credentials: credentials)
            return try await body(layout, credentials)
        }
    }

    private func withLockFile<Result>(_ body: () async throws -> Result) async throws -> Result {
        let directory = configuration.directory
        try await blockingIO {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw LocalClusterError("cannot create \(directory.path): \(error.localizedDescription)")
            }
        }
        return try await FileLock.withLock(path: files.lockPath, body)
    }

    /// Creates the cluster on first use and starts it if it is not running.
    private func ensureRunning() async throws -> ClusterFiles.Layout {
        let tools = try await PostgresTools.find()
        let user = try await ServerUser.current()
        var layout: ClusterFiles.Layout
        if let existing = try await files.readLayout() {
            layout = existing
        } else {
            layout = try await makeLayout(user: user)
        }
        if try await !files.hasData(layout) {
            try await user.makePrivateDirectory(layout.serverDirectory)
            let result = try await user.run(
                tools.initdb,
                [
                    "-D", layout.dataDirectory, "-U", Self.superuser, "--encoding=UTF8", "--locale=C",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions",
                ])
            guard result.status == 0 else { throw LocalClusterError("initdb failed: \(result.text.lastLine)") }
        }
        if try await isRunning(layout) {
            // A server already runs on this data — perhaps started for an earlier checkout at this
            // path whose files are gone: use the address it really listens on.
            if let address = try await files.listeningAddress(of: layout),
                address.port != layout.port || address.socketDirectory != layout.socketDirectory
            {
                (layout.port, layout.socketDirectory) = (address.port, address.socketDirectory)
                try await files.writeLayout(layout)
            }
            return layout
        }

        try await user.makePrivateDirectory(layout.socketDirectory)
        if !LoopbackPort.isFree(layout.port) {
            guard let port = LoopbackPort.any() else { throw LocalClusterError("no free loopback port for PostgreSQL") }
            layout.port = port
        }
        try await files.writeLayout(layout)
        var options = [
            "-p \(layout.port)", "-k \(layout.socketDirectory)", "-c listen_addresses=127.0.0.1",
            "-c unix_socket_permissions=0700", "-c max_connections=200",
        ]
        if !configuration.durable { options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"] }
        let result = try await user.run(
            tools.pgCtl,
            [
                "start", "-D", layout.dataDirectory, "-l", layout.logFile, "-w", "-t", "60", "-o", options.joined(separator: " "),
            ])
        guard result.status == 0 else {
            throw LocalClusterError("PostgreSQL did not start (see \(layout.logFile)): \(result.text.lastLine)")
        }
        return layout
    }

    /// Chooses where the server's files go, for a new cluster.
    private func makeLayout(user: ServerUser) async throws -> ClusterFiles.Layout {
        let directory = configuration.directory.standardizedFileURL.path
        var serverDirectory = directory + "/server"
        if await !user.canReach(directory) {
            serverDirectory = "/var/tmp/keyplan-pg-\(directory.stableHash)/server"
            let parent = (serverDirectory as NSString).deletingLastPathComponent
            try await blockingIO { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        }
        // A Unix socket path has at most 107 bytes; ".s.PGSQL.NNNNN" is 14 of them.
        var socketDirectory = serverDirectory + "/socket"
        if socketDirectory.utf8.count + 15 > 107 {
            socketDirectory = "/tmp/keyplan-pg-\(directory.stableHash)"
        }
        let port = configuration.port ?? LoopbackPort.any() ?? 54329
        return ClusterFiles.Layout(serverDirectory: serverDirectory, socketDirectory: socketDirectory, port: port)
    }

    private func isRunning(_ layout: ClusterFiles.Layout) async throws -> Bool {
        guard try await files.hasData(layout) else { return false }
        let tools = try await PostgresTools.find()
        return try await ServerUser.current().run(tools.pgCtl, ["status", "-D", layout.dataDirectory]).status == 0
    }

    /// Creates the owner and app roles if missing, and sets their passwords to the stored ones.
    private func ensureRoles(layout: ClusterFiles.Layout, credentials: ClusterFiles.Credentials) async throws {
        try await withSuperuser(layout) { client in
            try await client.withConnection { connection in
                try await connection.executeScript(
                    """
                    DO $$
                    BEGIN
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(Self.ownerRole)') THEN
                            CREATE ROLE \(Self.ownerRole) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                        END IF;
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(Self.appRole)') THEN
                            CREATE ROLE \(Self.appRole) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                        END IF;
                    END
                    $$
                    """)
                for (role, password) in [(Self.ownerRole, credentials.ownerPassword), (Self.appRole, credentials.appPassword)] {
                    let verifier = try await connection.passwordVerifier(user: role, password: password)
                    // ALTER ROLE takes no parameters: the verifier goes in as a transaction-local
                    // setting and is quoted by the server with format('%L').
                    try await connection.withTransaction { connection in
                        try await connection.query("SELECT set_config('keyplan.verifier', \(verifier), true)")
                        try await connection.executeScript(
                            """
                            DO $$ BEGIN
                                EXECUTE format('ALTER ROLE \(role) PASSWORD %L', current_setting('keyplan.verifier'));
                            END $$
                            """)
                    }
                }
            }
        }
    }

    /// Creates the database if missing (copying `template` if given), restricts who may connect,
    /// and migrates it as the owner.
    private func prepareDatabase(
        named name: String, template: String?, layout: ClusterFiles.Layout, credentials: ClusterFiles.Credentials
    ) async throws -> LocalDatabase {
        let identifier = try Self.identifier(name)
        try await withSuperuser(layout) { client in
            let exists = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count == 1
            if !exists {
                let source = try template.map { " TEMPLATE \(try Self.identifier($0))" } ?? ""
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(identifier) OWNER \(Self.ownerRole)\(source)"))
            }
            try await client.withConnection { connection in
                try await connection.executeScript(
                    """
                    REVOKE ALL ON DATABASE \(identifier) FROM PUBLIC;
                    GRANT CONNECT, TEMPORARY ON DATABASE \(identifier) TO \(Self.appRole);
                    """)
            }
        }
        let database = LocalDatabase(
            name: name,
            appURL: Self.url(role: Self.appRole, password: credentials.appPassword, port: layout.port, database: name),
            ownerURL: Self.url(role: Self.ownerRole, password: credentials.ownerPassword, port: layout.port, database: name),
            port: layout.port
        )
        let ownerConfiguration = try PostgresConfiguration(
            connectionString: database.ownerURL,
            pool: .init(maximumConnections: 1, leaseTimeout: .seconds(60), maximumWaiters: 1),
            session: .init(statementTimeout: nil, connectTimeout: .seconds(10), applicationName: "keyplan-migrate")
        )
        _ = try await PostgresClient.withClient(configuration: ownerConfiguration) { client in
            try await Migrator(schemaDirectory: configuration.schemaDirectory).migrate(client)
        }
        return database
    }

    private func dropDatabasesOfExitedTestProcesses(layout: ClusterFiles.Layout) async throws {
        try await withSuperuser(layout) { client in
            let rows = try await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'keyplan\\_test\\_%'")
            for row in rows {
                let name = try row.decode(String.self, column: "datname")
                let parts = name.split(separator: "_")
                guard parts.count == 4, let pid = Int32(parts[2]), kill(pid, 0) != 0, errno == ESRCH else { continue }
                try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(try Self.identifier(name)) WITH (FORCE)"))
            }
        }
    }

    private func withSuperuser<Result>(
        _ layout: ClusterFiles.Layout, _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let configuration = PostgresConfiguration(
            connectionParameters: [
                "host": layout.socketDirectory, "port": String(layout.port), "user": Self.superuser, "dbname": "postgres",
            ],
            pool: .init(maximumConnections: 1, leaseTimeout: .seconds(60), maximumWaiters: 16),
            session: .init(statementTimeout: nil, connectTimeout: .seconds(10), applicationName: "keyplan-setup")
        )
        return try await PostgresClient.withClient(configuration: configuration, body)
    }

    // MARK: Helpers

    private static let testDatabaseCounter = Counter()

    /// A database name usable as an identifier without quoting problems.
    static func identifier(_ name: String) throws -> String {
        let valid =
            !name.isEmpty && name.utf8.count <= 63
            && name.first.map { $0 == "_" || ($0.isASCII && $0.isLowercase) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
        guard valid else {
            throw LocalClusterError("invalid database name \"\(name)\": use lower-case letters, digits and _ (at most 63)")
        }
        return "\"\(name)\""
    }

    static func url(role: String, password: String, port: Int, database: String) -> String {
        "postgres://\(role):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }
}

/// A process-wide counter.
final class Counter: Sendable {
    private let value = Mutex(0)
    func add() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

extension String {
    /// The last non-empty line, for one-line errors from command output.
    var lastLine: String {
        split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? "(no output)"
    }

    /// FNV-1a of the UTF-8 bytes, hex: a short name that is the same in every process.
    var stableHash: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return String(hash, radix: 16)
    }
}
