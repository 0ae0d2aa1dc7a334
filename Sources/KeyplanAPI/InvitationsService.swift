public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Invitations`: customers' way into account workspaces.
public enum InvitationsService {
    public static let name = "keyplan.Invitations"
    /// Invites a customer contact by email into an account: mails them the single-use token's link, or
    /// returns the token to deliver (without a mail relay, or when asked to hand it over).
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

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, email = 3, role = 4, createdAt = 5, expiresAt = 6, acceptedAt = 7, revokedAt = 8
    }
}

@WireMessage
public struct CreateInvitationRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var email: String
    public var role: CustomerRole
    /// Lifetime in seconds; the server's default (7 days) when `nil`.
    public var expiresInSeconds: Int64?
    /// `true`: hand the token to the caller, to deliver it themselves (in a meeting, over a channel of their
    /// own), instead of mailing the invitee — for tenant admins only when the server has a mail relay. A
    /// server without a relay always hands it over.
    public var handOver: Bool?

    enum CodingKeys: Int, CodingKey { case accountID = 1, email = 2, role = 3, expiresInSeconds = 4, handOver = 5 }
}

@WireMessage
public struct CreatedInvitation: Codable, Hashable, Sendable {
    public var invitation: Invitation
    /// The token for the caller to deliver to the invitee, shown only here — or empty when the server mailed
    /// it (`mailID`): then only the invitee's mailbox holds it, and the seller who invited never sees it.
    public var token: String
    /// The invitation mail queued to the invitee; `nil` when the token was handed over instead (asked for,
    /// or the server has no mail relay): then deliver it yourself.
    public var mailID: UUID?

    enum CodingKeys: Int, CodingKey { case invitation = 1, token = 2, mailID = 3 }
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

    enum CodingKeys: Int, CodingKey { case accountID = 1, invitationID = 2 }
}

@WireMessage
public struct AcceptInvitationRequest: Codable, Hashable, Sendable {
    public var token: String
    /// The password to set; for a user who already has one, it must match it.
    public var password: String
    /// The new user's name; ignored when the email already has a user in the tenant.
    public var displayName: String

    enum CodingKeys: Int, CodingKey { case token = 1, password = 2, displayName = 3 }
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
