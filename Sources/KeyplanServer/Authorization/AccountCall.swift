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
