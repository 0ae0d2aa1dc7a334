public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Sessions`: the caller's sessions (an admin's: every session of the tenant).
public enum SessionsService {
    public static let name = "keyplan.Sessions"
    public static let list = RPCMethod<ListCredentialsRequest, CredentialList>.read(name, "List")
    public static let revoke = RPCMethod<CredentialRef, Empty>.unary(name, "Revoke")
}

/// `keyplan.APIKeys`: keys for automation and the CLI, stored hashed, scoped to a role.
public enum APIKeysService {
    public static let name = "keyplan.APIKeys"
    public static let create = RPCMethod<CreateAPIKeyRequest, CreatedAPIKey>.unary(name, "Create")
    public static let list = RPCMethod<ListCredentialsRequest, CredentialList>.read(name, "List")
    public static let revoke = RPCMethod<CredentialRef, Empty>.unary(name, "Revoke")
}

/// A session or API key, never its token.
@WireMessage
public struct Credential: Codable, Hashable, Sendable {
    public var id: UUID
    public var userID: UUID
    public var kind: CredentialKind
    public var name: String
    public var scopeRole: TenantRole?
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revokedAt: Date?

    enum CodingKeys: Int, CodingKey {
        case id = 1, userID = 2, kind = 3, name = 4, scopeRole = 5, createdAt = 6, lastUsedAt = 7, expiresAt = 8
        case revokedAt = 9
    }
}

@WireMessage
public struct ListCredentialsRequest: Codable, Hashable, Sendable {
    /// Every user's credentials of the tenant (admins only); otherwise the caller's own.
    public var allUsers: Bool

    public init(allUsers: Bool = false) { self.allUsers = allUsers }

    enum CodingKeys: Int, CodingKey { case allUsers = 1 }
}

@WireMessage
public struct CredentialList: Codable, Hashable, Sendable {
    public var credentials: [Credential]

    public init(credentials: [Credential]) { self.credentials = credentials }

    enum CodingKeys: Int, CodingKey { case credentials = 1 }
}

@WireMessage
public struct CredentialRef: Codable, Hashable, Sendable {
    public var credentialID: UUID

    public init(credentialID: UUID) { self.credentialID = credentialID }

    enum CodingKeys: Int, CodingKey { case credentialID = 1 }
}

@WireMessage
public struct CreateAPIKeyRequest: Codable, Hashable, Sendable {
    public var name: String
    /// The role the key acts with; at most the caller's own (an admin may choose any).
    public var role: TenantRole
    /// Lifetime in seconds; `nil` for a key that lasts until revoked.
    public var expiresInSeconds: Int64?

    enum CodingKeys: Int, CodingKey { case name = 1, role = 2, expiresInSeconds = 3 }
}

@WireMessage
public struct CreatedAPIKey: Codable, Hashable, Sendable {
    public var credential: Credential
    /// The key itself, shown only here.
    public var token: String

    enum CodingKeys: Int, CodingKey { case credential = 1, token = 2 }
}

extension KeyplanClient {
    public func listSessions(allUsers: Bool = false) async throws -> [Credential] {
        try await call(SessionsService.list, ListCredentialsRequest(allUsers: allUsers)).credentials
    }

    public func revokeSession(_ id: UUID) async throws {
        _ = try await call(SessionsService.revoke, CredentialRef(credentialID: id))
    }

    public func createAPIKey(_ request: CreateAPIKeyRequest) async throws -> CreatedAPIKey {
        try await call(APIKeysService.create, request)
    }

    public func listAPIKeys(allUsers: Bool = false) async throws -> [Credential] {
        try await call(APIKeysService.list, ListCredentialsRequest(allUsers: allUsers)).credentials
    }

    public func revokeAPIKey(_ id: UUID) async throws {
        _ = try await call(APIKeysService.revoke, CredentialRef(credentialID: id))
    }
}
