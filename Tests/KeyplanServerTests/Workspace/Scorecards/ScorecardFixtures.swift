import Foundation
import KeyplanAPI
import Testing

@testable import KeyplanServer

extension TwoTenantWorld {
    /// A new acme scorecard template with one criterion, "Trust", arranged directly in the database.
    func freshScorecardTemplate() async throws -> ScorecardTemplate {
        let admin = try #require(users[.admin]).user
        let request = CreateTemplateRequest(name: "Template \(UUID())", criteria: [CriterionDraft(name: "Trust", weight: 1)])
        return try await server.inTenant(acme) {
            try await ScorecardTemplateRepository(transaction: $0).insert(tenantID: acme, request, by: admin)
        }
    }

    /// A new open round of account A on a fresh template, with that template's one criterion.
    func freshScoringRound() async throws -> (id: UUID, criterionID: UUID) {
        let admin = try #require(users[.admin]).user
        let template = try await freshScorecardTemplate()
        let id = try await server.inTenant(acme) {
            try await ScoringRoundRepository(transaction: $0).insert(
                tenantID: acme, accountID: accountA, templateID: template.id, period: "2026-Q4", closesAt: nil, by: admin)
        }
        return (id, try #require(template.criteria.first).id)
    }
}
