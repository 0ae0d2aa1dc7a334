import Foundation
import HTTPTypes
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import KeyplanTestSupport
import KeyplanWire
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import KeyplanGateway
@testable import KeyplanServer

/// The Connect gateway against a real server and PostgreSQL, over real HTTP on loopback: the same
/// handlers, policy and audit as the binary protocol, Connect's statuses and forms, and every bad
/// request answered with a Connect error while the server goes on serving.
@Suite("Connect gateway")
struct ConnectGatewayTests {
    /// Connect's table of codes (connectrpc.com/docs/protocol, "Error Codes"): name and HTTP status.
    @Test func everyStatusHasConnectsNameAndHTTPStatus() {
        let table: [(StatusCode, String, Int)] = [
            (.cancelled, "canceled", 499), (.unknown, "unknown", 500), (.invalidArgument, "invalid_argument", 400),
            (.deadlineExceeded, "deadline_exceeded", 504), (.notFound, "not_found", 404), (.alreadyExists, "already_exists", 409),
            (.permissionDenied, "permission_denied", 403), (.resourceExhausted, "resource_exhausted", 429),
            (.failedPrecondition, "failed_precondition", 400), (.aborted, "aborted", 409), (.outOfRange, "out_of_range", 400),
            (.unimplemented, "unimplemented", 501), (.internal, "internal", 500), (.unavailable, "unavailable", 503),
            (.dataLoss, "data_loss", 500), (.unauthenticated, "unauthenticated", 401),
        ]
        for (code, name, status) in table {
            #expect(ConnectError.name(code) == name)
            #expect(ConnectError.httpStatus(code).code == status, "\(name)")
        }
    }

    @Test func timestampsTravelAsRFC3339ToTheMicrosecond() throws {
        let date = Date(timeIntervalSince1970: 1_796_640_000.123456)
        let text = RFC3339.string(from: date)
        #expect(text == "2026-12-07T10:40:00.123456Z")
        #expect(RFC3339.date(from: text).map { RFC3339.string(from: $0) } == text)
        #expect(RFC3339.date(from: "2026-12-07T11:40:00.123456+01:00") == RFC3339.date(from: text))
        #expect(RFC3339.date(from: "1969-12-31T23:59:59.5Z").map(RFC3339.string) == "1969-12-31T23:59:59.500000Z")
        for bad in [
            "2026-02-30T00:00:00Z", "2026-12-07 09:20:00", "2026-12-07T09:20:00", "2026-12-07T09:20:00.Z", "2026-12-07T09:20:00.1234567890Z", "",
        ] {
            #expect(RFC3339.date(from: bad) == nil, "\(bad)")
        }
    }

