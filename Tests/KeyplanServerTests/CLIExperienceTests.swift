import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import KeyplanWire
import Testing

@testable import KeyplanLocalDatabase
@testable import KeyplanServer

#if canImport(Glibc)
import Glibc
#endif

/// The everyday CLI as sellers and customers meet it (#16): one co-editing rule with refusals
/// that say who changed what, people and records by name, the account's participants as the only
/// people a record may name, plain errors, local times, a password prompt that does not echo,
/// and an example in every command's help.
extension CLITests {
    /// A config file with one context per caller of `world` (a fresh session each), named after
    /// the caller; the first is current.
    func writeContexts(_ world: TwoTenantWorld, _ callers: [MatrixCaller]) async throws {
        var contexts: [String: [String: String]] = [:]
        for caller in callers {
            let user = try #require(world.users[caller])
            let token = try await world.server.mintSession(tenant: user.tenant, user: user.user)
            contexts[caller.rawValue] = ["server": "127.0.0.1:\(world.server.port)", "token": token]
        }
        let file: [String: Any] = ["currentContext": callers[0].rawValue, "contexts": contexts]
        let url = URL(fileURLWithPath: configPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: file).write(to: url)
        chmod(configPath, 0o600)
    }

    /// A customer and a seller co-edit a shared action through the CLI: each change keeps the
    /// fields it did not name, and the stale one is refused with who changed the action, when,
    /// and how it reads now — in words, and with `--json` as the record itself.
    @Test func aStaleChangeIsRefusedWithWhoChangedItAndHowItReadsNow() async throws {
        try await withCLIServer { server, _ in
            let world = try await TwoTenantWorld.build(server)
            try await writeContexts(world, [.sellerOnTeam, .customerEditor])
            let seller = try await world.client(for: .sellerOnTeam)
            let action = try await seller.createAction(
                CreateActionRequest(
                    accountID: world.accountA, title: "Run the pilot", description: "Lines 1 to 3 first", dueOn: try calendarDate("2027-03-31"),
                    shared: true))

            // The customer sees one account: no --account needed.
            let started = try await json(
                PlanAction.self, ["actions", "update", "Run the pilot", "--version", "1", "--status", "in_progress", "--context", "customerEditor"])
            #expect(started.version == 2 && started.status == .inProgress)
            #expect(started.description == "Lines 1 to 3 first" && started.dueOn == action.dueOn && started.shared, "fields not named are kept")

            let stale = try await keyplan([
                "actions", "update", "Run the pilot", "--account", "Account A", "--version", "1", "--title", "Run the pilot in Lyon",
            ])
            #expect(stale.status != 0)
            #expect(stale.errors.contains("not saved: it changed since you read it: you read version 1, it is now at version 2"), "\(stale.errors)")
            #expect(stale.errors.contains("changed by customerEditor <editor@buyer.example>, customer, at "))
            #expect(stale.errors.contains("status: in progress") && stale.errors.contains("Run the pilot\n") && stale.errors.contains("--version 2"))
            struct Refusal: Decodable {
                struct Body: Decodable {
                    var code: String
                    var current: PlanAction
                }
                var error: Body
            }
            let staleJSON = try await keyplan([
                "actions", "update", "Run the pilot", "--account", "Account A", "--version", "1", "--title", "x", "--json",
            ])
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let refusal = try decoder.decode(Refusal.self, from: Data(staleJSON.output.utf8)).error
            #expect(
                refusal.code == "ABORTED" && refusal.current.version == 2 && refusal.current.status == .inProgress
                    && refusal.current.updatedBy.email == "editor@buyer.example")
            let now = try await seller.getAction(accountID: world.accountA, actionID: action.id)
            #expect(now.version == 2 && now.title == "Run the pilot", "nothing was written")

            // Deleting names the version too: without it nothing is sent, with a stale one nothing is deleted.
            let unversioned = try await keyplan(["actions", "delete", "Run the pilot", "--account", "Account A"])
            #expect(unversioned.status != 0 && unversioned.errors.contains("--version"))
            let staleDelete = try await keyplan(["actions", "delete", "Run the pilot", "--account", "Account A", "--version", "1"])
            #expect(staleDelete.status != 0 && staleDelete.errors.contains("it is now at version 2"))
            #expect(try await seller.getAction(accountID: world.accountA, actionID: action.id).version == 2)
        }
    }

    /// People are named by email or name among the account's participants, whom a customer can
    /// list; a seller off the account's team can be neither found nor assigned — not through the
    /// CLI, not through the API for any record that names a person — and is never notified.
    @Test func onlyTheAccountsParticipantsCanBeNamed() async throws {
        try await withCLIServer { server, _ in
            let world = try await TwoTenantWorld.build(server)
            try await writeContexts(world, [.customerEditor, .sellerOnTeam])
            let participants = try await json(ParticipantList.self, ["accounts", "participants"]).participants
            #expect(
                participants.map(\.person.email) == [
                    "seller-member@acme.example", "seller-on@acme.example", "editor@buyer.example", "viewer@buyer.example",
                ])
            #expect(participants.map(\.roleWords) == ["member", "owner", "customer editor", "customer viewer"])
            let text = try await keyplan(["accounts", "participants"])
            #expect(
                text.output.contains("seller-on <seller-on@acme.example>\tseller, owner")
                    && text.output.contains("customerEditor <editor@buyer.example>\tcustomer, editor"))
            #expect(!text.output.contains("seller-off") && !text.output.contains("leader@"))

            let mine = try await json(
                PlanAction.self, ["actions", "create", "--title", "Name a sponsor", "--owner", "seller-on@acme.example", "--shared"])
            #expect(mine.ownerID == (try world.user(.sellerOnTeam)) && mine.ownerName == "seller-on")
            let offTeam = try await failure(["actions", "create", "--title", "Sneaky", "--owner", "seller-off@acme.example", "--shared"])
            #expect(
                offTeam.code == "NOT_FOUND" && offTeam.message.contains("no person on this account matches “seller-off@acme.example”"), "\(offTeam)")
            let ambiguous = try await failure(["actions", "create", "--title", "Who?", "--owner", "seller", "--shared"])
            #expect(
                ambiguous.code == "INVALID_ARGUMENT" && ambiguous.message.contains("could be 2")
                    && ambiguous.message.contains("seller-on <seller-on@acme.example>")
                    && ambiguous.message.contains("seller-member <seller-member@acme.example>"), "\(ambiguous)")
            let byPrefix = try await json(PlanAction.self, ["actions", "update", "Name a", "--version", "1", "--owner", "seller-mem"])
            #expect(byPrefix.ownerName == "seller-member")

            // The API refuses what the CLI cannot even name, for every reference to a person.
            let editor = try await world.client(for: .customerEditor)
            let owner = try await world.client(for: .sellerOnTeam)
            let outsider = try world.user(.sellerOffTeam)
            let a = world.accountA
            let refusals: [(String, () async throws -> Void)] = [
                (
                    "an action's owner",
                    { _ = try await editor.createAction(CreateActionRequest(accountID: a, title: "Sneaky", ownerID: outsider, shared: true)) }
                ),
                (
                    "a new owner",
                    { _ = try await editor.updateAction(UpdateActionRequest(accountID: a, actionID: mine.id, expectedVersion: 2, ownerID: outsider)) }
                ),
                (
                    "a step's responsible",
                    {
                        _ = try await owner.addProcessStep(
                            AddProcessStepRequest(accountID: a, activity: "Intake", responsibleUserID: outsider, side: .joint))
                    }
                ),
                (
                    "a review's attendee",
                    {
                        _ = try await owner.recordReview(
                            RecordReviewRequest(accountID: a, heldOn: try calendarDate("2026-11-02"), attendeeIDs: [outsider]))
                    }
                ),
                (
                    "a mention",
                    {
                        _ = try await editor.addComment(
                            AddCommentRequest(accountID: a, subject: CommentSubject(.action, mine.id), body: "hi", mentions: [outsider]))
                    }
                ),
                (
                    "a relationship",
                    {
                        let contact = try await owner.addContact(AddContactRequest(accountID: a, fullName: "Dana Diaz"))
                        _ = try await owner.setRelationship(
                            SetRelationshipRequest(accountID: a, contactID: contact.id, userID: outsider, strength: .strong))
                    }
                ),
            ]
            for (what, call) in refusals {
                let error = await rpcError(call)
                #expect(
                    error?.code == .invalidArgument && error?.message.contains("must take part in this account") == true,
                    "\(what): \(String(describing: error))")
                #expect(error?.message.contains("seller-off") != true, "\(what): the refusal does not name the outsider")
            }
            let told = try await server.inTenant(world.acme) { connection in
                try await connection.query("SELECT count(*) AS n FROM notifications WHERE recipient_id = \(outsider)").single(Int.self, column: "n")
            }
            #expect(told == 0, "the off-team seller was told of nothing")
        }
    }

    /// Records and accounts by name or prefix; an ambiguous name lists the candidates; errors
    /// are in the user's words; times in the user's time zone.
    @Test func namesPlainErrorsAndLocalTimes() async throws {
        try await withCLIServer { server, _ in
            let world = try await TwoTenantWorld.build(server)
            try await writeContexts(world, [.sellerOnTeam, .customerViewer, .leader])
            let seller = try await world.client(for: .sellerOnTeam)
            _ = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Grow EMEA"))
            _ = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Grow APAC"))

            let ambiguous = try await keyplan(["goals", "show", "Grow", "--account", "Account A"])
            #expect(
                ambiguous.status != 0 && ambiguous.errors.contains("“Grow” could be 2 goals") && ambiguous.errors.contains("Grow EMEA (")
                    && ambiguous.errors.contains("Grow APAC ("), "\(ambiguous.errors)")
            let accounts = try await keyplan(["goals", "list", "--account", "Account", "--context", "leader"])
            #expect(
                accounts.status != 0 && accounts.errors.contains("could be 2 accounts") && accounts.errors.contains("Account A")
                    && accounts.errors.contains("Account B"), "\(accounts.errors)")
            let missing = try await keyplan(["goals", "list", "--account", "Initech"])
            #expect(missing.status != 0 && missing.errors.contains("no account matches “Initech”; there are: Account A"), "\(missing.errors)")
            let byPrefix = try await keyplan(["goals", "show", "Grow E", "--account", "Account A"])
            #expect(byPrefix.status == 0 && byPrefix.output.contains("Grow EMEA"))

            // Plain words: what the refusal means and what to do, no method or access names.
            let viewer = try await keyplan(["actions", "create", "--title", "Mine", "--shared", "--context", "customerViewer"])
            #expect(
                viewer.errors.contains("ask the account team to make you an editor") && !viewer.errors.contains("collaborate")
                    && !viewer.errors.contains("keyplan."), "\(viewer.errors)")
            let map = try await keyplan(["map", "show", "--context", "customerViewer"])
            #expect(map.errors.contains("only the account team can see the relationship map"), "\(map.errors)")
            let users = try await keyplan(["users", "list", "--context", "leader"])
            #expect(users.errors.contains("only an admin can list users"), "\(users.errors)")
            let usersJSON = try await failure(["users", "list", "--context", "leader"])
            #expect(usersJSON.code == "PERMISSION_DENIED" && usersJSON.message == "only an admin can list users")

            // Local time: the same record shown in two time zones.
            func shown(in zone: String) async throws -> String {
                var environment = ProcessInfo.processInfo.environment
                environment["TZ"] = zone
                let run = try await Self.run(
                    Self.binary, ["goals", "show", "Grow EMEA", "--account", "Account A", "--config", configPath], environment: environment)
                try #require(run.status == 0, "\(run.errors)")
                return run.output
            }
            let tokyo = try await shown(in: "Asia/Tokyo"), utc = try await shown(in: "UTC")
            #expect(tokyo.contains(" +09:00") && utc.contains(" UTC") && !utc.contains("+09:00"), "\(tokyo)\n\(utc)")
            func hour(_ text: String) throws -> Int {
                let match = try #require(text.firstMatch(of: /at \d{4}-\d\d-\d\d (\d\d):\d\d/))
                return try #require(Int(match.1))
            }
            #expect((try hour(utc) + 9) % 24 == (try hour(tokyo)), "the same moment, nine hours apart")
            let whoami = try await keyplan(["whoami"])
            #expect(whoami.output.contains("seller-on <seller-on@acme.example>, seller in Acme (tenant acme)"), "\(whoami.output)")
        }
    }

    /// `keyplan login` on a terminal prompts on it and turns echo off while the password is typed:
    /// the terminal never shows it.
    @Test func loginPromptsForThePasswordWithoutEcho() async throws {
        try await withCLIServer { server, _ in
            _ = try await server.bootstrapTenant(slug: "acme")
            let (master, terminal) = try Self.openTerminal()
            defer { close(master) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, terminal, 0)
            posix_spawn_file_actions_adddup2(&actions, terminal, 1)
            posix_spawn_file_actions_adddup2(&actions, terminal, 2)
            Subprocess.closeInheritedDescriptors(&actions)
            let arguments = [
                Self.binary.path, "login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example", "--config",
                configPath,
            ]
            let argv = arguments.map { strdup($0) } + [nil]
            let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { (argv + environment).forEach { free($0) } }
            var pid: pid_t = 0
            try #require(posix_spawn(&pid, Self.binary.path, &actions, nil, argv, environment) == 0)
            close(terminal)

            // Everything the terminal shows, read on a thread of its own until the child is gone.
            let screen = TerminalReader(master)
            try await Task.sleep(for: .milliseconds(300))
            var prompted = false
            for _ in 0..<100 where !prompted {
                // The prompt is up once echo is off on the terminal.
                var settings = termios()
                prompted = tcgetattr(master, &settings) == 0 && settings.c_lflag & tcflag_t(ECHO) == 0
                if !prompted { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(prompted, "echo was turned off for the password")
            _ = "admin-password\n".withCString { write(master, $0, strlen($0)) }
            let child = pid
            let status = try await withCheckedThrowingContinuation { continuation in
                Thread {
                    var status: Int32 = 0
                    while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                    continuation.resume(returning: status)
                }.start()
            }
            let shown = String(decoding: screen.wait(), as: UTF8.self)
            #expect(status == 0, "\(shown)")
            #expect(shown.contains("Password: ") && shown.contains("as admin@acme.example"), "\(shown)")
            #expect(!shown.contains("admin-password"), "the terminal showed the password: \(shown)")
        }
    }

    /// The login command `tenant create` prints works as printed.
    @Test func tenantCreatePrintsALoginCommandThatWorks() async throws {
        let serverBinary = Self.binary.deletingLastPathComponent().appendingPathComponent("keyplan-server")
        try await withCLIServer { server, _ in
            let created = try await Self.run(
                serverBinary,
                [
                    "tenant", "create", "--name", "Acme Corp", "--slug", "acme", "--admin-email", "root@acme.example", "--database-url",
                    server.database.appURL,
                    "--server", "127.0.0.1:\(server.port)",
                ])
            try #require(created.status == 0, "\(created.errors)")
            let password = try #require(created.output.split(separator: "\n").first { $0.hasPrefix("password ") }).dropFirst("password ".count)
            let command = try #require(
                created.output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("keyplan login") })
            #expect(command.contains("--server 127.0.0.1:\(server.port)"))
            let words = command.split(separator: " ").dropFirst().map(String.init)
            let login = try await keyplan(words, input: password + "\n")
            #expect(login.status == 0 && login.output.contains("signed in to Acme Corp as root@acme.example"), "\(login.errors)")
        }
    }

    /// Every command that takes arguments shows an example in its help.
    @Test func everyCommandsHelpHasAnExample() async throws {
        var missing: [String] = []
        var pending = [[String]()]
        var visited = 0
        while let path = pending.popLast(), visited < 300 {
            visited += 1
            let help = try await Self.run(Self.binary, path + ["--help"]).output
            let subcommands = Self.section("SUBCOMMANDS", of: help).compactMap { line -> String? in
                let name = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
                return line.hasPrefix("  ") && !line.hasPrefix("   ") && name?.first?.isLowercase == true ? name : nil
            }
            if subcommands.isEmpty {
                let ownOptions = Self.section("OPTIONS", of: help).filter { line in
                    line.hasPrefix("  -")
                        && !["--context", "--config", "--json", "--timeout", "-h, --help"].contains { line.dropFirst(2).hasPrefix($0) }
                }
                let takesArguments = !Self.section("ARGUMENTS", of: help).isEmpty || !ownOptions.isEmpty
                if takesArguments && !help.contains("Example") { missing.append(path.joined(separator: " ")) }
            } else {
                pending += subcommands.filter { $0 != "help" }.map { path + [$0] }
            }
        }
        #expect(visited > 60, "walked \(visited) commands")
        #expect(missing.isEmpty, "without an example: \(missing)")
    }

    /// Every `keyplan` command the README shows — the reference's `$KP …` lines and the
    /// walk-through's — names a command that exists and only options its `--help` lists.
    @Test func theReadmesCommandsMatchTheirHelp() async throws {
        let readme = try String(contentsOf: packageDirectory.appendingPathComponent("README.md"), encoding: .utf8)
        var commands: [[String]] = []
        for raw in readme.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            for part in raw.components(separatedBy: " ; ") {
                var words = Self.shellWords(part)
                if words.first == "$KP" || words.first == "keyplan" { words.removeFirst() } else { continue }
                commands.append(words)
            }
        }
        #expect(commands.count > 60, "found \(commands.count) commands in README.md")
        var helps: [[String]: String] = [:]
        func help(_ path: [String]) async throws -> String {
            if let known = helps[path] { return known }
            let text = try await Self.run(Self.binary, path + ["--help"]).output
            helps[path] = text
            return text
        }
        var problems: [String] = []
        for words in commands {
            var path: [String] = []
            for word in words where !word.hasPrefix("-") {
                let subcommands = Self.section("SUBCOMMANDS", of: try await help(path)).compactMap {
                    $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
                }
                guard subcommands.contains(word) else { break }
                path.append(word)
            }
            let text = try await help(path)
            if !Self.section("SUBCOMMANDS", of: text).isEmpty {
                problems.append("“keyplan \(words.joined(separator: " "))” names no command")
                continue
            }
            for option in words where option.hasPrefix("--") {
                let name = String(option.prefix { $0 != "=" })
                if !text.contains(" \(name) ") && !text.contains(" \(name)\n") && !text.contains("/\(name) ") && !text.contains(" \(name)/") {
                    problems.append("keyplan \(path.joined(separator: " ")) has no \(name)")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    /// A command line's words as a shell splits them (quotes, a trailing comment, `|` and `||` end it).
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = [], word = "", quote: Character?, started = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            switch character {
            case "\"", "'":
                quote = character
                started = true
            case " ", "\t":
                if started { words.append(word) }
                word = ""
                started = false
            case "#" where !started: return words
            case "|" where !started: return words
            default:
                word.append(character)
                started = true
            }
        }
        if started { words.append(word) }
        return words
    }

    /// The lines of a `--help` section.
    static func section(_ name: String, of help: String) -> [String] {
        var lines: [String] = [], inside = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix(name + ":") {
                inside = true
                continue
            }
            // A blank line or the next heading ends it (after SUBCOMMANDS comes "See 'keyplan help …'").
            if inside, line.isEmpty || !line.hasPrefix(" ") { break }
            if inside { lines.append(line) }
        }
        return lines
    }

    /// A new pseudo-terminal: its master side and its terminal, opened through /dev/ptmx with
    /// Linux's ioctls (glibc's posix_openpt and ptsname are not visible to Swift).
    static func openTerminal() throws -> (master: Int32, terminal: Int32) {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0, "no /dev/ptmx: \(String(cString: strerror(errno)))")
        var unlock: Int32 = 0, number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        try #require(ioctl(master, TIOCSPTLCK, &unlock) == 0 && ioctl(master, TIOCGPTN, &number) == 0, "\(String(cString: strerror(errno)))")
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(terminal >= 0, "cannot open /dev/pts/\(number): \(String(cString: strerror(errno)))")
        return (master, terminal)
    }

    /// Reads a terminal's master side until the other side is gone (a read then fails with EIO,
    /// which Foundation's readers do not expect).
    final class TerminalReader: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        init(_ descriptor: Int32) {
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(descriptor, &buffer, buffer.count)
                    if count > 0 { data.append(contentsOf: buffer[0..<count]) } else if count < 0 && errno == EINTR { continue } else { break }
                }
                done.signal()
            }.start()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}
