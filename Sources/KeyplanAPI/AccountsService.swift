public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Accounts`: the key accounts of a tenant, as far as identity needs them.
public enum AccountsService {
    public static let name = "keyplan.Accounts"
    public static let create = RPCMethod<CreateAccountRequest, AccountView>.unary(name, "Create")
    /// The accounts the caller may read.
    public static let list = RPCMethod<Empty, AccountList>.read(name, "List")
    /// One account; a customer gets the customer view, built on the server.
    public static let get = RPCMethod<AccountRef, AccountView>.read(name, "Get")
    /// The account's people — its team and the customers invited to it — whom an action, a
    /// process step, a review, a relationship or a mention may name. Every reader may list them.
    public static let participants = RPCMethod<AccountRef, ParticipantList>.read(name, "Participants")
    public static let addTeamMember = RPCMethod<AddTeamMemberRequest, Empty>.unary(name, "AddTeamMember")
    /// Takes a user off the account: a seller off its team, a customer out of its workspace. Their
    /// next call about the account, an open Watch stream included, finds no account, and the
    /// account's pending invitations to their email are revoked; the plan's actions they owned
    /// are left without an owner (journaled, like any update). NOT_FOUND when the user is
    /// neither; FAILED_PRECONDITION for the team's last owner.
    public static let removeMember = RPCMethod<RemoveMemberRequest, Empty>.unary(name, "RemoveMember")
}

/// An account as the caller may see it. Seller-internal fields are `nil` in a customer's view:
/// the server never sends them to a customer.
@WireMessage
public struct AccountView: Codable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    /// Seller-internal: the revenue assessment.
    public var annualRevenue: Decimal?
    /// Seller-internal notes.
    public var internalNotes: String?

    enum CodingKeys: Int, CodingKey { case id = 1, name = 2, annualRevenue = 3, internalNotes = 4 }
}

@WireMessage
public struct CreateAccountRequest: Codable, Hashable, Sendable {
    public var name: String
    public var annualRevenue: Decimal?
    public var internalNotes: String

    public init(name: String, annualRevenue: Decimal? = nil, internalNotes: String = "") {
        self.name = name
        self.annualRevenue = annualRevenue
        self.internalNotes = internalNotes
    }

    enum CodingKeys: Int, CodingKey { case name = 1, annualRevenue = 2, internalNotes = 3 }
}

@WireMessage
public struct AccountList: Codable, Hashable, Sendable {
    public var accounts: [AccountView]

    public init(accounts: [AccountView]) { self.accounts = accounts }

    enum CodingKeys: Int, CodingKey { case accounts = 1 }
}

@WireMessage
public struct AccountRef: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID

    public init(accountID: UUID) { self.accountID = accountID }

    enum CodingKeys: Int, CodingKey { case accountID = 1 }
}

/// Someone taking part in an account: a seller on its team, or a customer invited to it.
@WireMessage
public struct Participant: Codable, Hashable, Sendable {
    public var person: WorkspaceChange.Actor
    /// A seller's place on the team (`nil` for customers).
    public var teamRole: TeamRole?
    /// A customer's role (`nil` for sellers).
    public var customerRole: CustomerRole?

    enum CodingKeys: Int, CodingKey { case person = 1, teamRole = 2, customerRole = 3 }

    /// "owner", "member", "customer editor", "customer viewer".
    public var roleWords: String {
        teamRole?.rawValue ?? customerRole?.rawValue.replacingOccurrences(of: "_", with: " ") ?? person.kind.rawValue
    }
}

/// An account's participants: the team by name, then the customers by name.
@WireMessage
public struct ParticipantList: Codable, Hashable, Sendable {
    public var participants: [Participant]

    public init(participants: [Participant]) { self.participants = participants }

    enum CodingKeys: Int, CodingKey { case participants = 1 }
}

@WireMessage
public struct AddTeamMemberRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// The seller, by id or by email (exactly one of the two): an account's owner knows their
    /// colleagues by email, and only admins may list the tenant's users.
    public var userID: UUID?
    public var email: String?
    public var role: TeamRole

    enum CodingKeys: Int, CodingKey { case accountID = 1, userID = 2, role = 3, email = 4 }
}

@WireMessage
public struct RemoveMemberRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var userID: UUID

    enum CodingKeys: Int, CodingKey { case accountID = 1, userID = 2 }
}

extension KeyplanClient {
    public func createAccount(_ request: CreateAccountRequest) async throws -> AccountView {
        try await call(AccountsService.create, request)
    }

    public func participants(of accountID: UUID) async throws -> [Participant] {
        try await call(AccountsService.participants, AccountRef(accountID: accountID)).participants
    }

    public func listAccounts() async throws -> [AccountView] {
        try await call(AccountsService.list, Empty()).accounts
    }

    public func getAccount(_ id: UUID) async throws -> AccountView {
        try await call(AccountsService.get, AccountRef(accountID: id))
    }

    public func addTeamMember(_ request: AddTeamMemberRequest) async throws {
        _ = try await call(AccountsService.addTeamMember, request)
    }

    public func removeMember(_ request: RemoveMemberRequest) async throws {
        _ = try await call(AccountsService.removeMember, request)
    }
}
