import Foundation
import KeyplanAPI
import KeyplanPostgres
import Testing

@testable import KeyplanServer

/// Action plan records made straight in the database of account A, for tests that need one to
/// exist (each at version 1).
extension TwoTenantWorld {
    func freshAction(shared: Bool) async throws -> UUID {
        try await insert { id, author in
            "INSERT INTO actions (tenant_id, id, account_id, title, shared, created_by, updated_by) VALUES (\(acme), \(id), \(accountA), 'Fresh action', \(shared), \(author), \(author))"
        }
    }

    func freshProcessStep() async throws -> UUID {
        try await insert { id, author in
            "INSERT INTO process_steps (tenant_id, id, account_id, position, activity, side, updated_by) VALUES (\(acme), \(id), \(accountA), 0, 'Fresh step', 'joint', \(author))"
        }
    }

    func freshReview() async throws -> UUID {
        try await insert { id, author in
            "INSERT INTO roadmap_reviews (tenant_id, id, account_id, held_on, created_by, updated_by) VALUES (\(acme), \(id), \(accountA), '2026-10-01', \(author), \(author))"
        }
    }

    /// A review of account A with one agenda item (no subject): the review's and the item's ids.
    func freshAgendaItem() async throws -> (review: UUID, item: UUID) {
        let review = try await freshReview()
        let item = try await insert { id, author in
            "INSERT INTO review_agenda_items (tenant_id, id, review_id, position, title, added_by) VALUES (\(acme), \(id), \(review), 0, 'Fresh item', \(author))"
        }
        return (review, item)
    }

    /// A buying stage of account A, at version 1, with a unique name.
    func freshBuyingStage() async throws -> UUID {
        try await insert { id, author in
            "INSERT INTO buying_stages (tenant_id, id, account_id, position, name, updated_by) VALUES (\(acme), \(id), \(accountA), 0, \("Stage \(id)"), \(author))"
        }
    }

    /// A goal of `account` (an acme account), for actions to serve.
    func freshGoal(in account: UUID) async throws -> UUID {
        try await insert { id, author in
            "INSERT INTO goals (tenant_id, id, account_id, kind, title, created_by, updated_by) VALUES (\(acme), \(id), \(account), 'goal', 'Grow EMEA', \(author), \(author))"
        }
    }

    /// Account A without a buying journey, so that one can be started.
    func clearJourney() async throws {
        _ = try await server.inTenant(acme) { try await $0.query("DELETE FROM buying_stages WHERE account_id = \(accountA)").count }
    }

    private func insert(_ statement: (UUID, UUID) -> PostgresQuery) async throws -> UUID {
        let id = UUID()
        let author = try #require(users[.admin]).user
        let query = statement(id, author)
        _ = try await server.inTenant(acme) { try await $0.query(query).count }
        return id
    }
}

/// A date known to be valid, for tests.
func calendarDate(_ text: String) throws -> CalendarDate {
    try #require(CalendarDate(text), "\(text) is not a date")
}
