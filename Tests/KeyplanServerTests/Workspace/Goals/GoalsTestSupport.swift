import Foundation
import KeyplanAPI

@testable import KeyplanServer

extension TwoTenantWorld {
    /// A new goal in account A, created by acme's admin (on a session of its own: the matrix changes the
    /// admin's password, which ends its other sessions), at version 1.
    func freshGoal(_ title: String = "Grow EMEA", metrics: [GoalMetric] = []) async throws -> GoalView {
        try await client(for: .admin).createGoal(accountID: accountA, GoalDraft(title: title, metrics: metrics))
    }

    /// A new goal in account A with `solution` linked by acme's admin.
    func freshGoal(linking solution: String) async throws -> GoalView {
        let goal = try await freshGoal()
        return try await client(for: .admin).linkSolution(accountID: accountA, goalID: goal.id, solution: solution)
    }
}
