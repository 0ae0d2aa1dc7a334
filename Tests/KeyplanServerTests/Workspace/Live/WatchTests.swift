import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import KeyplanRPC
@testable import KeyplanServer

@Suite("Workspace watch")
struct WatchTests {
    @Test func aChangeMadeThroughAnotherServerProcessArrivesWithinASecond() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "before watching")
            try await SecondServer.with(beside: server) { second in
                let latest = try await world.client(for: .teamMember).watch(accountID: world.accountA, after: marker - 1) { changes in
                    // The replayed change proves the watch is subscribed: what follows is live.
                    #expect(try await changes.next()?.id == marker)
                    let started = ContinuousClock.now
                    let id = try await world.journalChange(.shared, "made on server 2", through: second.client)
                    let change = try #require(try await changes.next(within: .seconds(5)))
                    let elapsed = ContinuousClock.now - started
                    #expect(change.id == id && change.summary == "made on server 2" && change.actor.displayName == "seller-on")
                    #expect(elapsed < .seconds(1), "delivered after \(elapsed)")
                    return change.id
                }
                // And the other way round: watching on server 2, a change through server 1's RPC database.
                let watcher = second.client(
                    try await world.server.mintSession(tenant: world.acme, user: try #require(world.users[.customerEditor]).user))
                try await watcher.watch(accountID: world.accountA, after: latest - 1) { changes in
                    #expect(try await changes.next()?.id == latest)
                    try await world.journalChange(.shared, "made on server 1", by: .customerEditor)
                    #expect(try await changes.next(within: .seconds(5))?.summary == "made on server 1")
                }
            }
        }
    }

    @Test func aCustomerWatcherNeverReceivesAnInternalChange() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "marker")
            let customer = try await world.client(for: .customerViewer)
            let seller = try await world.client(for: .leader)
            try await customer.watch(accountID: world.accountA, after: marker - 1) { customerChanges in
                try await seller.watch(accountID: world.accountA, after: marker - 1) { sellerChanges in
                    #expect(try await customerChanges.next()?.id == marker)
                    #expect(try await sellerChanges.next()?.id == marker)
                    try await world.journalChange(.internal, "internal plan")
                    try await world.journalChange(.shared, "shared plan")
                    #expect(try await customerChanges.summaries(1) == ["shared plan"])
                    #expect(try await sellerChanges.summaries(2) == ["internal plan", "shared plan"])
                }
            }
            // Replayed from the start, the customer's stream still holds no internal change.
            try await customer.watch(accountID: world.accountA, after: 0) { changes in
                let summaries = try await changes.summaries(2)
                #expect(summaries == ["marker", "shared plan"])
            }
        }
    }

    @Test func callersOutsideTheAccountGetNotFound() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await world.journalChange(.shared, "shared")
            for caller in [MatrixCaller.otherTenantCustomer, .sellerOffTeam] {
                let error = await rpcError {
                    try await world.client(for: caller).watch(accountID: world.accountA, after: 0) { changes in _ = try await changes.next() }
                }
                #expect(error?.code == .notFound, "\(caller)")
            }
            // Another tenant's account, by a customer of acme.
            let error = await rpcError {
                try await world.client(for: .customerEditor).watch(accountID: world.accountC, after: 0) { changes in _ = try await changes.next() }
            }
            #expect(error?.code == .notFound)
            let negative = await rpcError {
                try await world.client(for: .admin).watch(accountID: world.accountA, after: -1) { changes in _ = try await changes.next() }
            }
            #expect(negative?.code == .invalidArgument)
        }
    }

    @Test func resumingAfterAChangeReplaysWhatFollowsItThenGoesLive() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let first = try await world.journalChange(.shared, "one")
            try await world.journalChange(.internal, "two")
            try await world.journalChange(.shared, "three")
            try await world.journalChange(.shared, "elsewhere", account: world.accountB)
            try await world.client(for: .admin).watch(accountID: world.accountA, after: first) { changes in
                #expect(try await changes.summaries(2) == ["two", "three"])
                try await world.journalChange(.shared, "four")
                #expect(try await changes.summaries(1) == ["four"])
            }
            // Without `after`, only what happens from now on.
            try await world.client(for: .admin).watch(accountID: world.accountA) { changes in
                await #expect(throws: WatchTimedOut.self) { _ = try await changes.next(within: .milliseconds(300)) }
                try await world.journalChange(.shared, "five")
                #expect(try await changes.summaries(1) == ["five"])
            }
        }
    }

    @Test func aCustomerRemovedFromTheAccountIsCutOff() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "marker")
            let customer = try #require(world.users[.customerEditor]).user
            let error = await rpcError {
                try await world.client(for: .customerEditor).watch(accountID: world.accountA, after: marker - 1) { changes in
                    #expect(try await changes.next()?.id == marker)
                    _ = try await server.inTenant(world.acme) { try await $0.query("DELETE FROM account_customers WHERE user_id = \(customer)") }
                    try await world.journalChange(.shared, "after removal")
                    while try await changes.next() != nil { Issue.record("a removed customer received a change") }
                }
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test func aWatcherWhoseCredentialEndsIsCutOff() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "marker")
            // Signed out while watching: the next wake ends the stream.
            let customer = server.client(try await server.mintSession(tenant: world.acme, user: try #require(world.users[.customerEditor]).user))
            let signedOut = await rpcError {
                try await customer.watch(accountID: world.accountA, after: marker - 1) { changes in
                    #expect(try await changes.next()?.id == marker)
                    try await customer.signOut()
                    try await world.journalChange(.shared, "after sign-out")
                    while let change = try await changes.next(within: .seconds(10)) {
                        Issue.record("a signed-out watcher received \(change.summary)")
                    }
                }
            }
            #expect(signedOut?.code == .unauthenticated)
            // A seller disabled while watching: cut off too.
            let latest = try await world.journalChange(.shared, "before disabling")
            let seller = try #require(world.users[.teamMember]).user
            let sellerClient = server.client(try await server.mintSession(tenant: world.acme, user: seller))
            let disabled = await rpcError {
                try await sellerClient.watch(accountID: world.accountA, after: latest - 1) { changes in
                    #expect(try await changes.next()?.id == latest)
                    let rows = try await server.inTenant(world.acme) {
                        try await $0.query("UPDATE users SET disabled_at = now() WHERE id = \(seller) RETURNING id")
                    }
                    #expect(rows.count == 1)
                    try await world.journalChange(.shared, "after disabling")
                    while let change = try await changes.next(within: .seconds(10)) { Issue.record("a disabled seller received \(change.summary)") }
                }
            }
            #expect(disabled?.code == .unauthenticated)
        }
    }

    @Test func aLostNotificationIsCaughtUpFromTheJournal() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "marker")
            let running = try RunningClient(url: server.database.ownerURL)
            let owner = running.client
            let watched = await rpcError {
                try await world.client(for: .teamMember).watch(accountID: world.accountA, after: marker - 1) { changes in
                    #expect(try await changes.next()?.id == marker)
                    // As if the listening connection were reconnecting: the change commits unnotified.
                    try await owner.query("ALTER TABLE workspace_changes DISABLE TRIGGER workspace_changes_notify")
                    let lost = try await world.journalChange(.shared, "never notified")
                    try await owner.query("ALTER TABLE workspace_changes ENABLE TRIGGER workspace_changes_notify")
                    // The hub's periodic tick (every 5 s by default) catches up from the journal.
                    #expect(try await changes.next(within: .seconds(8))?.id == lost)
                }
            }
            await running.stop()
            #expect(watched == nil)
        }
    }

    @Test func aWatcherThatFallsBehindIsCutOffNotBuffered() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let events = WorkspaceEvents(database: server.client, configuration: .init(bufferSize: 3, tickInterval: .seconds(60)))
            let topic = WorkspaceEvents.Topic(tenantID: world.acme, accountID: world.accountA)
            let slow = try await events.subscribe(to: topic)
            let other = try await events.subscribe(to: .init(tenantID: world.acme, accountID: world.accountB))
            #expect(events.watcherCount(of: topic) == 1)
            var ids: [Int64] = []
            for index in 0..<5 { ids.append(try await world.journalChange(.shared, "change \(index)")) }
            // Nobody reads the inbox meanwhile: the fourth change overflows it.
            let deadline = ContinuousClock.now + .seconds(10)
            while !slow.overflowed && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(slow.overflowed, "the inbox did not overflow")
            var received: [WorkspaceEvents.Signal] = []
            for await signal in slow.signals { received.append(signal) }
            // The first three were kept, then the inbox was closed rather than grown.
            #expect(received == ids.prefix(3).map { .change($0) })
            #expect(slow.overflowed && !other.overflowed)
            #expect(events.watcherCount(of: topic) == 0)
            other.cancel()
        }
    }

    @Test func theHubReadsTheJournalsPayloads() {
        let tenant = UUID(), account = UUID()
        let parsed = WorkspaceEvents.parse("\(tenant.uuidString.lowercased())/\(account.uuidString.lowercased())/42")
        #expect(parsed?.0 == WorkspaceEvents.Topic(tenantID: tenant, accountID: account) && parsed?.1 == 42)
        for bad in ["", "x/y/1", "\(tenant)/\(account)", "\(tenant)/\(account)/x", "\(tenant)/\(account)/1/2"] {
            #expect(WorkspaceEvents.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func theCursorSendsEachChangeOnceEvenWhenCommitsOvertakeIds() {
        var cursor = WatchCursor(after: 10, capacity: 4)
        #expect(cursor.needs(12))
        cursor.sent(12)
        // Change 11 committed after 12: still needed, and the highest stays 12.
        #expect(cursor.needs(11) && !cursor.needs(12))
        cursor.sent(11)
        #expect(!cursor.needs(11) && cursor.highest == 12)
        for id in Int64(13)...30 { cursor.sent(id) }
        #expect(cursor.highest == 30 && !cursor.needs(30) && !cursor.needs(27))
    }
}

