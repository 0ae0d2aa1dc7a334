public import Foundation
public import KeyplanRPC
public import KeyplanWire

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

    enum CodingKeys: Int, CodingKey {
        case id = 1, at = 2, userID = 3, credentialID = 4, method = 5, objectID = 6, clientAddress = 7, code = 8
        case message = 9, user = 10
    }
}

/// Newest first; pass the previous page's `nextCursor` as `before` for the next page.
@WireMessage
public struct ListAuditRequest: Codable, Hashable, Sendable {
    public var before: Int64?
    /// At most this many entries (1–500; default 100).
    public var limit: Int32?
    public var method: String?

    enum CodingKeys: Int, CodingKey { case before = 1, limit = 2, method = 3 }
}

@WireMessage
public struct AuditPage: Codable, Hashable, Sendable {
    public var entries: [AuditEntry]
    /// The cursor of the next (older) page; `nil` at the end.
    public var nextCursor: Int64?

    enum CodingKeys: Int, CodingKey { case entries = 1, nextCursor = 2 }
}

extension KeyplanClient {
    public func listAudit(_ request: ListAuditRequest = ListAuditRequest()) async throws -> AuditPage {
        try await call(AuditService.list, request)
    }
}
