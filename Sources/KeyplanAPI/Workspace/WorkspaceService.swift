public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Workspace`: what spans an account workspace's records: the history of one record,
/// the account's activity feed, and live updates. A customer's answers hold shared changes only.
public enum WorkspaceService {
    public static let name = "keyplan.Workspace"
    /// Every change of one record, oldest first.
    public static let history = RPCMethod<HistoryRequest, ChangeList>.read(name, "History")
    /// Live updates: the account's changes after `after`, then each new one as it commits
    /// (server-streaming; see ``WatchRequest``).
    public static let watch = RPCMethod<WatchRequest, WorkspaceChange>(
        MethodDescriptor(service: name, method: "Watch"), kind: .serverStreaming, idempotency: .noSideEffects,
        request: .binary, response: .binary)
    /// The account's activity feed, newest first, with how engaged the customer is.
    public static let activity = RPCMethod<ActivityRequest, ActivityPage>.read(name, "Activity")
}

@WireMessage
public struct HistoryRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// The record: a goal's, an action's... id.
    public var entityID: UUID
    /// At most this many changes (default and maximum 1,000).
    public var limit: Int?

    enum CodingKeys: Int, CodingKey { case accountID = 1, entityID = 2, limit = 3 }
}

@WireMessage
public struct ChangeList: Codable, Hashable, Sendable {
    public var changes: [WorkspaceChange]

    public init(changes: [WorkspaceChange]) { self.changes = changes }

    enum CodingKeys: Int, CodingKey { case changes = 1 }
}

extension KeyplanClient {
    public func history(accountID: UUID, entityID: UUID, limit: Int? = nil) async throws -> [WorkspaceChange] {
        try await call(WorkspaceService.history, HistoryRequest(accountID: accountID, entityID: entityID, limit: limit)).changes
    }
}
