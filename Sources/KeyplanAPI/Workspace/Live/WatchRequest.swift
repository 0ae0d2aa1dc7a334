public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// Opens ``WorkspaceService/watch`` on one account.
///
/// The stream first replays the account's changes after `after` (none when `nil`: only what
/// happens from now on), then sends each new change within about a second of its commit, in id
/// order, each once. An account's change ids grow in commit order (a change that commits later
/// always has a higher id), so a client that reconnects passes the highest id it received as
/// `after` and misses nothing. A customer receives shared changes only.
///
/// While the database cannot be reached the stream stays open and catches up once it is back; after
/// five minutes without it, or when the server shuts down, it ends with UNAVAILABLE (resume with
/// `after`). It ends with RESOURCE_EXHAUSTED when the client reads too slowly (resume with `after`),
/// with NOT_FOUND when the caller loses access to the account, and with UNAUTHENTICATED when its
/// credential is revoked, its user disabled, or the credential reaches its hard expiry.
@WireMessage
public struct WatchRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// Replay the changes after this id first (`0`: the whole journal).
    public var after: Int64?

    enum CodingKeys: Int, CodingKey { case accountID = 1, after = 2 }
}

extension KeyplanClient {
    /// Watches an account: `body` reads the changes as they arrive; the call is cancelled when
    /// `body` returns.
    public func watch<Result: Sendable>(
        accountID: UUID, after: Int64? = nil, _ body: (MessageStream<WorkspaceChange>) async throws -> Result
    ) async throws -> Result {
        try await rpc.serverStreaming(WorkspaceService.watch, request: WatchRequest(accountID: accountID, after: after), options: callOptions) {
            try await body($0.messages)
        }
    }

    /// ``watch(accountID:after:_:)``, resumed: when the stream ends with UNAVAILABLE (a server going away, a
    /// failover, the database out of reach for minutes) or RESOURCE_EXHAUSTED (the reader fell behind), a new one
    /// opens after the last change received, so `receive` sees every change once, in id order. Each attempt that
    /// delivered nothing waits a little longer (200 ms more each time, at most 5 s); after `maximumResumptions` of
    /// them in a row the status is rethrown. `resumed` hears of each status resumed after. The stream has no
    /// deadline, whatever the client's `timeout`. Returns when `receive` returns `false` or a stream ends without
    /// an error; other statuses (NOT_FOUND once access is lost, UNAUTHENTICATED…) and cancellation are thrown.
    /// With `after` nil ("from now on"), a stream that ends before its first change resumes from now on again:
    /// what changed in between is not replayed. Pass `0` or a change id to miss nothing.
    public func watchResuming(
        accountID: UUID, after: Int64? = nil, maximumResumptions: Int = 30,
        resumed: (_ status: RPCError, _ after: Int64?) -> Void = { _, _ in },
        _ receive: (WorkspaceChange) async throws -> Bool
    ) async throws {
        var client = self
        client.timeout = nil
        var last = after
        var fruitless = 0
        while true {
            do {
                try await client.watch(accountID: accountID, after: last) { changes in
                    for try await change in changes {
                        last = max(last ?? 0, change.id)
                        fruitless = 0
                        guard try await receive(change) else { return }
                    }
                }
                return
            } catch let error as RPCError where [.resourceExhausted, .unavailable].contains(error.code) && fruitless < maximumResumptions {
                fruitless += 1
                resumed(error, last)
                try await Task.sleep(for: .milliseconds(min(200 * fruitless, 5_000)))
            }
        }
    }
}
