import Crypto
import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import NIOCore
import Testing

@testable import KeyplanServer

/// Idempotency keys against a real server: a keyed write is done once, however often (or however
/// concurrently) it is sent; a key is the caller's, names one request, and lives a day.
@Suite("Idempotency keys")
struct IdempotencyKeyTests {
    /// Creates a goal through the RPC with `key` in the metadata (no client retry: the test sends each attempt).
    static func create(_ title: String, key: String?, account: UUID, token: String, on rpc: RPCClient) async throws -> GoalView {
        var options = CallOptions(metadata: ["authorization": "Bearer \(token)"])
        if let key { options.metadata[IdempotencyKeys.metadataName] = key }
        return try await rpc.unary(
            GoalsService.create, request: CreateGoalRequest(accountID: account, goal: GoalDraft(title: title)), options: options)
    }

    static func goalCount(_ server: IdentityTestServer, tenant: UUID, title: String) async throws -> Int64 {
        try await server.inTenant(tenant) { transaction in
            try await transaction.query("SELECT count(*) AS n FROM goals WHERE title = \(title)").single(Int64.self, column: "n")
        }
    }

    @Test func aKeyedWriteIsDoneOnceAndItsAnswerReplayed() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Globex")).id
            let first = try await Self.create("Grow EMEA", key: "k-1", account: account, token: admin.token, on: server.rpc)
            let again = try await Self.create("Grow EMEA", key: "k-1", account: account, token: admin.token, on: server.rpc)
            #expect(again == first)
            #expect(try await Self.goalCount(server, tenant: tenant, title: "Grow EMEA") == 1)
            // Without a key, or with another, the same request is a new write.
            _ = try await Self.create("Grow EMEA", key: nil, account: account, token: admin.token, on: server.rpc)
            let other = try await Self.create("Grow EMEA", key: "k-2", account: account, token: admin.token, on: server.rpc)
            #expect(other.id != first.id)
            #expect(try await Self.goalCount(server, tenant: tenant, title: "Grow EMEA") == 3)

