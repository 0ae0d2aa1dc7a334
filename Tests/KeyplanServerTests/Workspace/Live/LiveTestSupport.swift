import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// A second Keyplan server process in all but the process: its own PostgresClient (so its own
/// listening connection), its own KeyplanServices and RPCServer, on the same database as `first`.
struct SecondServer {
    let stack: ServingStack
    let rpc: RPCClient
    var client: PostgresClient { stack.client }

    func client(_ token: String?) -> KeyplanClient { KeyplanClient(rpc: rpc, token: token) }

    /// Runs `body` with a second server beside `first`, then stops it.
    static func with<Result>(beside first: IdentityTestServer, _ body: (SecondServer) async throws -> Result) async throws -> Result {
        let stack = try await ServingStack.start(databaseURL: first.database.appURL, configuration: testIdentityConfiguration())
        let rpc = RPCClient(configuration: ClientConfiguration(host: "127.0.0.1", port: stack.port))
        let second = SecondServer(stack: stack, rpc: rpc)
        do {
            let result = try await body(second)
            await rpc.close()
            await stack.stop()
            return result
        } catch {
            await rpc.close()
            await stack.stop()
            throw error
        }
    }
}

extension TwoTenantWorld {
    /// The principal of `caller` (a seller of acme, or a customer), as the server would build it.
    func actingPrincipal(_ caller: MatrixCaller) throws -> Principal {
        let user = try #require(users[caller])
        let kind: Principal.Kind = AuthorizationMatrixTests.roleOf(caller).map { .seller($0) } ?? .customer
        return Principal(userID: user.user, tenantID: user.tenant, kind: kind, credentialID: UUID(), credentialKind: .session)
    }

    /// `caller` signed in with a session of their own, as a watch runs: its credential is live.
    func signedInPrincipal(_ caller: MatrixCaller) async throws -> Principal {
        var principal = try actingPrincipal(caller)
        let token = try await server.mintSession(tenant: principal.tenantID, user: principal.userID)
        principal.credentialID = try await server.inTenant(principal.tenantID) {
            try await $0.query("SELECT id FROM credentials WHERE token_hash = \(SecretToken.hash(of: token))").single(UUID.self, column: "id")
        }
        return principal
    }

    /// Journals a change to account A (or `account`) by `caller` through `database` (any server's
    /// client); returns its id.
    @discardableResult
    func journalChange(
        _ visibility: Visibility, _ summary: String, by caller: MatrixCaller = .sellerOnTeam, account: UUID? = nil,
        through database: PostgresClient? = nil
    ) async throws -> Int64 {
        let actor = try actingPrincipal(caller)
        let entry = JournalEntry(
            accountID: account ?? accountA, entity: .goal, entityID: UUID(), operation: .updated, version: 2, visibility: visibility,
            summary: summary, fields: [FieldChange(field: "title", before: "old", after: summary)])
        return try await (database ?? server.client).inTenant(actor.tenantID) {
            try await WorkspaceJournal(transaction: $0).record(entry, by: actor)
        }
    }
}

extension MessageStream where Message == WorkspaceChange {
    /// The next change, or `nil` when the stream ended; throws the stream's error, or
    /// ``WatchTimedOut`` when nothing arrives within `timeout`.
    func next(within timeout: Duration = .seconds(10)) async throws -> WorkspaceChange? {
        try await withThrowingTaskGroup(of: WorkspaceChange?.self) { group in
            group.addTask {
                var iterator = makeAsyncIterator()
                return try await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw WatchTimedOut()
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// The next `count` changes' summaries.
    func summaries(_ count: Int, within timeout: Duration = .seconds(10)) async throws -> [String] {
        var summaries: [String] = []
        for _ in 0..<count {
            guard let change = try await next(within: timeout) else { break }
            summaries.append(change.summary)
        }
        return summaries
    }
}

struct WatchTimedOut: Error {}

extension TwoTenantWorld {
    /// A new notification for `caller`'s user (acme's leader for callers without one).
    func freshNotification(for caller: MatrixCaller) async throws -> UUID {
        let (tenant, user) = try #require(users[caller] ?? users[.leader])
        return try await server.inTenant(tenant) { connection in
            let id = UUID()
            try await connection.query(
                """
                INSERT INTO notifications (tenant_id, id, recipient_id, kind, message) VALUES (\(tenant), \(id), \(user), 'mention', 'you were mentioned')
                """)
            return id
        }
    }
}
