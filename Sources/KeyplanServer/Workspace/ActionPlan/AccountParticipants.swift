import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// The people who may take part in one account's workspace (own an action, be responsible for a
/// step, attend a review): the tenant's active sellers and the customers invited to this account.
/// A customer of another account or tenant, a disabled user, an unknown id: none of them.
struct AccountParticipants {
    let transaction: TenantTransaction
    let accountID: UUID

    /// Each of `ids` with its kind; throws INVALID_ARGUMENT naming the first that may not take
    /// part (without telling whether such a user exists elsewhere).
    func require(_ ids: [UUID], as role: String) async throws -> [UUID: UserKind] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await transaction.query("""
            SELECT u.id, u.kind FROM users u
            WHERE u.id = ANY(\(ids)::uuid[]) AND u.disabled_at IS NULL
              AND (u.kind = 'seller' OR EXISTS (SELECT FROM account_customers c WHERE c.account_id = \(accountID) AND c.user_id = u.id))
            """)
        var found: [UUID: UserKind] = [:]
        for row in rows { found[try row.decode(UUID.self, column: "id")] = try decodeEnum(UserKind.self, row, "kind") }
        if let missing = ids.first(where: { found[$0] == nil }) {
            throw RPCError(code: .invalidArgument, message: "\(role) \(missing) is neither an active seller of this tenant nor a customer invited to this account")
        }
        return found
    }

    /// The kind of one participant (see ``require(_:as:)``).
    func require(_ id: UUID, as role: String) async throws -> UserKind {
        guard let kind = try await require([id], as: role)[id] else {
            throw RPCError(code: .invalidArgument, message: "\(role) \(id) may not take part in this account")
        }
        return kind
    }
}
