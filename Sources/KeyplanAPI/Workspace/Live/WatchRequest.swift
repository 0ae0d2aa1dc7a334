import Foundation
import KeyplanRPC
import KeyplanWire

/// Opens ``WorkspaceService/watch`` on one account.
///
/// The stream first replays the account's changes after `after` (none when `nil`: only what
/// happens from now on), then sends each new change within about a second of its commit, in
/// journal order, each once. A customer receives shared changes only. A client that reconnects
/// passes the id of the last change it received as `after` and misses nothing; the server ends
/// a stream with RESOURCE_EXHAUSTED when the client reads too slowly (resume with `after`), and
/// with NOT_FOUND when the caller loses access to the account, UNAUTHENTICATED when its credential
/// is revoked, its user disabled, or the credential reaches its hard expiry.
@WireMessage
public struct WatchRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// Replay the changes after this id first (`0`: the whole journal).
    public var after: Int64?

    public init(accountID: UUID, after: Int64? = nil) {
        self.accountID = accountID
        self.after = after
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, after }
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
