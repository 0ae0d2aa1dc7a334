public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Auth`: signing in and out, and who the caller is.
public enum AuthService {
    public static let name = "keyplan.Auth"
    /// Public: exchanges an email and password in a tenant for a session token.
    public static let signIn = RPCMethod<SignInRequest, SessionGrant>.unary(name, "SignIn")
    /// Revokes the calling session (an API key is revoked through `APIKeys.Revoke`).
    public static let signOut = RPCMethod<Empty, Empty>.unary(name, "SignOut")
    /// The caller's identity.
    public static let whoAmI = RPCMethod<Empty, Identity>.read(name, "WhoAmI")
    /// Changes the caller's own password, given the current one (wrong ones count towards the sign-in
    /// throttle), and ends the user's other sessions.
    public static let changePassword = RPCMethod<ChangePasswordRequest, Empty>.unary(name, "ChangePassword")
    /// Public: sets a new password with the token of a mailed password-reset link (`Users/ResetPassword` of a
    /// customer), once, within the hour; the user's sessions end.
    public static let resetPassword = RPCMethod<PasswordResetRequest, Empty>.unary(name, "ResetPassword")
}

@WireMessage
public struct PasswordResetRequest: Codable, Hashable, Sendable, CarriesSecret {
    /// The token of the link, `kpr_…`.
    public var token: String
    public var newPassword: String

    public var withoutSecret: Self { PasswordResetRequest(token: "", newPassword: "") }

    enum CodingKeys: Int, CodingKey { case token = 1, newPassword = 2 }
}

@WireMessage
public struct ChangePasswordRequest: Codable, Hashable, Sendable, CarriesSecret {
    public var currentPassword: String
    public var newPassword: String

    public var withoutSecret: Self { ChangePasswordRequest(currentPassword: "", newPassword: "") }

    enum CodingKeys: Int, CodingKey { case currentPassword = 1, newPassword = 2 }
}

@WireMessage
public struct SignInRequest: Codable, Hashable, Sendable {
    /// The tenant's slug: the same email may belong to users of several tenants.
    public var tenantSlug: String
    public var email: String
    public var password: String

    enum CodingKeys: Int, CodingKey { case tenantSlug = 1, email = 2, password = 3 }
}

/// A new session: its token, shown only here, and who it belongs to.
@WireMessage
public struct SessionGrant: Codable, Hashable, Sendable {
    public var token: String
    public var expiresAt: Date
    public var identity: Identity

    enum CodingKeys: Int, CodingKey { case token = 1, expiresAt = 2, identity = 3 }
}

/// Who a credential belongs to.
@WireMessage
public struct Identity: Codable, Hashable, Sendable {
    public var userID: UUID
    public var tenantID: UUID
    public var email: String
    public var displayName: String
    public var kind: UserKind
    /// A seller's tenant role; for an API key, the role it acts with. `nil` for customers.
    public var tenantRole: TenantRole?
    public var credentialID: UUID
    public var credentialKind: CredentialKind
    /// The tenant's name and slug (what sign-in takes), as people know it.
    public var tenantName: String
    public var tenantSlug: String

    enum CodingKeys: Int, CodingKey {
        case userID = 1, tenantID = 2, email = 3, displayName = 4, kind = 5, tenantRole = 6, credentialID = 7
        case credentialKind = 8, tenantName = 9, tenantSlug = 10
    }
}

extension KeyplanClient {
    public func signIn(tenantSlug: String, email: String, password: String) async throws -> SessionGrant {
        try await call(AuthService.signIn, SignInRequest(tenantSlug: tenantSlug, email: email, password: password))
    }

    public func signOut() async throws {
        _ = try await call(AuthService.signOut, Empty())
    }

    public func whoAmI() async throws -> Identity {
        try await call(AuthService.whoAmI, Empty())
    }

    public func resetPassword(token: String, newPassword: String) async throws {
        _ = try await call(AuthService.resetPassword, PasswordResetRequest(token: token, newPassword: newPassword))
    }

    public func changePassword(current: String, new: String) async throws {
        _ = try await call(AuthService.changePassword, ChangePasswordRequest(currentPassword: current, newPassword: new))
    }
}
