import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The people who take part in one account's workspace: the sellers on its team and the
/// customers invited to it, while active. Every reference to a person in the workspace — an
/// action's owner, a step's responsible person, a review's attendee, a relationship's team
/// member, a mention — must name one of them: nobody is assigned what they cannot see, and a
/// customer cannot learn of sellers outside the account. Tenant-wide readers (admins, leaders,
/// marketing) see every account but take part in those whose team they join.
struct AccountParticipants {
    let transaction: TenantTransaction
    let accountID: UUID

    /// All of them: the team by name, then the customers by name.
    func list() async throws -> [Participant] {
        try await transaction.query(
            """
            SELECT \(WorkspaceChange.Actor.columns(of: "u", as: "person")), p.team_role, p.customer_role
            FROM (SELECT user_id, role AS team_role, NULL AS customer_role FROM account_team WHERE account_id = \(accountID)
                  UNION ALL
                  SELECT user_id, NULL, role FROM account_customers WHERE account_id = \(accountID)) p
            JOIN users u ON u.id = p.user_id
            WHERE u.disabled_at IS NULL
            ORDER BY u.kind = 'customer', lower(u.display_name), u.email
            """
        ).map { row in
            Participant(
                person: try WorkspaceChange.Actor(row, prefix: "person"),
                teamRole: try row.decode(String?.self, column: "team_role").flatMap(TeamRole.init(rawValue:)),
                customerRole: try row.decode(String?.self, column: "customer_role").flatMap(CustomerRole.init(rawValue:)))
        }
    }

    /// Each of `ids` as a person; throws INVALID_ARGUMENT naming the first that does not take part
    /// (by id only: whether such a user exists elsewhere is none of the caller's business).
    /// With `tenantReaders`, the tenant's admins, leaders and marketing count too: they read every
    /// account's internal records, so a seller may mention them on an internal comment.
    func require(_ ids: [UUID], as role: String, tenantReaders: Bool = false) async throws -> [UUID: WorkspaceChange.Actor] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await transaction.query(
            """
            SELECT \(WorkspaceChange.Actor.columns(of: "u", as: "person")) FROM users u
            WHERE u.id = ANY(\(ids)::uuid[]) AND u.disabled_at IS NULL
              AND (EXISTS (SELECT FROM account_team t WHERE t.account_id = \(accountID) AND t.user_id = u.id)
                   OR EXISTS (SELECT FROM account_customers c WHERE c.account_id = \(accountID) AND c.user_id = u.id)
                   OR (\(tenantReaders) AND u.tenant_role IN ('admin', 'leader', 'marketing')))
            """)
        var found: [UUID: WorkspaceChange.Actor] = [:]
        for row in rows {
            let person = try WorkspaceChange.Actor(row, prefix: "person")
            found[person.userID] = person
        }
        if let missing = ids.first(where: { found[$0] == nil }) {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "\(role) must take part in this account (its team or its invited customers; see `keyplan accounts participants`): \(missing) does not"
            )
        }
        return found
    }

    /// One participant (see ``require(_:as:)``).
    func person(_ id: UUID, as role: String) async throws -> WorkspaceChange.Actor {
        guard let person = try await require([id], as: role)[id] else {
            throw RPCError(code: .invalidArgument, message: "\(role) must take part in this account: \(id) does not")
        }
        return person
    }
}
