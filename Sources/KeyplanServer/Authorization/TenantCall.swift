import Foundation
import KeyplanRPC

/// A call of a method with a tenant-wide rule (any credential, or tenant roles), as its handler
/// receives it once authenticated and authorized: the caller, and the call's work in the caller's
/// tenant, which the route commits when the handler returns and rolls back when it throws.
struct TenantCall: Sendable {
    let principal: Principal
    let transaction: TenantTransaction
    let server: ServerContext

    /// The client's IP address.
    var clientAddress: String? { clientIPAddress(server.remoteAddress) }
}
