import Foundation
import KeyplanRPC
import KeyplanWire

/// `keyplan.Audit`: the tenant's append-only audit log, for admins.
public enum AuditService {
    public static let name = "keyplan.Audit"
    public static let list = RPCMethod<ListAuditRequest, AuditPage>.read(name, "List")
}

@WireMessage
public struct AuditEntry: Codable, Hashable, Sendable {
    public var id: Int64
    public var at: Date
    public var userID: UUID?
    public var credentialID: UUID?
    public var method: String
    public var objectID: UUID?
    public var clientAddress: String?
    /// The call's status code name, e.g. `ok`, `permissionDenied`.
    public var code: String
    public var message: String
    /// Who called, by name and email (`nil` for anonymous calls).
    public var user: WorkspaceChange.Actor?

    public init(
        id: Int64, at: Date, userID: UUID?, credentialID: UUID?, method: String, objectID: UUID?, clientAddress: String?, code: String,
        message: String, user: WorkspaceChange.Actor? = nil
    ) {
        self.id = id
        self.at = at
        self.userID = userID
        self.credentialID = credentialID
        self.method = method
        self.objectID = objectID
        self.clientAddress = clientAddress
        self.code = code
        self.message = message
        self.user = user
    }

    enum CodingKeys: Int, CodingKey { case id = 1, at, userID, credentialID, method, objectID, clientAddress, code, message, user }
}

/// Newest first; pass the previous page's `nextCursor` as `before` for the next page.
@WireMessage
public struct ListAuditRequest: Codable, Hashable, Sendable {
    public var before: Int64?
    /// At most this many entries (1–500; default 100).
    public var limit: Int32?
    public var method: String?

    public init(before: Int64? = nil, limit: Int32? = nil, method: String? = nil) {
        self.before = before
        self.limit = limit
        self.method = method
    }

    enum CodingKeys: Int, CodingKey { case before = 1, limit, method }
}

@WireMessage
public struct AuditPage: Codable, Hashable, Sendable {
    public var entries: [AuditEntry]
    /// The cursor of the next (older) page; `nil` at the end.
    public var nextCursor: Int64?

    public init(entries: [AuditEntry], nextCursor: Int64?) {
        self.entries = entries
        self.nextCursor = nextCursor
    }

    enum CodingKeys: Int, CodingKey { case entries = 1, nextCursor }
}

extension KeyplanClient {
    public func listAudit(_ request: ListAuditRequest = ListAuditRequest()) async throws -> AuditPage {
        try await call(AuditService.list, request)
    }
}