            // The key names one request: another under it is refused, and writes nothing.
            let reused = await #expect(throws: RPCError.self) {
                try await Self.create("Something else", key: "k-1", account: account, token: admin.token, on: server.rpc)
            }
            #expect(reused?.code == .failedPrecondition && reused?.message.contains("new key") == true, "\(String(describing: reused))")
            #expect(try await Self.goalCount(server, tenant: tenant, title: "Something else") == 0)

            // A key is its caller's: another user's same key is theirs.
            _ = try await server.client(admin.token).createUser(
                CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller, password: "correct horse battery"))
            let sam = try await server.anonymous.signIn(tenantSlug: "acme", email: "sam@acme.example", password: "correct horse battery")
            try await server.client(admin.token).addTeamMember(AddTeamMemberRequest(accountID: account, userID: sam.identity.userID, role: .member))
            let sams = try await Self.create("Grow EMEA", key: "k-1", account: account, token: sam.token, on: server.rpc)
            #expect(sams.id != first.id && sams.createdBy.userID == sam.identity.userID)

            // Malformed keys are refused before anything runs.
            for bad in ["", "with space", String(repeating: "x", count: 129), "naïve"] {
                let error = await #expect(throws: RPCError.self) {
                    try await Self.create("Bad key", key: bad, account: account, token: admin.token, on: server.rpc)
                }
                #expect(error?.code == .invalidArgument, "key \(bad.debugDescription): \(String(describing: error))")
            }

            // A day later the key is free again (and expired keys are pruned by the writes that follow).
            try await server.inTenant(tenant) { transaction in
                try await transaction.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-1'")
            }
            let dayLater = try await Self.create("Grow EMEA", key: "k-1", account: account, token: admin.token, on: server.rpc)
            #expect(dayLater.id != first.id)
            let expired = try await server.inTenant(tenant) { transaction in
                try await transaction.query("SELECT count(*) AS n FROM idempotency_keys WHERE created_at < now() - interval '1 day'")
                    .single(Int64.self, column: "n")
            }
            #expect(expired == 0)
        }
    }

    /// Calls racing under one key: the first claims it, the others wait for it and get its answer.
    @Test func concurrentCallsWithOneKeyWriteOnce() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Globex")).id
            let answers = try await withThrowingTaskGroup(of: GoalView.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await Self.create("Raced", key: "race", account: account, token: admin.token, on: server.rpc) }
                }
                return try await group.reduce(into: [GoalView]()) { $0.append($1) }
            }
            #expect(Set(answers.map(\.id)).count == 1)
            #expect(try await Self.goalCount(server, tenant: tenant, title: "Raced") == 1)
        }
    }

    /// Updates racing under one key with the same expected version, sent while the goal is held locked, so
    /// that all are under way before any commits: one updates, the others wait for its key and answer what
    /// it answered, as a retry would — none fails on the version the first one changed.
    @Test func racingUpdatesWithOneKeyAnswerTheCommittedOne() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let account = try await client.createAccount(CreateAccountRequest(name: "Globex")).id
            let goal = try await client.createGoal(accountID: account, GoalDraft(title: "Grow"))
            let options = CallOptions(metadata: ["authorization": "Bearer \(admin.token)", IdempotencyKeys.metadataName: "update-race"])
            let request = UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: goal.version, title: "Grow faster")
            let racers = try await server.inTenant(tenant) { transaction in
                _ = try await transaction.query("SELECT id FROM goals WHERE id = \(goal.id) FOR UPDATE")
                let racers = Task {
                    try await withThrowingTaskGroup(of: GoalView.self) { group in
                        for _ in 0..<4 { group.addTask { try await server.rpc.unary(GoalsService.update, request: request, options: options) } }
                        return try await group.reduce(into: [GoalView]()) { $0.append($1) }
                    }
                }
                // Until all four wait: the first on the goal's lock, the others on its key.
                var waiting = 0
                for _ in 0..<100 where waiting < 4 {
                    try await Task.sleep(for: .milliseconds(50))
                    waiting = Int(
                        try await server.inTenant(tenant) { probe in
                            try await probe.query(
                                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                            ).single(Int64.self, column: "n")
                        })
                }
                #expect(waiting >= 4)
                return racers
            }
            let answers = try await racers.value
            #expect(Set(answers.map(\.version)) == [goal.version + 1])
            #expect(try await client.goal(accountID: account, goalID: goal.id).version == goal.version + 1)
            // Under another key (the client names each write anew), the same stale request is a conflict.
            let stale = await #expect(throws: RPCError.self) { try await client.updateGoal(request) }
            #expect(stale?.code == .aborted)
        }
    }

    /// An answer that carries a secret is kept without it: a replay answers the same record with the secret
    /// empty, and no stored answer or digest holds the API key, the generated password or the signing secret.
    @Test func answersAreKeptWithoutTheirSecrets() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            func keyed<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request, key: String) async throws -> Response {
                try await server.rpc.unary(
                    method, request: request,
                    options: CallOptions(metadata: ["authorization": "Bearer \(admin.token)", IdempotencyKeys.metadataName: key]))
            }
            let apiKey = CreateAPIKeyRequest(name: "CRM sync", role: .seller, expiresInSeconds: nil)
            let first = try await keyed(APIKeysService.create, apiKey, key: "api-key")
            let replayed = try await keyed(APIKeysService.create, apiKey, key: "api-key")
            #expect(first.token.hasPrefix("kpk_") && replayed.token.isEmpty && replayed.credential == first.credential)

            let user = CreateUserRequest(email: "sam@acme.example", displayName: "Sam", role: .seller)
            let created = try await keyed(UsersService.create, user, key: "user")
            let password = try #require(created.generatedPassword)
            #expect(try await keyed(UsersService.create, user, key: "user").generatedPassword == "")
            let chosen = CreateUserRequest(email: "lee@acme.example", displayName: "Lee", role: .seller, password: "a chosen password 1")
            _ = try await keyed(UsersService.create, chosen, key: "chosen")

            let webhook = try await keyed(
                WebhooksService.create, CreateWebhookRequest(name: "CRM", url: "https://crm.example/hook", eventKinds: [.goalChanged]), key: "hook")
            #expect(webhook.secret.hasPrefix("whsec_"))

            let stored = try await server.inTenant(tenant) { transaction in
                try await transaction.query("SELECT response, request_digest FROM idempotency_keys").flatMap { row in
                    [try row.decode(Data.self, column: "response"), try row.decode(Data.self, column: "request_digest")]
                }
            }
            #expect(stored.count == 8)
            for secret in [first.token, password, webhook.secret, "a chosen password 1"] {
                #expect(!stored.contains { $0.range(of: Data(secret.utf8)) != nil }, "a stored answer holds a secret")
            }
            // The digest is of the request without its password (a SHA-256 of it would be a shortcut to it).
            var withoutPassword = ByteBuffer()
            try UsersService.create.request.serializer.serialize(concealingSecret(chosen), into: &withoutPassword)
            #expect(stored.contains(Data(SHA256.hash(data: Array(withoutPassword.readableBytesView)))))
        }
    }

    /// A write that fails keeps no key: sent again with it, it runs again (and may succeed).
    @Test func aFailedWriteLeavesItsKeyFree() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let client = server.client(admin.token)
            let account = try await client.createAccount(CreateAccountRequest(name: "Globex")).id
            let goal = try await client.createGoal(accountID: account, GoalDraft(title: "Grow"))
            _ = try await client.updateGoal(UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: goal.version, title: "Grow more"))
            var options = CallOptions(metadata: ["authorization": "Bearer \(admin.token)", IdempotencyKeys.metadataName: "stale"])
            let stale = UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: goal.version, title: "Grow fast")
            let refused = await #expect(throws: RPCError.self) { try await server.rpc.unary(GoalsService.update, request: stale, options: options) }
            #expect(refused?.code == .aborted)
            options.metadata[IdempotencyKeys.metadataName] = "stale"
            let current = UpdateGoalRequest(accountID: account, goalID: goal.id, expectedVersion: goal.version + 1, title: "Grow fast")
            // Another request under the same key is accepted: the failed one kept nothing.
            let updated = try await server.rpc.unary(GoalsService.update, request: current, options: options)
            #expect(updated.title == "Grow fast" && updated.version == goal.version + 2)
        }
    }

    /// The gateway passes the `Idempotency-Key` header as the key.
    @Test func theGatewayTakesTheKeyFromAHeader() async throws {
        try await IdentityTestServer.with { server in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Globex")).id
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            let headers = [("Authorization", "Bearer \(admin.token)"), ("Idempotency-Key", "http-1")]
            let body =
                #"{"accountID":"\#(account)","goal":{"kind":"goal","title":"Over HTTP","description":"","department":"","status":"active","metrics":[]}}"#
            let first = try await http.call("keyplan.Goals/Create", body, headers: headers)
            let again = try await http.call("keyplan.Goals/Create", body, headers: headers)
            #expect(first.status == 200, "\(first.text)")
            #expect(try first.json()["id"] as? String == (try again.json()["id"] as? String))
            #expect(try await Self.goalCount(server, tenant: tenant, title: "Over HTTP") == 1)
        }
    }
}
