import Foundation
import KeyplanAPI

@testable import KeyplanServer

extension TwoTenantWorld {
    /// A new goal in account A, created by acme's admin, at version 1.
    func freshGoal(_ title: String = "Grow EMEA", metrics: [GoalMetric] = []) async throws -> GoalView {
        try await server.client(acmeAdminToken).createGoal(accountID: accountA, GoalDraft(title: title, metrics: metrics))
    }

    /// A new goal in account A with `solution` linked by acme's admin.
    func freshGoal(linking solution: String) async throws -> GoalView {
        let goal = try await freshGoal()
        return try await server.client(acmeAdminToken).linkSolution(accountID: accountA, goalID: goal.id, solution: solution)
    }
}
