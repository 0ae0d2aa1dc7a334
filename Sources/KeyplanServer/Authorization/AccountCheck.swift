import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Synchronization

/// The account check of one call: its statement (``statement(for:account:access:lock:)``) runs
/// first in the call's transaction, and what it found is kept here.
final class AccountCheck: Sendable {
    let principal: Principal
    let accountID: UUID
    let access: AccountAccess
    /// What the call does, in words, for a refusal.
    let purpose: String
    private let found = Mutex<AccountRelation?>(nil)

    init(principal: Principal, accountID: UUID, access: AccountAccess, purpose: String) {
        self.principal = principal
        self.accountID = accountID
        self.access = access
        self.purpose = purpose
    }

    var relation: AccountRelation? { found.withLock { $0 } }

    /// The check as the transaction's guard. The policy's verdict for every role the caller could
    /// have on the account is computed here, from ``AccountRelation``, so the database only looks
    /// the role up and compares: one policy, in one place.
    func guardStatement(locking: Bool) -> TenantTransaction.Guard {
        let candidates = AccountRelation.candidates(for: principal)
        let inScope = candidates.filter { $0.relation.isInScope }.map(\.role)
        let allowed = candidates.filter { $0.relation.allows(access) }.map(\.role)
        // A customer's reads show sellers' email addresses only for the account's team
        // (`WorkspaceChange.Actor.columns(of:as:)` reads the setting): the participants rule.
        let customerView: PostgresQuery =
            principal.kind == .customer ? ", set_config('app.customer_account', \(accountID.uuidString.lowercased()), true) AS customer_account" : ""
        let columns: PostgresQuery = """
            account_access(\(accountID), \(principal.userID), \(principal.tenantRole == nil), \(inScope), \(allowed), \(locking)) AS role\(customerView)
            """
        return TenantTransaction.Guard(columns: columns) { [self, candidates] rows in
            let role = try rows.single(String.self, column: "role")
            found.withLock { $0 = candidates.first { $0.role == role }?.relation }
        }
    }

    /// The status for a failed check, in the caller's words (``Refusal``).
    func refusal(_ failure: AccountCheckFailure) -> RPCError {
        switch failure {
        case .outOfScope: RPCError(code: .notFound, message: "no account \(accountID) (or not one you can see)")
        case .notAllowed: Refusal.account(access, purpose: purpose, principal: principal)
        }
    }
}

extension AccountRelation {
    /// Every relation `principal` could have to an account, each with the role name the
    /// database stores for it ('' for none): a seller's team role, or a customer's invitation role.
    static func candidates(for principal: Principal) -> [(role: String, relation: AccountRelation)] {
        if let tenantRole = principal.tenantRole {
            return [("", AccountRelation(tenantRole: tenantRole))]
                + TeamRole.allCases.map { ($0.rawValue, AccountRelation(tenantRole: tenantRole, team: $0)) }
        }
        return [("", AccountRelation())] + CustomerRole.allCases.map { ($0.rawValue, AccountRelation(customer: $0)) }
    }
}

/// A failed account check (`account_access` raised): not in scope, or in scope but not allowed.
enum AccountCheckFailure: Sendable, Hashable {
    case outOfScope
    case notAllowed

    init?(_ error: PostgresError) {
        switch error.sqlState {
        case "KP404": self = .outOfScope
        case "KP403": self = .notAllowed
        default: return nil
        }
    }
}
