import Foundation
import KeyplanRPC
import Synchronization

/// What the layers of one call learn about it for the audit log: the interceptors and handlers
/// fill it in, and its row is written either with the call's write (``SecuredRoutes``) or, for
/// every other outcome, by the audit interceptor. Reached through a task local because
/// interceptors pass each other only the ``ServerContext``.
final class CallAudit: Sendable {
    struct State: Sendable {
        var principal: Principal?
        /// The tenant, when known without a principal (e.g. a sign-in to a known tenant slug).
        var tenantID: UUID?
        /// The user, when known without a principal (e.g. a failed sign-in of a known user).
        var userID: UUID?
        var objectID: UUID?
        /// The row was committed with the call's write: the interceptor writes nothing.
        var isWritten = false

        /// The row for this call with its outcome; `nil` when no tenant is known.
        func record(method: MethodDescriptor, remoteAddress: String?, status: Status) -> AuditRecord? {
            guard let tenantID = principal?.tenantID ?? tenantID else { return nil }
            return AuditRecord(
                tenantID: tenantID, userID: principal?.userID ?? userID, credentialID: principal?.credentialID,
                method: method.fullName, objectID: objectID, clientAddress: clientIPAddress(remoteAddress),
                code: "\(status.code)", message: status.message.clipped(to: 500))
        }
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
