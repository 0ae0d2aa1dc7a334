import Foundation
import KeyplanAPI
import KeyplanPostgres
import Testing

@testable import KeyplanServer

/// The callers the authorization matrix tries every method as.
enum MatrixCaller: String, CaseIterable, CustomStringConvertible {
    /// `sellerOnTeam` owns account A; `teamMember` is a member of its team.
    case admin, leader, sellerOnTeam, teamMember, sellerOffTeam, marketing
    case customerEditor, customerViewer, otherTenantCustomer
    case anonymous, expiredToken, revokedToken

    var description: String { rawValue }
}

/// Two tenants with two accounts each, and a user for every caller: acme's admin, leader,
/// account A's owner, a member of its team, a seller off it, marketing, A's customer editor and viewer; a customer
/// of globex's account C. Built through the public API wherever it can be.
struct TwoTenantWorld {
    let server: IdentityTestServer
    let acme: UUID
    let globex: UUID
    let accountA: UUID
    let accountB: UUID
    let accountC: UUID
    /// The callers' users: tenant and user id.
    let users: [MatrixCaller: (tenant: UUID, user: UUID)]
    let expiredToken: String
    let revokedToken: String
    /// An acme seller on no team, for adding to a team.
    let spareSeller: UUID
    let acmeAdminToken: String

    static let password = "correct horse battery"

