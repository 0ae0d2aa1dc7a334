import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// The request path of #14: credentials cached but revocable everywhere at once, the access check
/// in the work's own transaction, a read in one round trip, writes and their audit rows
/// committed together.
@Suite("The request path")
struct RequestPathTests {
    /// How long `body` takes to start answering UNAUTHENTICATED (polling every 20 ms, at most 5 s);
    /// `nil` if it never does.
    func timeUntilRefused(_ body: @escaping @Sendable () async throws -> Void) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(5) {
            if await statusCode(body) == .unauthenticated { return ContinuousClock.now - start }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func aRevokedSessionIsRefusedByASecondServerWithinTwoSeconds() async throws {
        try await IdentityTestServer.with { first in
            let (_, admin) = try await first.bootstrapTenant(slug: "acme")
            try await SecondServer.with(beside: first) { second in
                // The second server has the session cached.
                let session = try await first.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
                let viaSecond = second.client(session.token)
                _ = try await viaSecond.whoAmI()
                try await first.client(admin.token).revokeSession(session.identity.credentialID)
                let refusedAfter = try #require(await timeUntilRefused { _ = try await viaSecond.whoAmI() })
                #expect(refusedAfter < .seconds(2))

                // A disabled user is refused there too, and so is a credential whose revocation
                // was never notified (the trigger off: the cache's one-second lifetime ends it).
                let sam = try await first.client(admin.token).createUser(
                    CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: "sam-password"))
                let samOnSecond = second.client(
                    try await first.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "sam-password").token)
                _ = try await samOnSecond.whoAmI()
                _ = try await first.client(admin.token).disableUser(sam.user.id)
                #expect(try #require(await timeUntilRefused { _ = try await samOnSecond.whoAmI() }) < .seconds(2))

                let owner = try RunningClient(url: first.database.ownerURL)
                let quiet = try await first.anonymous.signIn(tenantSlug: "acme", email: "admin@acme.example", password: "admin-password")
                let quietOnSecond = second.client(quiet.token)
                _ = try await quietOnSecond.whoAmI()
                try await owner.client.query("ALTER TABLE credentials DISABLE TRIGGER credential_changed")
                try await first.client(admin.token).revokeSession(quiet.identity.credentialID)
                let unnotified = await timeUntilRefused { _ = try await quietOnSecond.whoAmI() }
                try await owner.client.query("ALTER TABLE credentials ENABLE TRIGGER credential_changed")
                await owner.stop()
                #expect(try #require(unnotified) < .seconds(2))
            }
        }
    }

    /// A seller taken off the account while their write is being checked: the check waits for the
    /// removal (the membership row is share-locked by a write's check), then finds no membership,
    /// and nothing is written.
    @Test func aMembershipRemovedConcurrentlyCannotSlipAWriteThrough() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let member = try await world.client(for: .teamMember)
            let memberID = try #require(world.users[.teamMember]).user
            _ = try await member.createGoal(accountID: world.accountA, GoalDraft(title: "Allowed while on the team"))

            let removal = try await server.client.leaseConnection()
            do {
                try await removal.query("BEGIN")
                try await removal.query("SELECT set_config('app.tenant_id', \(world.acme.uuidString.lowercased()), true)")
                try await removal.query("DELETE FROM account_team WHERE account_id = \(world.accountA) AND user_id = \(memberID)")
                let write = Task {
                    await rpcError { _ = try await member.createGoal(accountID: world.accountA, GoalDraft(title: "Slipped through")) }
                }
                // Wait until the write's check waits for the removal's lock.
                var waiting = false
                for _ in 0..<250 where !waiting {
                    try await Task.sleep(for: .milliseconds(20))
                    waiting =
                        try await server.client.query(
                            """
                            SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%account_access%'
                            """
                        ).single(Int.self, column: "n") > 0
                }
                #expect(waiting, "the write's check should wait for the removal")
                try await removal.query("COMMIT")
                let refused = await write.value
                #expect(refused?.code == .notFound)
            } catch {
                await removal.rollBack()
                server.client.releaseConnection(removal)
                throw error
            }
            server.client.releaseConnection(removal)
            let titles = try await server.inTenant(world.acme) {
                try await $0.query("SELECT title FROM goals WHERE account_id = \(world.accountA)").map { try $0.decode(String.self, column: "title") }
            }
            #expect(titles == ["Allowed while on the team"])
        }
    }

    @Test func anAuthorizedReadIsOneRoundTripOnceTheCredentialIsCached() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let goal = try await seller.createGoal(
                accountID: world.accountA, GoalDraft(title: "Grow EMEA", metrics: [GoalMetric(name: "Revenue", unit: "EUR", target: 200)]))
            _ = try await seller.goal(accountID: world.accountA, goalID: goal.id)
            _ = try await seller.goal(accountID: world.accountA, goalID: goal.id)
            let gets = server.log.text.split(separator: "\n").filter { $0.contains("database work") && $0.contains("keyplan.Goals/Get") }
            #expect(gets.count == 2)
            #expect(gets.allSatisfy { Self.roundTrips(in: $0) == 1 }, "\(gets)")
            // A customer out of the account still gets NOT_FOUND from that one round trip.
            let outsider = try await world.client(for: .otherTenantCustomer)
            #expect(await rpcError { _ = try await outsider.goal(accountID: world.accountA, goalID: goal.id) }?.code == .notFound)
            let viewer = try await world.client(for: .customerViewer)
            #expect(
                await rpcError {
                    _ = try await viewer.updateGoal(
                        UpdateGoalRequest(accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version, title: "x"))
                }?.code == .permissionDenied)
        }
    }
}

