import Foundation
import KeyplanPostgres
import KeyplanRPC
import Logging

/// Writes one audit-log row per call of a known tenant when the call ends: who, tenant, method,
/// object, time, client address, outcome. Runs outermost, so refusals by the authentication
/// interceptor are recorded too. Calls of no known tenant (health checks, a sign-in to an
/// unknown tenant) are only logged.
public struct AuditInterceptor: ServerInterceptor {
    let database: PostgresClient

    public init(database: PostgresClient) {
        self.database = database
    }

    public func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        let audit = CallAudit()
        do {
            try await CallAudit.$current.withValue(audit) { try await next(context) }
            await write(audit.snapshot, context: context, status: .ok)
        } catch {
            let status = (error as? any RPCErrorConvertible)?.rpcError.status
                ?? Status(code: error is CancellationError ? .cancelled : .internal, message: "internal error")
            await write(audit.snapshot, context: context, status: status)
            throw error
        }
    }

    private func write(_ state: CallAudit.State, context: ServerContext, status: Status) async {
        guard let tenantID = state.principal?.tenantID ?? state.tenantID else {
            context.logger.debug("call of no tenant", metadata: ["rpc.code": "\(status.code)"])
            return
        }
        let record = AuditRecord(
            tenantID: tenantID, userID: state.principal?.userID ?? state.userID,
            credentialID: state.principal?.credentialID, method: context.method.fullName,
            objectID: state.objectID, clientAddress: clientIPAddress(context.remoteAddress),
            code: "\(status.code)", message: String(status.message.prefix(500)))
        do {
            // Not cancellable with the call: the record must be written even when the client left.
            try await Task.detached { [database] in
                try await database.withTransaction(tenant: tenantID) { try await AuditRepository(connection: $0).append(record) }
            }.value
        } catch {
            context.logger.error("could not write the audit log", metadata: ["error": "\(error)"])
        }
    }
}
