import Foundation
import KeyplanRPC
import KeyplanWire

/// `keyplan.Invitations`: customers' way into account workspaces.
public enum InvitationsService {
    public static let name = "keyplan.Invitations"
    /// Invites a customer contact by email into an account; returns the single-use token to deliver.
    public static let create = RPCMethod<CreateInvitationRequest, CreatedInvitation>.unary(name, "Create")
    public static let list = RPCMethod<AccountRef, InvitationList>.read(name, "List")
    public static let revoke = RPCMethod<InvitationRef, Empty>.unary(name, "Revoke")
    /// Public: consumes the token, creates or links the customer user, sets their password and
    /// signs them in.
    public static let accept = RPCMethod<AcceptInvitationRequest, SessionGrant>.unary(name, "Accept")
}

@WireMessage
public struct Invitation: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var email: String
    public var role: CustomerRole
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var revokedAt: Date?

    public init(id: UUID, accountID: UUID, email: String, role: CustomerRole, createdAt: Date, expiresAt: Date, acceptedAt: Date?, revokedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.email = email
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: Int, CodingKey { case id = 1, accountID, email, role, createdAt, expiresAt, acceptedAt, revokedAt }
}

@WireMessage
public struct CreateInvitationRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var email: String
    public var role: CustomerRole
    /// Lifetime in seconds; the server's default (7 days) when `nil`.
    public var expiresInSeconds: Int64?

    public init(accountID: UUID, email: String, role: CustomerRole, expiresInSeconds: Int64? = nil) {
        self.accountID = accountID
        self.email = email
        self.role = role
        self.expiresInSeconds = expiresInSeconds
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, email, role, expiresInSeconds }
}

@WireMessage
public struct CreatedInvitation: Codable, Hashable, Sendable {
    public var invitation: Invitation
    /// The token to deliver to the invitee, shown only here.
    public var token: String

    public init(invitation: Invitation, token: String) {
        self.invitation = invitation
        self.token = token
    }

    enum CodingKeys: Int, CodingKey { case invitation = 1, token }
}

@WireMessage
public struct InvitationList: Codable, Hashable, Sendable {
    public var invitations: [Invitation]

    public init(invitations: [Invitation]) { self.invitations = invitations }

    enum CodingKeys: Int, CodingKey { case invitations = 1 }
}

@WireMessage
public struct InvitationRef: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var invitationID: UUID

    public init(accountID: UUID, invitationID: UUID) {
        self.accountID = accountID
        self.invitationID = invitationID
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, invitationID }
}

@WireMessage
public struct AcceptInvitationRequest: Codable, Hashable, Sendable {
    public var token: String
    /// The password to set; for a user who already has one, it must match it.
    public var password: String
    /// The new user's name; ignored when the email already has a user in the tenant.
    public var displayName: String

    public init(token: String, password: String, displayName: String) {
        self.token = token
        self.password = password
        self.displayName = displayName
    }

    enum CodingKeys: Int, CodingKey { case token = 1, password, displayName }
}

extension KeyplanClient {
    public func createInvitation(_ request: CreateInvitationRequest) async throws -> CreatedInvitation {
        try await call(InvitationsService.create, request)
    }

    public func listInvitations(accountID: UUID) async throws -> [Invitation] {
        try await call(InvitationsService.list, AccountRef(accountID: accountID)).invitations
    }

    public func revokeInvitation(accountID: UUID, invitationID: UUID) async throws {
        _ = try await call(InvitationsService.revoke, InvitationRef(accountID: accountID, invitationID: invitationID))
    }

    public func acceptInvitation(token: String, password: String, displayName: String) async throws -> SessionGrant {
        try await call(InvitationsService.accept, AcceptInvitationRequest(token: token, password: password, displayName: displayName))
    }
}
