public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Users`: a tenant's users, managed by its admins.
public enum UsersService {
    public static let name = "keyplan.Users"
    public static let create = RPCMethod<CreateUserRequest, CreatedUser>.unary(name, "Create")
    public static let list = RPCMethod<Empty, UserList>.read(name, "List")
    /// Disables a user and revokes all their credentials.
    public static let disable = RPCMethod<UserRef, User>.unary(name, "Disable")
    /// Sets a new password for a seller user who lost theirs (generated unless given, and then returned once),
    /// ends their sessions and lifts a sign-in lockout; their API keys stay. A customer's sign-in is theirs
    /// alone: for a customer, the server mails them a link, valid an hour, to choose a new password on the
    /// portal (`Auth/ResetPassword`; needs a mail relay, and no password in the request). Not for one's own
    /// password: `Auth/ChangePassword` takes the current one.
    public static let resetPassword = RPCMethod<ResetPasswordRequest, CreatedUser>.unary(name, "ResetPassword")
}

@WireMessage
public struct ResetPasswordRequest: Codable, Hashable, Sendable, CarriesSecret {
    public var userID: UUID
    /// The new password; when absent the server generates one and returns it once.
    public var password: String?

    public var withoutSecret: Self { ResetPasswordRequest(userID: userID, password: nil) }

    enum CodingKeys: Int, CodingKey { case userID = 1, password = 2 }
}

@WireMessage
public struct User: Codable, Hashable, Sendable {
    public var id: UUID
    public var email: String
    public var displayName: String
    public var kind: UserKind
    public var tenantRole: TenantRole?
    public var disabled: Bool
    public var createdAt: Date

    enum CodingKeys: Int, CodingKey {
        case id = 1, email = 2, displayName = 3, kind = 4, tenantRole = 5, disabled = 6, createdAt = 7
    }
}

@WireMessage
public struct CreateUserRequest: Codable, Hashable, Sendable {
    public var email: String
    public var displayName: String
    public var role: TenantRole
    /// The initial password; when absent the server generates one and returns it once.
    public var password: String?

    enum CodingKeys: Int, CodingKey { case email = 1, displayName = 2, role = 3, password = 4 }
}

@WireMessage
public struct CreatedUser: Codable, Hashable, Sendable {
    public var user: User
    /// The generated password, shown only here; `nil` when the request gave one, or for a customer.
    public var generatedPassword: String?
    /// A customer's reset: the mail that brings them a link to choose their new password
    /// (`Auth/ResetPassword`); `nil` for a seller.
    public var mailID: UUID?

    enum CodingKeys: Int, CodingKey { case user = 1, generatedPassword = 2, mailID = 3 }
}

@WireMessage
public struct UserList: Codable, Hashable, Sendable {
    public var users: [User]

    public init(users: [User]) { self.users = users }

    enum CodingKeys: Int, CodingKey { case users = 1 }
}

@WireMessage
public struct UserRef: Codable, Hashable, Sendable {
    public var userID: UUID

    public init(userID: UUID) { self.userID = userID }

    enum CodingKeys: Int, CodingKey { case userID = 1 }
}

extension KeyplanClient {
    public func createUser(_ request: CreateUserRequest) async throws -> CreatedUser {
        try await call(UsersService.create, request)
    }

    public func listUsers() async throws -> [User] {
        try await call(UsersService.list, Empty()).users
    }

    public func disableUser(_ userID: UUID) async throws -> User {
        try await call(UsersService.disable, UserRef(userID: userID))
    }

    public func resetPassword(userID: UUID, password: String? = nil) async throws -> CreatedUser {
        try await call(UsersService.resetPassword, ResetPasswordRequest(userID: userID, password: password))
    }
}