    static func build(_ server: IdentityTestServer) async throws -> TwoTenantWorld {
        let (acme, acmeAdmin) = try await server.bootstrapTenant(slug: "acme")
        let (globex, globexAdmin) = try await server.bootstrapTenant(slug: "globex")
        let admin = server.client(acmeAdmin.token)
        var users: [MatrixCaller: (tenant: UUID, user: UUID)] = [.admin: (acme, acmeAdmin.identity.userID)]

        func seller(_ name: String, _ role: TenantRole) async throws -> UUID {
            try await admin.createUser(CreateUserRequest(email: "\(name)@acme.example", displayName: name, role: role, password: password)).user.id
        }
        users[.leader] = (acme, try await seller("leader", .leader))
        users[.sellerOnTeam] = (acme, try await seller("seller-on", .seller))
        users[.teamMember] = (acme, try await seller("seller-member", .seller))
        users[.sellerOffTeam] = (acme, try await seller("seller-off", .seller))
        users[.marketing] = (acme, try await seller("marketing", .marketing))
        let spareSeller = try await seller("spare", .seller)

        let owner = server.client(try await server.anonymous.signIn(tenantSlug: "acme", email: "seller-on@acme.example", password: password).token)
        let accountA = try await owner.createAccount(
            CreateAccountRequest(name: "Account A", annualRevenue: Decimal(string: "1250000.50"), internalNotes: "champion is wavering"))
        try await owner.addTeamMember(AddTeamMemberRequest(accountID: accountA.id, userID: try #require(users[.teamMember]).user, role: .member))
        let accountB = try await admin.createAccount(CreateAccountRequest(name: "Account B", internalNotes: "B internal"))

        for (caller, email, role) in [
            (MatrixCaller.customerEditor, "editor@buyer.example", CustomerRole.customerEditor),
            (.customerViewer, "viewer@buyer.example", .customerViewer),
        ] {
            // By the admin: with a mail relay, only an admin may take an invitation's token by hand.
            let invitation = try await admin.createInvitation(
                CreateInvitationRequest(accountID: accountA.id, email: email, role: role, handOver: true))
            let grant = try await server.anonymous.acceptInvitation(token: invitation.token, password: password, displayName: caller.rawValue)
            users[caller] = (acme, grant.identity.userID)
        }

        let globexClient = server.client(globexAdmin.token)
        let accountC = try await globexClient.createAccount(CreateAccountRequest(name: "Account C", internalNotes: "C internal"))
        _ = try await globexClient.createAccount(CreateAccountRequest(name: "Account D"))
        let invitation = try await globexClient.createInvitation(
            CreateInvitationRequest(accountID: accountC.id, email: "other@buyer.example", role: .customerEditor, handOver: true))
        let other = try await server.anonymous.acceptInvitation(token: invitation.token, password: password, displayName: "Other")
        users[.otherTenantCustomer] = (globex, other.identity.userID)

        let leader = try #require(users[.leader])
        let expiredToken = try await server.mintSession(tenant: acme, user: leader.user)
        _ = try await server.inTenant(acme) { connection in
            try await connection.query(
                "UPDATE credentials SET expires_at = now() - interval '1 minute' WHERE token_hash = \(SecretToken.hash(of: expiredToken))")
        }
        let revoked = try await server.anonymous.signIn(tenantSlug: "acme", email: "leader@acme.example", password: password)
        try await server.client(revoked.token).signOut()

        return TwoTenantWorld(
            server: server, acme: acme, globex: globex, accountA: accountA.id, accountB: accountB.id, accountC: accountC.id,
            users: users, expiredToken: expiredToken, revokedToken: revoked.token, spareSeller: spareSeller,
            acmeAdminToken: acmeAdmin.token)
    }

    /// A client for `caller`, with a fresh session so that signing out or revoking in one cell
    /// does not affect the next.
    func client(for caller: MatrixCaller) async throws -> KeyplanClient {
        switch caller {
        case .anonymous: return server.anonymous
        case .expiredToken: return server.client(expiredToken)
        case .revokedToken: return server.client(revokedToken)
        default:
            let user = try #require(users[caller])
            return server.client(try await server.mintSession(tenant: user.tenant, user: user.user))
        }
    }

    /// A new invitation into account A, with its token.
    func freshInvitation() async throws -> (id: UUID, token: String) {
        let token = SecretToken.generate(.invitation)
        let inviter = try #require(users[.admin]).user
        let invitation = try await server.inTenant(acme) {
            try await InvitationRepository(transaction: $0).insert(
                tenantID: acme, accountID: accountA, email: "\(UUID().uuidString.lowercased())@buyer.example",
                role: .customerViewer, token: token, invitedBy: inviter, lifetime: .seconds(600))
        }
        return (invitation.id, token.text)
    }

    /// A new mailed password-reset link's token for a new acme customer (as if an admin had asked for it).
    func freshPasswordReset() async throws -> String {
        let token = SecretToken.generate(.passwordReset)
        let admin = try #require(users[.admin]).user
        try await server.inTenant(acme) {
            let customer = try await UserRepository(transaction: $0).insert(
                tenantID: acme, email: "\(UUID().uuidString.lowercased())@buyer.example", displayName: "Temp", kind: .customer, role: nil,
                passwordHash: nil)
            _ = try await PasswordResetRepository(transaction: $0).insert(userID: customer.id, token: token, requestedBy: admin)
        }
        return token.text
    }

    /// A new acme seller user (to disable).
    func freshSeller() async throws -> UUID {
        try await server.inTenant(acme) {
            try await UserRepository(transaction: $0).insert(
                tenantID: acme, email: "\(UUID().uuidString.lowercased())@acme.example", displayName: "Temp",
                kind: .seller, role: .seller, passwordHash: nil
            ).id
        }
    }

    /// A new credential of `kind` for the caller's user (or acme's admin for callers without one).
    func freshCredential(_ kind: CredentialKind, of caller: MatrixCaller) async throws -> UUID {
        let admin = try #require(users[.admin])
        let (tenant, user) = users[caller] ?? admin
        return try await server.inTenant(tenant) { connection in
            let repository = CredentialRepository(transaction: connection)
            switch kind {
            case .session:
                return try await repository.insertSession(
                    tenantID: tenant, userID: user, token: .generate(.session), clientAddress: nil, sessions: .defaults
                ).id
            case .apiKey:
                return try await repository.insertAPIKey(
                    tenantID: tenant, userID: user, name: "k", role: .seller, token: .generate(.apiKey), lifetime: nil
                ).id
            }
        }
    }
}
