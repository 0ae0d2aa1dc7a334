import Foundation
import KeyplanAPI
import KeyplanServer
import KeyplanTestSupport
import NIOPosix
import Testing

@testable import KeyplanLocalDatabase

#if canImport(Glibc)
import Glibc
#endif

/// The built `keyplan` binary against a real server: login, contexts, whoami, create, list and
/// revoke, with `--json` output parsed.
@Suite("keyplan CLI")
struct CLITests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// The `keyplan` executable next to the test bundle (built by `swift build`/`swift test`).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("keyplan")
    }

    let configPath = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-cli-\(UUID())/config.json").path

    /// Runs `keyplan` with `arguments` and `input` on standard input.
    func keyplan(_ arguments: [String], input: String = "") async throws -> Run {
        try await Self.run(Self.binary, arguments + ["--config", configPath], input: input)
    }

    /// Runs an executable to its end. Waiting blocks, so it waits on a thread of its own — never
    /// on a shared pool, whose threads the server under test needs (password hashing) while the
    /// command waits for it — and drains standard error on another, so neither pipe fills up.
    /// Started with `posix_spawn` and reaped with `waitpid` on that thread: Foundation's `Process`
    /// reaps through a shared monitor that, with many children at once, left one unreaped and its
    /// test waiting forever.
    static func run(
        _ binary: URL, _ arguments: [String], input: String = "", environment: [String: String]? = nil, directory: URL? = nil
    ) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try spawnAndWait(binary, arguments, input: input, environment: environment, directory: directory) })
            }.start()
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    private static func spawnAndWait(
        _ binary: URL, _ arguments: [String], input: String, environment: [String: String]?, directory: URL?
    ) throws -> Run {
        // Socket pairs rather than pipes: they can be made close-on-exec atomically, so that no
        // other test's child, spawned at the same moment, inherits an end and holds it open.
        var stdin: [Int32] = [0, 0], stdout: [Int32] = [0, 0], stderr: [Int32] = [0, 0]
        let kind = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &stdin) == 0, socketpair(AF_UNIX, kind, 0, &stdout) == 0, socketpair(AF_UNIX, kind, 0, &stderr) == 0 else {
            throw SpawnError(description: "socketpair: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdout[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderr[1], 2)
        Subprocess.closeInheritedDescriptors(&actions)
        // In another folder through env(1): glibc's addchdir is not visible to Swift.
        let command = directory.map { ["/usr/bin/env", "-C", $0.path, binary.path] } ?? [binary.path]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + variables).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, variables)
        for end in [stdin[0], stdout[1], stderr[1]] { close(end) }
        guard spawned == 0 else {
            for end in [stdin[1], stdout[0], stderr[0]] { close(end) }
            throw SpawnError(description: "cannot start \(binary.path): \(String(cString: strerror(spawned)))")
        }
        let errors = ErrorsReader(FileHandle(fileDescriptor: stderr[0], closeOnDealloc: true))
        let writer = FileHandle(fileDescriptor: stdin[1], closeOnDealloc: true)
        // A child that exits without reading its input must not kill the test with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try? writer.write(contentsOf: Data(input.utf8))
        try? writer.close()
        let output = FileHandle(fileDescriptor: stdout[0], closeOnDealloc: true).readDataToEndOfFile()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // The exit code, or 128 + the signal that ended it, as a shell reports it.
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Run(status: code, output: String(decoding: output, as: UTF8.self), errors: String(decoding: errors.wait(), as: UTF8.self))
    }

    /// Reads a pipe to its end on a thread of its own.
    final class ErrorsReader: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        init(_ handle: FileHandle) {
            Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    /// Runs `body` with a started test server and a scratch folder (this test's config file
    /// lives in it), removed afterwards.
    func withCLIServer<Result>(
        webhooks: WebhookConfiguration = .defaults, _ body: (IdentityTestServer, URL) async throws -> Result
    ) async throws -> Result {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the keyplan product first: \(Self.binary.path)")
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await IdentityTestServer.with(webhooks: webhooks) { server in try await body(server, folder) }
    }

    /// A failure as `--json` prints it: the status code for programs, the message for people.
    struct Failure: Decodable {
        var code: String?
        var message: String
    }

    /// Runs a command that must fail, with `--json`, and decodes the error it prints.
    func failure(_ arguments: [String], input: String = "") async throws -> Failure {
        struct Body: Decodable { var error: Failure }
        let run = try await keyplan(arguments + ["--json"], input: input)
        try #require(run.status != 0, "keyplan \(arguments.joined(separator: " ")) succeeded: \(run.output)")
        return try JSONDecoder().decode(Body.self, from: Data(run.output.utf8)).error
    }

    /// Runs a command that must succeed with `--json` and decodes its output.
    func json<Value: Decodable>(_ type: Value.Type, _ arguments: [String], input: String = "") async throws -> Value {
        let run = try await keyplan(arguments + ["--json"], input: input)
        try #require(run.status == 0, "keyplan \(arguments.joined(separator: " ")) failed: \(run.errors)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Value.self, from: Data(run.output.utf8))
    }

    /// A listening socket nobody accepts from: the kernel completes connections, and nothing ever answers.
    static func silentServer() throws -> (port: Int, socket: Int32) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(bound, "cannot listen on loopback")
        return (Int(UInt16(bigEndian: address.sin_port)), fd)
    }

    /// A server that accepts but never answers must not hang the CLI: every call has a deadline.
    @Test func aCallToAServerThatNeverAnswersFailsAtItsDeadline() async throws {
        let silent = try Self.silentServer()
        defer { close(silent.socket) }
        let start = ContinuousClock.now
        let run = try await keyplan(
            ["login", "--server", "127.0.0.1:\(silent.port)", "--tenant", "acme", "--email", "ada@acme.example", "--timeout", "1.5"],
            input: "a-password\n")
        let took = ContinuousClock.now - start
        #expect(run.status != 0)
        #expect(run.errors.contains("did not answer in time") && run.errors.contains("--timeout"), "\(run.errors)")
        // Far below the 30 s default: the 1.5 s deadline ended it (starting the binary on a loaded
        // machine took up to 5 s more).
        #expect(took < .seconds(15), "took \(took)")
    }

    struct TenantCreated: Decodable {
        var tenantID: UUID
        var slug: String
        var adminEmail: String
        var adminPassword: String
    }

    @Test func tenantCreateBesideTheDatabasePrintsTheAdminsCredentialsOnce() async throws {
        let serverBinary = Self.binary.deletingLastPathComponent().appendingPathComponent("keyplan-server")
        try #require(FileManager.default.isExecutableFile(atPath: serverBinary.path), "build keyplan-server first")
        try await IdentityTestServer.with { server in
            let arguments = [
                "tenant", "create", "--name", "Acme Corp", "--slug", "acme", "--admin-email", "Root@Acme.example", "--database-url",
                server.database.appURL,
            ]
            let run = try await Self.run(serverBinary, arguments + ["--json"])
            try #require(run.status == 0, "\(run.errors)")
            let created = try JSONDecoder().decode(TenantCreated.self, from: Data(run.output.utf8))
            #expect(created.slug == "acme" && created.adminEmail == "root@acme.example")
            let grant = try await server.anonymous.signIn(tenantSlug: "acme", email: "root@acme.example", password: created.adminPassword)
            #expect(grant.identity.tenantRole == .admin && grant.identity.tenantID == created.tenantID)

            let again = try await Self.run(serverBinary, arguments)
            #expect(again.status != 0 && again.errors.contains("already exists"))
            // A password given on standard input is not printed back (it would end up in a CI log).
            let chosen = try await Self.run(
                serverBinary,
                [
                    "tenant", "create", "--name", "Globex", "--slug", "globex", "--admin-email", "root@globex.example", "--admin-password-stdin",
                    "--database-url", server.database.appURL,
                ], input: "a chosen password 1\n")
            #expect(
                chosen.status == 0 && chosen.output.contains("Sign in with:") && !chosen.output.contains("a chosen password 1"), "\(chosen.output)")
            _ = try await server.anonymous.signIn(tenantSlug: "globex", email: "root@globex.example", password: "a chosen password 1")
            let badSlug = try await Self.run(
                serverBinary,
                ["tenant", "create", "--name", "X", "--slug", "Bad Slug", "--admin-email", "a@b.example", "--database-url", server.database.appURL])
            #expect(badSlug.status != 0 && badSlug.errors.contains("slug"))
        }
    }

    struct LoginResult: Decodable {
        var context: String
        var identity: Identity
    }
    struct ContextEntry: Decodable {
        var name: String
        var current: Bool
        var signedIn: Bool
    }

    @Test func loginWhoamiAndManagingUsersKeysAndSessions() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the keyplan product first: \(Self.binary.path)")
        try await IdentityTestServer.with { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            let address = "127.0.0.1:\(server.port)"

            let wrong = try await keyplan(["login", "--server", address, "--tenant", "acme", "--email", "admin@acme.example"], input: "nope-nope\n")
            #expect(wrong.status != 0)
            #expect(wrong.errors.contains("wrong tenant, email or password"), "\(wrong.errors)")
            let wrongJSON = try await failure(
                ["login", "--server", address, "--tenant", "acme", "--email", "admin@acme.example"], input: "nope-nope\n")
            #expect(wrongJSON.code == "UNAUTHENTICATED")

            let login = try await json(
                LoginResult.self, ["login", "--server", address, "--tenant", "acme", "--email", "admin@acme.example", "--name", "acme-admin"],
                input: "admin-password\n")
            #expect(login.context == "acme-admin")
            #expect(login.identity.tenantRole == .admin)
            let attributes = try FileManager.default.attributesOfItem(atPath: configPath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(!(try String(contentsOfFile: configPath, encoding: .utf8)).contains("admin-password"))

            let whoami = try await json(Identity.self, ["whoami"])
            #expect(whoami.email == "admin@acme.example")

            let created = try await json(CreatedUser.self, ["users", "create", "--email", "sam@acme.example", "--name", "Sam", "--role", "seller"])
            let samPassword = try #require(created.generatedPassword)
            #expect(try await json([User].self, ["users", "list"]).map(\.email) == ["admin@acme.example", "sam@acme.example"])

            // A second context for Sam; --context picks it without switching.
            _ = try await json(
                LoginResult.self, ["login", "--server", address, "--tenant", "acme", "--email", "sam@acme.example", "--name", "acme-sam"],
                input: samPassword + "\n")
            let contexts = try await json([ContextEntry].self, ["context", "list"])
            #expect(contexts.map(\.name) == ["acme-admin", "acme-sam"])
            #expect(contexts.first { $0.current }?.name == "acme-sam")
            #expect(try await json(Identity.self, ["whoami", "--context", "acme-admin"]).tenantRole == .admin)
            let denied = try await keyplan(["users", "list"])
            #expect(
                denied.status != 0 && denied.errors.contains("only an admin can list users") && !denied.errors.contains("keyplan.Users"),
                "\(denied.errors)")
            #expect(try await failure(["users", "list"]).code == "PERMISSION_DENIED")
            _ = try await json([String: String].self, ["context", "use", "acme-admin"])

            let key = try await json(CreatedAPIKey.self, ["api-keys", "create", "--name", "ci", "--role", "leader"])
            #expect(try await json([Credential].self, ["api-keys", "list"]).map(\.id) == [key.credential.id])
            let keyLogin = try await json(LoginResult.self, ["login", "--server", address, "--api-key", "--name", "ci"], input: key.token + "\n")
            #expect(keyLogin.identity.tenantRole == .leader)
            _ = try await json([String: UUID].self, ["api-keys", "revoke", key.credential.id.uuidString, "--context", "acme-admin"])
            let revokedKey = try await keyplan(["whoami", "--context", "ci"])
            #expect(revokedKey.status != 0 && revokedKey.errors.contains("keyplan login"), "\(revokedKey.errors)")
            #expect(try await failure(["whoami", "--context", "ci"]).code == "UNAUTHENTICATED")

            let sessions = try await json([Credential].self, ["sessions", "list", "--all", "--context", "acme-admin"])
            let samSession = try #require(sessions.first { $0.userID == created.user.id })
            _ = try await json([String: UUID].self, ["sessions", "revoke", samSession.id.uuidString, "--context", "acme-admin"])
            let revokedSession = try await keyplan(["whoami", "--context", "acme-sam"])
            #expect(revokedSession.status != 0 && revokedSession.errors.contains("keyplan login"))

            let account = try await json(AccountView.self, ["accounts", "create", "--name", "Initech", "--context", "acme-admin"])
            let invitation = try await json(
                CreatedInvitation.self,
                [
                    "invitations", "create", "--account", account.id.uuidString, "--email", "pat@buyer.example", "--role", "customer_viewer",
                    "--context", "acme-admin",
                ])
            let welcome = try await json(
                LoginResult.self, ["invitations", "accept", "--server", address, "--display-name", "Pat", "--name", "pat"],
                input: "\(invitation.token)\npat-password\n")
            #expect(welcome.identity.kind == .customer)
            #expect(
                try await json([AccountView].self, ["accounts", "list", "--context", "pat"]) == [
                    AccountView(id: account.id, name: "Initech", annualRevenue: nil, internalNotes: nil)
                ])
            // Taken out of the account again, the customer no longer sees it; a second removal finds nobody.
            let removal = ["accounts", "remove-member", "--account", "Initech", "--user", "pat@buyer.example", "--context", "acme-admin"]
            #expect(try await json([String: String].self, removal) == ["account": "Initech", "user": "pat@buyer.example"])
            #expect(try await json([AccountView].self, ["accounts", "list", "--context", "pat"]).isEmpty)
            let again = try await failure(removal)
            #expect(again.code == "NOT_FOUND" && again.message.contains("no person on this account matches “pat@buyer.example”"), "\(again)")

            // The audit log names people, not ids.
            let audit = try await keyplan(["audit", "--limit", "20", "--context", "acme-admin"])
            #expect(
                audit.status == 0 && audit.output.contains("Admin <admin@acme.example>, seller\tkeyplan.Accounts/RemoveMember\tOK"), "\(audit.output)"
            )
            _ = try await json([String: String].self, ["logout", "--context", "acme-admin"])
            let loggedOut = try await keyplan(["whoami", "--context", "acme-admin"])
            #expect(loggedOut.status != 0)
        }
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: configPath).deletingLastPathComponent().path)
    }

    /// `invitations accept --tls --trust-roots` reaches a TLS server and saves how it did in the
    /// context; saving leaves an existing config folder's mode alone and no temporary file in it.
    /// A plain client at a TLS server, and a TLS client at a plain one, are told TLS is the likely cause.
    @Test func acceptingAnInvitationOverTLSSavesTheTransport() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the keyplan product first: \(Self.binary.path)")
        let certificate = try await TestCertificate.make()
        defer { try? FileManager.default.removeItem(at: certificate.folder) }
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await IdentityTestServer.with(tls: certificate) { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let seller = server.client(admin.token)
            let account = try await seller.createAccount(CreateAccountRequest(name: "Initech"))
            let invitation = try await seller.createInvitation(
                CreateInvitationRequest(accountID: account.id, email: "pat@buyer.example", role: .customerViewer))
            let address = "localhost:\(server.port)"
            let welcome = try await json(
                LoginResult.self,
                [
                    "invitations", "accept", "--server", address, "--tls", "--trust-roots", certificate.certificate, "--display-name", "Pat",
                    "--name", "pat",
                ], input: "\(invitation.token)\npat-password\n")
            #expect(welcome.identity.kind == .customer)
            // The saved context speaks TLS with the same trust roots.
            #expect(try await json(Identity.self, ["whoami", "--context", "pat"]).email == "pat@buyer.example")
            let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath))) as? [String: Any]
            let context = (saved?["contexts"] as? [String: Any])?["pat"] as? [String: Any]
            #expect(context?["tls"] as? Bool == true && context?["trustRoots"] as? String == certificate.certificate)

            let plainAtTLS = try await keyplan(
                ["login", "--server", address, "--tenant", "acme", "--email", "admin@acme.example"], input: "admin-password\n")
            #expect(
                plainAtTLS.status != 0 && plainAtTLS.errors.contains("may expect TLS") && plainAtTLS.errors.contains("--tls"), "\(plainAtTLS.errors)")
            try await IdentityTestServer.with { plain in
                let tlsAtPlain = try await keyplan(
                    [
                        "login", "--server", "localhost:\(plain.port)", "--tls", "--trust-roots", certificate.certificate, "--tenant", "acme",
                        "--email", "admin@acme.example",
                    ], input: "admin-password\n")
                #expect(tlsAtPlain.status != 0 && tlsAtPlain.errors.contains("may not speak TLS"), "\(tlsAtPlain.errors)")
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o755, "a folder the CLI did not create keeps its mode")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["config.json"])
    }

    /// The config file's folder: one that exists (a shared /tmp-like 1777 folder) is never
    /// changed; one the CLI creates is 0700; the file is 0600; a file others can read is warned
    /// about, not changed behind the user's back.
    @Test func theConfigFileNeverChangesAFolderItDidNotCreate() async throws {
        try await withCLIServer { server, folder in
            _ = try await server.bootstrapTenant(slug: "acme")
            let shared = folder.appendingPathComponent("shared")
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            chmod(shared.path, 0o1777)
            func mode(_ path: String) throws -> Int {
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
            }
            func login(_ config: String) async throws -> Run {
                try await Self.run(
                    Self.binary,
                    [
                        "login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example", "--config", config,
                    ], input: "admin-password\n")
            }
            let inShared = shared.appendingPathComponent("x.json").path
            #expect(try await login(inShared).status == 0)
            #expect(try mode(shared.path) == 0o1777, "the shared folder keeps its mode")
            #expect(try mode(inShared) == 0o600)

            let own = folder.appendingPathComponent("new/keyplan/config.json").path
            #expect(try await login(own).status == 0)
            #expect(try mode(URL(fileURLWithPath: own).deletingLastPathComponent().path) == 0o700)
            #expect(try mode(own) == 0o600)

            chmod(inShared, 0o644)
            let warned = try await Self.run(Self.binary, ["context", "list", "--config", inShared])
            #expect(warned.status == 0 && warned.errors.contains("others can read it") && warned.errors.contains("chmod 600"), "\(warned.errors)")
            #expect(try mode(inShared) == 0o644, "warned, not changed")
        }
    }
}
