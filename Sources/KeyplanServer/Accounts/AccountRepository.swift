import Foundation
import KeyplanAPI
import KeyplanPostgres

/// A caller's standing on one account: what the authorization policy decides on.
struct AccountRelation: Sendable, Hashable {
    var tenantRole: TenantRole?
    var team: TeamRole?
    var customer: CustomerRole?

    /// Whether the account is in the caller's scope at all.
    var isInScope: Bool {
        switch tenantRole {
        case .admin, .leader, .marketing: return true
        case .seller, nil: return team != nil || customer != nil
        }
    }

    func allows(_ access: AccountAccess) -> Bool {
        let isAdmin = tenantRole == .admin
        switch access {
        case .read: return isInScope
        case .readInternal: return isInScope && tenantRole != nil
        case .respond: return customer != nil
        case .collaborate: return isAdmin || team != nil || customer == .customerEditor
        case .edit: return isAdmin || team != nil
        case .manage: return isAdmin || team == .owner
        }
    }
}

/// Accounts of the transaction's tenant, their teams and invited customers.
struct AccountRepository {
    let transaction: TenantTransaction

    static let columns = "id, name, annual_revenue, internal_notes"

    /// The caller's relation to the account; `nil` when no such account is visible in the tenant.
    func relation(of principal: Principal, to accountID: UUID) async throws -> AccountRelation? {
        guard
            let row = try await transaction.query(
                """
                SELECT (SELECT role FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(principal.userID)) AS team_role,
                       (SELECT role FROM account_customers c WHERE c.account_id = a.id AND c.user_id = \(principal.userID)) AS customer_role
                FROM accounts a WHERE a.id = \(accountID)
                """
            ).first
        else { return nil }
        var relation = AccountRelation(tenantRole: principal.tenantRole)
        if principal.tenantRole != nil {
            relation.team = try row.decode(String?.self, column: "team_role").flatMap(TeamRole.init(rawValue:))
        } else {
            relation.customer = try row.decode(String?.self, column: "customer_role").flatMap(CustomerRole.init(rawValue:))
        }
        return relation
    }

    func insert(tenantID: UUID, _ request: CreateAccountRequest) async throws -> AccountView {
        let rows = try await transaction.query(
            """
            INSERT INTO accounts (tenant_id, id, name, annual_revenue, internal_notes)
            VALUES (\(tenantID), \(UUID()), \(request.name), \(request.annualRevenue), \(request.internalNotes))
            RETURNING \(unescaped: Self.columns)
            """)
        return try Self.sellerView(rows[0])
    }

    func get(_ id: UUID, for principal: Principal) async throws -> AccountView? {
        try await transaction.query("SELECT \(unescaped: Self.columns) FROM accounts WHERE id = \(id)").first
            .map { try Self.view($0, for: principal) }
    }

    /// The accounts in the caller's scope: all of the tenant's for admins, leaders and
    /// marketing; a seller's team accounts; a customer's invited accounts.
    func list(for principal: Principal) async throws -> [AccountView] {
        let seesAll = principal.seesWholeTenant
        let rows = try await transaction.query(
            """
            SELECT \(unescaped: Self.columns) FROM accounts a
            WHERE \(seesAll)
               OR EXISTS (SELECT FROM account_team t WHERE t.account_id = a.id AND t.user_id = \(principal.userID) AND \(principal.tenantRole != nil))
               OR EXISTS (SELECT FROM account_customers c WHERE c.account_id = a.id AND c.user_id = \(principal.userID) AND \(principal.tenantRole == nil))
            ORDER BY name
            """)
        return try rows.map { try Self.view($0, for: principal) }
    }

    func setTeamMember(tenantID: UUID, accountID: UUID, userID: UUID, role: TeamRole) async throws {
        try await transaction.query(
            """
            INSERT INTO account_team (tenant_id, account_id, user_id, role) VALUES (\(tenantID), \(accountID), \(userID), \(role.rawValue))
            ON CONFLICT (tenant_id, account_id, user_id) DO UPDATE SET role = excluded.role
            """)
    }

    /// What ``removeMember(_:from:)`` did.
    enum MemberRemoval {
        case removed
        case notAMember
        /// Nothing was removed: the user is the team's only owner.
        case lastOwner
    }

    /// Whether the user is the team's only owner. The owners stay locked until the transaction
    /// ends, so that two changes at once cannot both leave the other as the last one.
    func isSoleOwner(_ userID: UUID, of accountID: UUID) async throws -> Bool {
        try await transaction.query("SELECT user_id FROM account_team WHERE account_id = \(accountID) AND role = 'owner' FOR UPDATE")
            .map { try $0.decode(UUID.self, column: "user_id") } == [userID]
    }

    /// Takes the user off the account's team and out of its customers, unless they are the
    /// team's only owner, and revokes the account's pending invitations to the user's email, so
    /// that a removed customer cannot come back in through one sent earlier.
    func removeMember(_ userID: UUID, from accountID: UUID) async throws -> MemberRemoval {
        if try await isSoleOwner(userID, of: accountID) { return .lastOwner }
        let removed = try await transaction.query(
            """
            WITH team AS (DELETE FROM account_team WHERE account_id = \(accountID) AND user_id = \(userID) RETURNING 1),
                 customer AS (DELETE FROM account_customers WHERE account_id = \(accountID) AND user_id = \(userID) RETURNING 1),
                 pending AS (
                     UPDATE invitations SET revoked_at = now()
                     WHERE account_id = \(accountID) AND accepted_at IS NULL AND revoked_at IS NULL
                       AND email = (SELECT email FROM users WHERE id = \(userID))
                       AND (EXISTS (SELECT 1 FROM team) OR EXISTS (SELECT 1 FROM customer)))
            SELECT (SELECT count(*) FROM team) + (SELECT count(*) FROM customer) AS n
            """
        ).single(Int.self, column: "n")
        return removed > 0 ? .removed : .notAMember
    }

    func setCustomer(tenantID: UUID, accountID: UUID, userID: UUID, role: CustomerRole) async throws {
        try await transaction.query(
            """
            INSERT INTO account_customers (tenant_id, account_id, user_id, role) VALUES (\(tenantID), \(accountID), \(userID), \(role.rawValue))
            ON CONFLICT (tenant_id, account_id, user_id) DO UPDATE SET role = excluded.role
            """)
    }

    /// A customer's view is built here, on the server: seller-internal fields are never read
    /// into it, so no client can show them.
    static func view(_ row: PostgresRow, for principal: Principal) throws -> AccountView {
        if principal.kind == .customer {
            return AccountView(
                id: try row.decode(UUID.self, column: "id"), name: try row.decode(String.self, column: "name"), annualRevenue: nil, internalNotes: nil
            )
        }
        return try sellerView(row)
    }

    static func sellerView(_ row: PostgresRow) throws -> AccountView {
        AccountView(
            id: try row.decode(UUID.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            annualRevenue: try row.decode(Decimal?.self, column: "annual_revenue"),
            internalNotes: try row.decode(String.self, column: "internal_notes"))
    }
}
