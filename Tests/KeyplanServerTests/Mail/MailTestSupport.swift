import Foundation
import KeyplanAPI
import KeyplanPostgres
import Testing

@testable import KeyplanServer

extension TwoTenantWorld {
    /// A mail of acme that failed for good, to send again.
    func freshFailedMail() async throws -> UUID {
        try await server.inTenant(acme) { transaction in
            let id = UUID()
            try await transaction.query(
                """
                INSERT INTO mail_outbox (tenant_id, id, kind, to_address, subject, body_text, message_id, state, attempts, last_error)
                VALUES (\(acme), \(id), 'notification', 'pat@buyer.example', 'Hello', 'Hello', \("\(id.uuidString.lowercased())@acme.example"),
                        'failed', 3, '550 refused')
                """)
            return id
        }
    }

    /// A new unsubscribe token of the acme admin's, as a mail's link carries it.
    func freshUnsubscribeToken() async throws -> String {
        let admin = try #require(users[.admin]).user
        return try await server.inTenant(acme) {
            try await NotificationSettingsRepository(transaction: $0).unsubscribeToken(for: admin, kind: .mention).text
        }
    }
}
