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
}