extension WatchTests {
    @Test func aWatcherWhoseClientStopsReadingEndsWithResourceExhausted() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "marker")
            let environment = ServiceEnvironment(
                database: server.client, hasher: PasswordHasher(parameters: .insecureForTesting, threads: .singleton),
                configuration: testIdentityConfiguration(),
                auditTrail: AuditTrail(database: server.client), credentials: CredentialCache(database: server.client),
                visits: WorkspaceVisits(database: server.client))
            let events = WorkspaceEvents(database: server.client, configuration: .init(bufferSize: 3, tickInterval: .seconds(60)))
            let watcher = WorkspaceWatcher(
                environment: environment, events: events, principal: try await world.signedInPrincipal(.teamMember), accountID: world.accountA)
            let sink = StalledSink()
            let writer = MessageWriter(sink: sink, serializer: WorkspaceService.watch.response.serializer)
            let run = Task { try await watcher.run(after: marker - 1, writer: writer) }
            // The replayed change is being written, and the client does not read it.
            var stalled = sink.stalled.makeAsyncIterator()
            await stalled.next()
            let topic = WorkspaceEvents.Topic(tenantID: world.acme, accountID: world.accountA)
            for index in 0..<5 { try await world.journalChange(.shared, "change \(index)") }
            let deadline = ContinuousClock.now + .seconds(10)
            while events.watcherCount(of: topic) > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(events.watcherCount(of: topic) == 0, "the overflowing inbox was dropped while the write still waited")
            sink.release()
            let error = await rpcError { try await run.value }
            #expect(error?.code == .resourceExhausted && error?.message.contains("after: \(marker)") == true, "\(String(describing: error))")
            #expect(sink.sent == 1)
        }
    }
}

