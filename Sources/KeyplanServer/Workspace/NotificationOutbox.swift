import Foundation
import KeyplanPostgres

/// What someone should be told, queued in the transaction's tenant (`notifications`), in the
/// same transaction as the change that causes it: a mail or chat integration drains the outbox.
struct NotificationOutbox {
    let transaction: TenantTransaction

    enum Kind: String, Sendable {
        case actionAssigned = "action_assigned"
        case scoringRoundOpened = "scoring_round_opened"
        case scoringRoundClosing = "scoring_round_closing"
        case reviewDue = "review_due"
        case reviewSignOff = "review_sign_off"
        case mention
    }

    /// Queues one notification per recipient (duplicates and `except` left out, typically the
    /// actor: nobody is told of their own doing). With a `dedupeKey`, a recipient gets at most
    /// one notification of that key, ever.
    func enqueue(
        _ kind: Kind, to recipients: [UUID], except: UUID? = nil, tenantID: UUID, accountID: UUID?, subjectID: UUID?,
        message: String, dedupeKey: String? = nil
    ) async throws {
        let recipients = Array(Set(recipients).subtracting(except.map { [$0] } ?? []))
        guard !recipients.isEmpty else { return }
        try await transaction.query(
            """
            INSERT INTO notifications (tenant_id, id, recipient_id, account_id, kind, subject_id, message, dedupe_key)
            SELECT \(tenantID), gen_random_uuid(), r, \(accountID), \(kind.rawValue), \(subjectID), \(message.clipped(to: 1000)), \(dedupeKey)
            FROM unnest(\(recipients)::uuid[]) AS r
            ON CONFLICT (tenant_id, recipient_id, dedupe_key) DO NOTHING
            """)
    }
}