extension RequestPathTests {
    /// A goal's change is written with the COMMIT and answered without reading it back: the answer
    /// must be exactly the goal as stored, as a later read returns it.
    @Test func aChangedGoalIsAnsweredAsStored() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let metrics = [
                GoalMetric(
                    name: "Revenue", unit: "EUR", baseline: Decimal(string: "100.5"), target: Decimal(string: "1234567890.1234"), current: nil),
                GoalMetric(name: "NPS", unit: "", baseline: -12, target: 0, current: Decimal(string: "0.0001")),
            ]
            let parent = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Grow EMEA", metrics: metrics))
            #expect(parent == (try await seller.goal(accountID: world.accountA, goalID: parent.id)))
            let child = try await editor.createGoal(
                accountID: world.accountA,
                GoalDraft(
                    kind: .initiative, parentID: parent.id, title: "Pilot “in Lyon”", description: "two\nlines", department: "Ops",
                    targetDate: CalendarDate("2027-03-31")))
            #expect(child == (try await editor.goal(accountID: world.accountA, goalID: child.id)))
            let updated = try await seller.updateGoal(
                UpdateGoalRequest(
                    accountID: world.accountA, goalID: child.id, expectedVersion: child.version, title: "Pilot in Lyon and Nice",
                    metrics: metrics.reversed(), clear: [.targetDate]))
            #expect(updated.version == child.version + 1)
            #expect(updated == (try await editor.goal(accountID: world.accountA, goalID: child.id)))
            #expect(updated.updatedBy.userID == world.users[.sellerOnTeam]?.user && updated.createdBy.userID == world.users[.customerEditor]?.user)
            let writes = server.log.text.split(separator: "\n").filter { $0.contains("database work") && $0.contains("keyplan.Goals/Update") }
            #expect(writes.count == 1 && writes.allSatisfy { Self.roundTrips(in: $0) == 2 }, "\(writes)")

            // Metrics sent as they are stored are not rewritten (their rows keep the transaction that wrote them).
            func metricRows() async throws -> [String] {
                try await server.inTenant(world.acme) { connection in
                    try await connection.query("SELECT xmin::text AS writer FROM goal_metrics WHERE goal_id = \(child.id) ORDER BY position")
                        .map { try $0.decode(String.self, column: "writer") }
                }
            }
            let written = try await metricRows()
            let retitled = try await seller.updateGoal(
                UpdateGoalRequest(
                    accountID: world.accountA, goalID: child.id, expectedVersion: updated.version, title: "Pilot in Lyon", metrics: updated.metrics))
            #expect(retitled.metrics == updated.metrics && retitled.title == "Pilot in Lyon")
            #expect(try await metricRows() == written && written.count == 2)
            #expect(retitled == (try await editor.goal(accountID: world.accountA, goalID: child.id)))
        }
    }

    /// The `db.round_trips` of a "database work" log line (its metadata come in any order).
    static func roundTrips(in line: Substring) -> Int? {
        guard let match = line.firstMatch(of: /"db\.round_trips": (\d+)/) else { return nil }
        return Int(match.1)
    }
}

