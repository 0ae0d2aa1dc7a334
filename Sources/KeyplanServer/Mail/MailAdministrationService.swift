import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Mail`: admins see the tenant's outgoing mail — sent, waiting for a retry, failed —
/// and send a failed one again. Works without a relay too (mail then stays queued).
struct MailAdministrationService: SecuredService {
    let environment: ServiceEnvironment

    private static let unknownCursor = RPCError(code: .invalidArgument, message: "the cursor is not one a page of mail returned")

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(MailService.list) { request, call in
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 100)
            let outbox = MailOutbox(transaction: call.transaction)
            let cursor = try request.cursor.map { (text: String) throws -> UUID in
                guard let id = UUID(uuidString: text) else { throw Self.unknownCursor }
                return id
            }
            if let cursor, try await outbox.delivery(cursor, locking: false) == nil { throw Self.unknownCursor }
            let page = try await outbox.list(state: request.state, after: cursor, limit: limit + 1)
            return MailPage(deliveries: Array(page.prefix(limit)), nextCursor: page.count > limit ? page[limit - 1].id.uuidString : nil)
        }
        routes.tenant(MailService.retry) { request, call in
            let retried = try await MailOutbox(transaction: call.transaction).retry(request.id)
            environment.mail?.wake(when: call.transaction)
            return retried
        }
    }
}
