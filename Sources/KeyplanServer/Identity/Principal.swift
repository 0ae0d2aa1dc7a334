public import Foundation
public import KeyplanAPI
public import KeyplanRPC

/// The authenticated caller of a call: who, in which tenant, acting as what, with which credential.
public struct Principal: RPCPrincipal, Hashable {
    /// Sellers act with a tenant role; customers only through their account invitations.
    public enum Kind: Hashable, Sendable {
        case seller(TenantRole)
        case customer
    }

    public var userID: UUID
    public var tenantID: UUID
    public var kind: Kind
    public var credentialID: UUID
    public var credentialKind: CredentialKind

    public init(userID: UUID, tenantID: UUID, kind: Kind, credentialID: UUID, credentialKind: CredentialKind) {
        self.userID = userID
        self.tenantID = tenantID
        self.kind = kind
        self.credentialID = credentialID
        self.credentialKind = credentialKind
    }

    /// The user's id, fit for logs.
    public var id: String { userID.uuidString }

    /// The tenant role, for sellers.
    public var tenantRole: TenantRole? {
        if case .seller(let role) = kind { return role }
        return nil
    }

    public var isAdmin: Bool { tenantRole == .admin }
}
