import Foundation
import Synchronization

/// What the layers of one call learn about it for the audit log: the interceptors and handlers
/// fill it in, the audit interceptor writes it when the call ends. Reached through a task local
/// because interceptors pass each other only the ``ServerContext``.
final class CallAudit: Sendable {
    struct State: Sendable {
        var principal: Principal?
        /// The tenant, when known without a principal (e.g. a sign-in to a known tenant slug).
        var tenantID: UUID?
        /// The user, when known without a principal (e.g. a failed sign-in of a known user).
        var userID: UUID?
        var objectID: UUID?
    }

    private let state = Mutex(State())

    @TaskLocal static var current: CallAudit?

    var snapshot: State { state.withLock { $0 } }

    func update(_ change: (inout State) -> Void) {
        state.withLock { change(&$0) }
    }

    /// Records on the current call's audit, if there is one.
    static func record(_ change: (inout State) -> Void) {
        current?.update(change)
    }
}
