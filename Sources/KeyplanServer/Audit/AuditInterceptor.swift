import Foundation
import KeyplanPostgres
import KeyplanRPC
import Logging

/// One audit-log row per call of a known tenant: who, tenant, method, object, time, client
/// address, outcome. Runs outermost, so refusals by the authentication interceptor are recorded
/// too. A successful write's row was already committed with the write, by the route that ran it
/// (``SecuredRoutes``); every other row — reads, refusals, failures — goes to the ``AuditTrail``,
/// which writes them in batches without making the call wait. Calls of no known tenant (health
/// checks, a sign-in to an unknown tenant) are only logged.
struct AuditInterceptor: ServerInterceptor {
    let trail: AuditTrail

    func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        let audit = CallAudit()
        do {
            try await CallAudit.$current.withValue(audit) { try await next(context) }
            record(audit.snapshot, context: context, status: .ok)
        } catch {
            let status =
                (error as? any RPCErrorConvertible)?.rpcError.status
                ?? Status(code: error is CancellationError ? .cancelled : .internal, message: "internal error")
            record(audit.snapshot, context: context, status: status)
            throw error
        }
    }

    private func record(_ state: CallAudit.State, context: ServerContext, status: Status) {
        guard !state.isWritten else { return }
        guard let record = state.record(method: context.method, remoteAddress: context.remoteAddress, status: status) else {
            context.logger.debug("call of no tenant", metadata: ["rpc.code": "\(status.code)"])
            return
        }
        trail.append(record)
    }
}
