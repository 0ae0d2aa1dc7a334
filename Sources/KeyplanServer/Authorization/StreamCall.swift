import Foundation
import KeyplanRPC

/// A streaming call (live updates, an import), as its handler receives it once authorized: the
/// caller and, for an account-scoped stream, the account it was admitted to. A stream runs as many
/// transactions as it needs, each through `PostgresClient.inTenant`.
struct StreamCall: Sendable {
    let principal: Principal
    /// The account, for a method with an account rule (its access checked when the stream opened).
    let accountID: UUID?
    let server: ServerContext
}