    @Test func aSignedInCallerReadsAndWritesInJSON() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            let signIn = try await http.call(
                "keyplan.Auth/SignIn", #"{"tenantSlug":"acme","email":"\#(admin.identity.email)","password":"admin-password"}"#)
            #expect(signIn.status == 200, "\(signIn.text)")
            let grant = try signIn.json()
            let token = try #require(grant["token"] as? String)
            let expires = try #require(grant["expiresAt"] as? String)
            #expect(RFC3339.date(from: expires) != nil, "timestamps are RFC 3339: \(expires)")
            let auth = [("Authorization", "Bearer \(token)")]

            let created = try await http.call("keyplan.Accounts/Create", #"{"name":"Northwind","internalNotes":"champion"}"#, headers: auth)
            #expect(created.status == 200, "\(created.text)")
            let account = try created.json()
            let id = try #require(account["id"] as? String)
            #expect(account["internalNotes"] as? String == "champion")
            #expect(account.keys.contains("annualRevenue") == false, "an absent optional field is left out")

            // Decimals are JSON numbers, calendar dates YYYY-MM-DD, enums their names.
            let goal = try await http.call(
                "keyplan.Goals/Create",
                #"{"accountID":"\#(id)","goal":{"kind":"goal","title":"Cut churn","description":"","department":"","status":"active","targetDate":"2027-06-30","metrics":[{"name":"Churn","unit":"%","target":2.5}]}}"#,
                headers: auth)
            #expect(goal.status == 200, "\(goal.text)")
            let view = try goal.json()
            #expect(view["targetDate"] as? String == "2027-06-30")
            #expect(((view["metrics"] as? [[String: Any]])?.first?["target"] as? Double) == 2.5)
            #expect(view["status"] as? String == "active")

            // The binary protocol sees what the gateway wrote.
            let viaBinary = try await server.client(token).call(AccountsService.get, AccountRef(accountID: try #require(UUID(uuidString: id))))
            #expect(viaBinary.name == "Northwind")

            // Connect's GET form, for a read.
            let message = #"{"accountID":"\#(id)"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let fetched = try await http.send(.GET, "/keyplan.Accounts/Get?encoding=json&message=\(message)", headers: auth)
            #expect(fetched.status == 200, "\(fetched.text)")
            #expect(try fetched.json()["name"] as? String == "Northwind")
            // The query is decoded once: the id with its first character written as "%XX" inside the JSON string is no id
            // (decoded twice, it would be the account's).
            let first = try #require(id.unicodeScalars.first)
            let escaped = #"{"accountID":"%\#(String(first.value, radix: 16, uppercase: true))\#(id.dropFirst())"}"#
            let literal = escaped.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let refused = try await http.send(.GET, "/keyplan.Accounts/Get?encoding=json&message=\(literal)", headers: auth)
            #expect(refused.status == 400, "\(refused.text)")
        }
    }

    @Test func aStaleUpdateAnswersAbortedWithTheCurrentRecord() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let goal = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Grow EMEA"))
            _ = try await seller.updateGoal(
                UpdateGoalRequest(accountID: world.accountA, goalID: goal.id, expectedVersion: goal.version, title: "Grow EMEA fast"))
            let token = try #require(try await world.token(for: .customerEditor))
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            let answer = try await http.call(
                "keyplan.Goals/Update",
                #"{"accountID":"\#(world.accountA)","goalID":"\#(goal.id)","expectedVersion":\#(goal.version),"title":"Grow EMEA slowly","clear":[]}"#,
                headers: [("Authorization", "Bearer \(token)")])
            #expect(answer.status == 409)
            let error = try answer.json()
            #expect(error["code"] as? String == "aborted")
            let detail = try #require((error["details"] as? [[String: Any]])?.first)
            #expect(detail["type"] as? String == "keyplan.CurrentRecord")
            let current = try #require(detail["debug"] as? [String: Any])
            #expect(current["title"] as? String == "Grow EMEA fast")
            #expect(current["version"] as? Int == goal.version + 1)
            #expect((current["updatedBy"] as? [String: Any])?["displayName"] as? String == "seller-on")
            // The value is the binary form of the same record.
            let value = try #require(detail["value"] as? String)
            var padded = value
            while padded.count % 4 != 0 { padded += "=" }
            let record = try BinaryDecoder().decode(GoalView.self, from: Array(try #require(Data(base64Encoded: padded))))
            #expect(record.title == "Grow EMEA fast")
        }
    }

    @Test func connectTimeoutIsTheCallsDeadline() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let token = try #require(try await world.token(for: .sellerOnTeam))
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            let auth = [("Authorization", "Bearer \(token)")]
            let expired = try await http.call("keyplan.Accounts/List", "{}", headers: auth + [("Connect-Timeout-Ms", "0")])
            #expect(expired.status == 504)
            #expect(try expired.json()["code"] as? String == "deadline_exceeded")
            // A watch runs until its deadline, then ends with deadline_exceeded in the end-of-stream message.
            let started = ContinuousClock.now
            let watch = try await http.send(
                .POST, "/keyplan.Workspace/Watch",
                headers: auth + [("Content-Type", "application/connect+json"), ("Connect-Timeout-Ms", "400")],
                body: HTTPTestClient.envelope(#"{"accountID":"\#(world.accountA)"}"#))
            let elapsed = ContinuousClock.now - started
            #expect(watch.status == 200)
            let end = try #require(HTTPTestClient.envelopes(in: watch.body).last)
            #expect(end.flags == 2)
            #expect(end.json.contains(#""code":"deadline_exceeded""#), "\(end.json)")
            #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(10))
            #expect(try await http.call("keyplan.Accounts/List", "{}", headers: auth).status == 200, "the connection serves on")
            let invalid = try await http.call("keyplan.Accounts/List", "{}", headers: auth + [("Connect-Timeout-Ms", "soon")])
            #expect(invalid.status == 400)
        }
    }

    @Test func watchStreamsChangesAsConnectEnvelopes() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let token = try #require(try await world.token(for: .customerViewer))
            let http = try await HTTPTestClient(port: server.httpPort)
            let received = Mutex<ByteBuffer>(ByteBuffer())
            let reader = Task {
                try await http.exchange(
                    .POST, "/keyplan.Workspace/Watch",
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/connect+json"), ("Connect-Protocol-Version", "1")],
                    body: HTTPTestClient.envelope(#"{"accountID":"\#(world.accountA)"}"#)
                ) { chunk in
                    var chunk = chunk
                    received.withLock { $0.writeBuffer(&chunk) }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            let goal = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Shared with the buyer"))
            var changes: [[String: Any]] = []
            for _ in 0..<100 where changes.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                changes = received.withLock { HTTPTestClient.envelopes(in: $0) }.filter { $0.flags == 0 }.compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.json.utf8)) as? [String: Any]
                }
            }
            let change = try #require(changes.first, "no change arrived over the gateway's Watch")
            #expect(change["entityID"] as? String == goal.id.uuidString.lowercased() || change["entityID"] as? String == goal.id.uuidString)
            #expect(change["operation"] as? String == "created")
            reader.cancel()
            await http.close()
            _ = try? await reader.value
        }
    }

    /// Client streaming fits Connect's form over HTTP/1.1 too: the chunks as envelopes, the report before the end.
    @Test func anImportStreamsItsChunksAsEnvelopes() async throws {
        try await IdentityTestServer.with { server in
            let (_, admin) = try await server.bootstrapTenant(slug: "acme")
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            var body = HTTPTestClient.envelope(
                #"{"kind":"accounts","header":["Id","Name","AnnualRevenue","CurrencyIsoCode"],"rows":[{"line":2,"fields":["001A","Acme","1500000.50","EUR"]}]}"#
            )
            var second = HTTPTestClient.envelope(
                #"{"rows":[{"line":3,"fields":["001B","Globex","12.345","EUR"]},{"line":4,"fields":["001C","Initech","10","USD"]}]}"#)
            body.writeBuffer(&second)
            let answer = try await http.send(
                .POST, "/keyplan.Import/Import",
                headers: [("Authorization", "Bearer \(admin.token)"), ("Content-Type", "application/connect+json")], body: body)
            #expect(answer.status == 200)
            let envelopes = HTTPTestClient.envelopes(in: answer.body)
            #expect(envelopes.map(\.flags) == [0, 2], "\(answer.text)")
            let first = try #require(envelopes.first)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(first.json.utf8)) as? [String: Any])
            #expect(report["inserted"] as? Int == 2)
            #expect((report["rejected"] as? [[String: Any]])?.first?["line"] as? Int == 3)
            #expect(envelopes.last?.json == "{}", "a call that succeeded ends without an error")
            let names = try await server.client(admin.token).portfolio(PortfolioQuery(sort: .name)).accounts.map(\.name)
            #expect(names == ["Acme", "Initech"])
        }
    }

    /// An HTTP server does not cancel a request whose client left; the gateway does, as a connection's calls end.
    @Test func aWatchEndsWhenItsClientGoesAway() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let token = try #require(try await world.token(for: .customerViewer))
            let viewer = try #require(world.users[.customerViewer]).user
            let http = try await HTTPTestClient(port: server.httpPort)
            let reader = Task {
                try await http.send(
                    .POST, "/keyplan.Workspace/Watch", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/connect+json")],
                    body: HTTPTestClient.envelope(#"{"accountID":"\#(world.accountA)"}"#))
            }
            try await Task.sleep(for: .milliseconds(500))
            await http.close()
            _ = try? await reader.value
            // The watch's audit row is written when the call ends: with the client gone, at once.
            var ended: [String] = []
            for _ in 0..<50 where ended.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                await server.flushAudit()
                ended = try await server.inTenant(world.acme) { connection in
                    try await connection.query(
                        "SELECT code FROM audit_log WHERE user_id = \(viewer) AND method = 'keyplan.Workspace/Watch'"
                    ).map { try $0.decode(String.self, column: "code") }
                }
            }
            #expect(ended.count == 1, "the watch never ended after its client left")
        }
    }

    /// Shutting down never waits on a watch: it ends with UNAVAILABLE and a retry hint, as on the binary protocol.
    @Test func shuttingDownEndsOpenWatches() async throws {
        let database = try await testCluster.createTestDatabase()
        let stack = try await ServingStack.start(databaseURL: database.appURL, configuration: testIdentityConfiguration())
        let created = try await TenantBootstrap(database: stack.client, passwords: .insecureForTesting).create(
            name: "Acme", slug: "acme", adminEmail: "admin@acme.example", adminName: "Admin", adminPassword: "admin-password")
        let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: stack.port))
        let admin = try await KeyplanClient(rpc: rpc).signIn(tenantSlug: "acme", email: created.adminEmail, password: "admin-password")
        let account = try await KeyplanClient(rpc: rpc, token: admin.token).createAccount(CreateAccountRequest(name: "Northwind"))
        await rpc.close()
        let http = try await HTTPTestClient(port: stack.httpPort)
        let reader = Task {
            try await http.send(
                .POST, "/keyplan.Workspace/Watch",
                headers: [("Authorization", "Bearer \(admin.token)"), ("Content-Type", "application/connect+json")],
                body: HTTPTestClient.envelope(#"{"accountID":"\#(account.id)"}"#))
        }
        try await Task.sleep(for: .milliseconds(500))
        let started = ContinuousClock.now
        await stack.stop()
        #expect(ContinuousClock.now - started < .seconds(10), "the shutdown waited on the watch")
        let answer = try await reader.value
        let end = try #require(HTTPTestClient.envelopes(in: answer.body).last)
        #expect(end.flags == 2 && end.json.contains(#""code":"unavailable""#) && end.json.contains("retry-after-ms"), "\(end.json)")
        await http.close()
        try? await testCluster.dropDatabase(named: database.name)
    }

    @Test func badRequestsGetConnectErrorsAndTheServerServesOn() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let token = try #require(try await world.token(for: .sellerOnTeam))
            let auth = [("Authorization", "Bearer \(token)")]
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            func expectError(
                _ answer: HTTPTestClient.Answer, _ status: Int, _ code: String, mentioning words: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation
            ) throws {
                #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
                let error = try answer.json()
                #expect(error["code"] as? String == code, "\(answer.text)", sourceLocation: sourceLocation)
                if let words { #expect((error["message"] as? String ?? "").contains(words), "\(answer.text)", sourceLocation: sourceLocation) }
            }
            try expectError(try await http.call("keyplan.Accounts/Get", "{not json", headers: auth), 400, "invalid_argument")
            try expectError(
                try await http.call("keyplan.Accounts/Get", #"{"accountID":42}"#, headers: auth), 400, "invalid_argument", mentioning: "accountID")
            try expectError(
                try await http.call("keyplan.Accounts/Get", "{}", headers: auth), 400, "invalid_argument", mentioning: "missing field accountID")
            try expectError(
                try await http.call(
                    "keyplan.Goals/Create",
                    #"{"accountID":"\#(world.accountA)","goal":{"kind":"dream","title":"x","description":"","department":"","status":"active","metrics":[]}}"#,
                    headers: auth), 400, "invalid_argument", mentioning: "goal.kind")
            try expectError(try await http.call("keyplan.Nope/Get", "{}", headers: auth), 404, "unimplemented", mentioning: "unknown service")
            try expectError(try await http.call("keyplan.Accounts/Explode", "{}", headers: auth), 404, "unimplemented", mentioning: "unknown method")
            try expectError(
                try await http.call("keyplan.ServerHealth/Check", "{}", headers: auth), 501, "unimplemented", mentioning: "binary protocol only")
            let get = try await http.send(.GET, "/keyplan.Accounts/Create?encoding=json&message=%7B%7D", headers: auth)
            try expectError(get, 405, "unimplemented", mentioning: "POST")
            #expect(get.headers["Allow"].first == "POST")
            try expectError(
                try await http.send(.POST, "/keyplan.Accounts/List", headers: auth, body: ByteBuffer(string: "{}")), 415, "invalid_argument")
            try expectError(
                try await http.send(
                    .POST, "/keyplan.Accounts/List", headers: auth + [("Content-Type", "text/plain")], body: ByteBuffer(string: "{}")),
                415, "invalid_argument", mentioning: "application/json")
            // A streaming method's refusals come as Connect's streaming clients read them: 200 and an end-of-stream error.
            var twoEnvelopes = HTTPTestClient.envelope(#"{"accountID":"\#(world.accountA)"}"#)
            var again = twoEnvelopes
            twoEnvelopes.writeBuffer(&again)
            for (body, words) in [(ByteBuffer(string: "{}"), "envelopes"), (twoEnvelopes, "takes 1 request envelope")] {
                let refused = try await http.send(
                    .POST, "/keyplan.Workspace/Watch", headers: auth + [("Content-Type", "application/connect+json")], body: body)
                #expect(refused.status == 200)
                let end = try #require(HTTPTestClient.envelopes(in: refused.body).last)
                #expect(end.flags == 2 && end.json.contains(#""code":"invalid_argument""#) && end.json.contains(words), "\(end.json)")
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 5 << 20)
            try expectError(try await http.call("keyplan.Accounts/List", String(buffer: huge), headers: auth), 429, "resource_exhausted")
            try expectError(try await http.call("keyplan.Accounts/List", "{}"), 401, "unauthenticated")
            try expectError(
                try await http.call("keyplan.Accounts/List", "{}", headers: [("Connect-Protocol-Version", "2")] + auth), 400, "invalid_argument")
            // After all that, a fresh connection and the same one are served.
            #expect(try await http.call("keyplan.Accounts/List", "{}", headers: auth).status == 200)
            let other = try await HTTPTestClient(port: server.httpPort)
            #expect(try await other.call("keyplan.Accounts/List", "{}", headers: auth).status == 200)
            await other.close()
        }
    }

    @Test func aBodyThatNeverArrivesIsCutOff() async throws {
        let database = try await testCluster.createTestDatabase()
        let stack = try await ServingStack.start(
            databaseURL: database.appURL, configuration: testIdentityConfiguration(),
            gatewayLimits: GatewayConfiguration.Limits(requestBodyTimeout: .milliseconds(500)))
        let http = try await HTTPTestClient(port: stack.httpPort)
        let started = ContinuousClock.now
        // Content-Length promises 100 bytes; 10 come.
        let answer = try await http.send(
            .POST, "/keyplan.Accounts/List", headers: [("Content-Type", "application/json"), ("Content-Length", "100")],
            body: ByteBuffer(string: "{\"a\":     "))
        #expect(answer.status == 408)
        #expect(ContinuousClock.now - started < .seconds(10))
        await http.close()
        let fresh = try await HTTPTestClient(port: stack.httpPort)
        #expect(try await fresh.call("keyplan.Accounts/List", "{}").status == 401, "the server serves on")
        await fresh.close()
        await stack.stop()
        try? await testCluster.dropDatabase(named: database.name)
    }

    /// A sample of the authorization matrix, every caller, through the gateway: the same policy answers.
    @Test func theAuthorizationPolicyAnswersTheSameThroughTheGateway() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let account = #"{"accountID":"\#(world.accountA)"}"#
            let sample: [(MethodDescriptor, String)] = [
                (AccountsService.get.descriptor, account), (AccountsService.list.descriptor, "{}"), (GoalsService.list.descriptor, account),
                (UsersService.list.descriptor, "{}"), (AuditService.list.descriptor, "{}"), (RelationshipMapService.map.descriptor, account),
                (HealthService.get.descriptor, account), (PortfolioService.revenueHistory.descriptor, account),
            ]
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            for (method, body) in sample {
                let rule = try #require(AuthorizationPolicy.keyplan.rules[method], "\(method)")
                for caller in MatrixCaller.allCases {
                    let token = try await world.token(for: caller)
                    let answer = try await http.call(method.fullName, body, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
                    let expected = AuthorizationMatrixTests.expected(rule, caller)
                    let code = answer.status == 200 ? "ok" : (try answer.json()["code"] as? String ?? "?")
                    #expect(code == (expected == .ok ? "ok" : ConnectError.name(expected)), "\(method) as \(caller): \(answer.text.prefix(200))")
                }
            }
        }
    }

    @Test func theGatewayWritesTheSameAuditRowsAsTheBinaryProtocol() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let token = try #require(try await world.token(for: .customerViewer))
            _ = try? await server.client(token).call(AccountsService.get, AccountRef(accountID: world.accountA))
            _ = try? await server.client(token).call(AccountsService.get, AccountRef(accountID: world.accountB))
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            for account in [world.accountA, world.accountB] {
                _ = try await http.call("keyplan.Accounts/Get", #"{"accountID":"\#(account)"}"#, headers: [("Authorization", "Bearer \(token)")])
            }
            await server.flushAudit()
            let viewer = try #require(world.users[.customerViewer]).user
            let rows = try await server.inTenant(world.acme) { connection in
                try await connection.query(
                    """
                    SELECT method || ' ' || coalesce(object_id::text, '-') || ' ' || code || ' ' || message AS row, client_address
                    FROM audit_log WHERE user_id = \(viewer) AND method = 'keyplan.Accounts/Get' ORDER BY id
                    """
                ).map { (try $0.decode(String.self, column: "row"), try $0.decode(String?.self, column: "client_address")) }
            }
            #expect(rows.count == 4, "\(rows)")
            #expect(rows.count == 4 && Array(rows[0..<2].map(\.0)) == Array(rows[2..<4].map(\.0)), "\(rows)")
            #expect(rows.allSatisfy { ($0.1 ?? "").contains("127.0.0.1") })
        }
    }

    @Test func theSessionCookieNeedsTheCSRFHeaderAndSignOutRevokesIt() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            let credentials = #"{"tenantSlug":"acme","email":"editor@buyer.example","password":"\#(TwoTenantWorld.password)"}"#
            let refused = try await http.call("portal/sign-in", credentials)
            #expect(refused.status == 403, "sign-in without the CSRF header: \(refused.text)")
            let signedIn = try await http.call("portal/sign-in", credentials, headers: [("X-Keyplan-CSRF", "1")])
            #expect(signedIn.status == 200, "\(signedIn.text)")
            #expect(try signedIn.json()["token"] == nil, "the token stays in the cookie")
            let cookie = try #require(signedIn.headers["Set-Cookie"].first)
            for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] { #expect(cookie.contains(flag), "\(cookie)") }
            #expect(!cookie.contains("Secure"), "no Secure flag over plain HTTP")
            let session = String(cookie.split(separator: ";")[0])
            let token = String(session.dropFirst("keyplan_session=".count))

            let account = #"{"accountID":"\#(world.accountA)"}"#
            let withCookie = [("Cookie", session)]
            let noHeader = try await http.call("keyplan.Accounts/Get", account, headers: withCookie)
            #expect(noHeader.status == 403, "a cross-site form can send the cookie but not the header: \(noHeader.text)")
            let crossSite = try await http.call(
                "keyplan.Accounts/Get", account, headers: withCookie + [("X-Keyplan-CSRF", "1"), ("Origin", "https://evil.example")])
            #expect(crossSite.status == 403)
            let sameSite = try await http.call(
                "keyplan.Accounts/Get", account, headers: withCookie + [("X-Keyplan-CSRF", "1"), ("Origin", "http://127.0.0.1:\(server.httpPort)")])
            #expect(sameSite.status == 200, "\(sameSite.text)")
            #expect(try sameSite.json()["internalNotes"] == nil, "a customer's view has no seller-internal field")

            let signedOut = try await http.call("portal/sign-out", "{}", headers: withCookie + [("X-Keyplan-CSRF", "1")])
            #expect(signedOut.status == 200)
            #expect(signedOut.headers["Set-Cookie"].first?.contains("Max-Age=0") == true)
            let after = try await http.call("keyplan.Auth/WhoAmI", "{}", headers: [("Authorization", "Bearer \(token)")])
            #expect(after.status == 401, "sign-out revoked the session on the server")
        }
    }

    @Test func underTLSTheGatewaySpeaksHTTPSAndTheCookieIsSecure() async throws {
        let certificate = try await TestCertificate.make()
        try await IdentityTestServer.with(tls: certificate) { server in
            _ = try await server.bootstrapTenant(slug: "acme")
            let https = try await HTTPTestClient(port: server.httpPort, trustRoots: certificate.certificate)
            defer { Task { await https.close() } }
            let signedIn = try await https.call(
                "portal/sign-in", #"{"tenantSlug":"acme","email":"admin@acme.example","password":"admin-password"}"#,
                headers: [("X-Keyplan-CSRF", "1")])
            #expect(signedIn.status == 200, "\(signedIn.text)")
            #expect(signedIn.headers["Set-Cookie"].first?.contains("; Secure") == true)
            #expect(signedIn.headers["Strict-Transport-Security"].first != nil)
            // Plain HTTP on the TLS port gets no answer.
            let plain = try await HTTPTestClient(port: server.httpPort)
            let refused = try? await plain.call("keyplan.Accounts/List", "{}")
            #expect(refused == nil || refused?.status != 200)
            await plain.close()
        }
    }

    @Test func pagesCarryTheSecurityHeadersAndTheOpenAPIDocumentIsServed() async throws {
        try await IdentityTestServer.with { server in
            let http = try await HTTPTestClient(port: server.httpPort)
            defer { Task { await http.close() } }
            let page = try await http.send(.GET, "/invite/abc")
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"].first?.hasPrefix("text/html") == true)
            #expect(page.headers["Content-Security-Policy"].first?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers["Content-Security-Policy"].first?.contains("script-src 'self'") == true)
            #expect(page.headers["X-Frame-Options"].first == "DENY")
            #expect(page.headers["Referrer-Policy"].first == "no-referrer")
            let missing = try await http.send(.GET, "/assets/../../etc/passwd")
            #expect(missing.status == 404)
            let openAPI = try await http.send(.GET, "/openapi.json")
            #expect(openAPI.status == 200)
            let document = try openAPI.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(paths["/keyplan.Goals/Update"] != nil)
            #expect(paths["/keyplan.ServerHealth/Check"] == nil, "no JSON form, not in the document")
        }
    }
}

extension TwoTenantWorld {
    /// A fresh session token for `caller` (`nil` for anonymous).
    func token(for caller: MatrixCaller) async throws -> String? {
        switch caller {
        case .anonymous: return nil
        case .expiredToken: return expiredToken
        case .revokedToken: return revokedToken
        default:
            let user = try #require(users[caller])
            return try await server.mintSession(tenant: user.tenant, user: user.user)
        }
    }
}