/// A `keyplan-server serve` process of the built executable, on a test database, to kill.
struct ServerProcessUnderTest {
    let process: Process
    let port: Int

    /// - Parameter environment: settings added to this process's environment (`KEYPLAN_*`).
    ///
    /// The RPC port is drawn below Linux's ephemeral range (so no outgoing connection holds it), the
    /// metrics and HTTP ports are the system's choice; a process that exits at once (its port was taken
    /// after all) is started again on another.
    static func start(databaseURL: String, environment: [String: String] = [:]) async throws -> ServerProcessUnderTest {
        let binary = CLITests.binary.deletingLastPathComponent().appendingPathComponent("keyplan-server")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build keyplan-server first")
        var errors = ""
        for _ in 0..<3 {
            let port = Int.random(in: 20_000...29_999)
            let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-server-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: errorFile) }
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                "serve", "--database-url", databaseURL, "--port", "\(port)", "--metrics-port", "0", "--http-port", "0", "--log-level", "error",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: errorFile)
            try process.run()
            let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: port))
            defer { Task { await rpc.close() } }
            // Each probe has its own deadline: a probe must not wait on a connection that never comes.
            let deadline = ContinuousClock.now + .seconds(60)
            while process.isRunning, ContinuousClock.now < deadline {
                if (try? await rpc.unary(ServerHealth.check, request: ServerHealth.Request(), options: CallOptions(timeout: .seconds(1)))) != nil {
                    return ServerProcessUnderTest(process: process, port: port)
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        }
        throw RPCError(code: .unavailable, message: "keyplan-server did not start: \(errors.suffix(1000))")
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Stops it as an orchestrator does: SIGTERM (the server sends GOAWAY and drains), then SIGKILL
    /// if it is still running after `grace`.
    func terminate(grace: Duration) async {
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        kill()
    }
}

extension RequestPathTests {
    /// Writers create goals against a real server process, which is killed with SIGKILL mid-load:
    /// every acknowledged write is there with its audit row, and every write that is there has its
    /// audit row (they commit together), whatever was in flight.
    @Test func everyWritesAuditRowSurvivesAKillMidLoad() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try #require(world.users[.sellerOnTeam])
            let token = try await server.mintSession(tenant: seller.tenant, user: seller.user)
            let child = try await ServerProcessUnderTest.start(databaseURL: server.database.appURL)
            let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: child.port))
            // No retries: a call ends with the kill (the retry test is in FaultTests).
            let client = KeyplanClient(rpc: rpc, token: token, retry: .never)
            let acknowledged = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var created: [UUID] = []
                        for index in 0..<10_000 {
                            do {
                                created.append(
                                    try await client.createGoal(accountID: world.accountA, GoalDraft(title: "Writer \(writer) goal \(index)")).id)
                            } catch {
                                return created
                            }
                        }
                        return created
                    }
                }
                try await Task.sleep(for: .milliseconds(1500))
                child.kill()
                return try await group.reduce(into: []) { $0 += $1 }
            }
            await rpc.close()
            #expect(acknowledged.count > 20, "the load should have written something before the kill")
            let (goals, audited) = try await server.inTenant(world.acme) { transaction in
                let goals = try await transaction.query("SELECT id FROM goals WHERE account_id = \(world.accountA)").map {
                    try $0.decode(UUID.self, column: "id")
                }
                let audited = try await transaction.query(
                    """
                    SELECT object_id FROM audit_log WHERE method = 'keyplan.Goals/Create' AND code = 'OK'
                    """
                ).map { try $0.decode(UUID.self, column: "object_id") }
                return (Set(goals), audited)
            }
            #expect(Set(acknowledged).isSubset(of: goals), "an acknowledged write was lost")
            #expect(Set(audited) == goals, "a write without its audit row, or an audit row without its write")
            #expect(audited.count == goals.count, "one audit row per write")
        }
    }
}