extension WatchTests {
    /// Two writers of one account, the one that started journaling first committing last: a
    /// watcher that resumes after the highest id it had seen misses neither change, because an
    /// account's change ids are drawn in commit order (Schema/0014).
    @Test func aResumedWatchMissesNoChangeOfADelayedCommit() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let marker = try await world.journalChange(.shared, "marker")
            let seller = try await world.client(for: .sellerOnTeam)
            let actor = try world.actingPrincipal(.teamMember)
            func watchAcrossTheSlowCommit(_ slow: PostgresConnection) async throws -> (Int64, Int64) {
                try await seller.watch(accountID: world.accountA, after: marker - 1) { changes in
                    #expect(try await changes.next()?.id == marker)
                    // The slow writer journals first and holds its transaction open.
                    try await slow.query("BEGIN")
                    try await slow.query("SELECT set_config('app.tenant_id', \(world.acme.uuidString.lowercased()), true)")
                    let slowID = try await slow.query(
                        """
                        INSERT INTO workspace_changes (tenant_id, account_id, actor_id, actor_kind, entity, entity_id, operation, visibility, summary)
                        VALUES (\(world.acme), \(world.accountA), \(actor.userID), 'seller', 'goal', \(UUID()), 'updated', 'shared', 'slow writer')
                        RETURNING id
                        """
                    ).single(Int64.self, column: "id")
                    // The quick writer's change waits for the slow one to commit: it cannot come first.
                    let quick = Task { try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Quick")) }
                    var highest = marker
                    if let early = try? await changes.next(within: .seconds(1)) { highest = max(highest, early.id) }
                    #expect(highest == marker, "a change arrived while an earlier-drawn one was uncommitted")
                    try await slow.query("COMMIT")
                    _ = try await quick.value
                    let delivered = [
                        try #require(try await changes.next(within: .seconds(5))), try #require(try await changes.next(within: .seconds(5))),
                    ]
                    #expect(delivered.map(\.summary) == ["slow writer", "Goal “Quick” created"])
                    #expect(delivered[0].id == slowID && delivered[1].id > slowID)
                    return (highest, slowID)
                }
            }
            let slow = try await server.client.leaseConnection()
            // Given back whatever happens: a leased connection would keep the server from stopping.
            let watched: (Int64, Int64)
            do {
                watched = try await watchAcrossTheSlowCommit(slow)
            } catch {
                await slow.rollBack()
                server.client.releaseConnection(slow)
                throw error
            }
            server.client.releaseConnection(slow)
            let (highestBeforeCommit, slowID) = watched
            // Resuming after the highest id seen before the slow commit: both changes, in order.
            let resumed = try await seller.watch(accountID: world.accountA, after: highestBeforeCommit) { changes in
                [try #require(try await changes.next(within: .seconds(5))).id, try #require(try await changes.next(within: .seconds(5))).id]
            }
            #expect(resumed.first == slowID && resumed.count == 2)
        }
    }
}
