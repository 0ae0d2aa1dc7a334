import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Synchronization

/// A call of a method with an account rule, as its handler receives it: the caller, the account
/// the request names, and the call's work in the caller's tenant, whose first round trip checks the
/// caller's access to the account before anything else of the work runs (a refusal stops the rest:
/// NOT_FOUND out of scope, PERMISSION_DENIED in scope but not allowed). So what was checked is what
/// the work uses: the same transaction, and for writes the membership stays locked until commit.
struct AccountCall: Sendable {
    let principal: Principal
    let accountID: UUID
    let transaction: TenantTransaction
    let server: ServerContext
    let check: AccountCheck

    /// The client's IP address.
    var clientAddress: String? { clientIPAddress(server.remoteAddress) }

    /// The caller's standing on the account, as the check found it (the check runs now if the
    /// work has not sent anything yet).
    var relation: AccountRelation {
        get async throws {
            if let found = check.relation { return found }
            try await transaction.open()
            guard let found = check.relation else { throw RPCError(code: .internal, message: "internal error") }
            return found
        }
    }
}

/// The account check of one call: its statement (``statement(for:account:access:lock:)``) runs
/// first in the call's transaction, and what it found is kept here.
final class AccountCheck: Sendable {
    let principal: Principal
    let accountID: UUID
    let access: AccountAccess
    private let found = Mutex<AccountRelation?>(nil)

    init(principal: Principal, accountID: UUID, access: AccountAccess) {
        self.principal = principal
        self.accountID = accountID
        self.access = access
    }

    var relation: AccountRelation? { found.withLock { $0 } }

    /// The check as the transaction's guard. The policy's verdict for every role the caller could
    /// have on the account is computed here, from ``AccountRelation``, so the database only looks
    /// the role up and compares: one policy, in one place.
    func guardStatement(locking: Bool) -> TenantTransaction.Guard {
        let candidates = AccountRelation.candidates(for: principal)
        let inScope = candidates.filter { $0.relation.isInScope }.map(\.role)
        let allowed = candidates.filter { $0.relation.allows(access) }.map(\.role)
        let query: PostgresQuery = """
            SELECT account_access(\(accountID), \(principal.userID), \(principal.tenantRole == nil), \(inScope), \(allowed), \(locking)) AS role
            """
        return TenantTransaction.Guard(query: query) { [self, candidates] rows in
            let role = try rows.single(String.self, column: "role")
            found.withLock { $0 = candidates.first { $0.role == role }?.relation }
        }
    }

    /// The status for a failed check, in the policy's words.
    func refusal(_ failure: AccountCheckFailure) -> RPCError {
        switch failure {
        case .outOfScope: RPCError(code: .notFound, message: "no account \(accountID)")
        case .notAllowed: RPCError(code: .permissionDenied, message: "\(access.rawValue) access to this account is needed")
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
