import Foundation
import KeyplanAPI
import KeyplanRPC

extension Validate {
    /// The most metrics a goal has (positions 0...99 in `goal_metrics`).
    static let maximumMetrics = 100
    /// A metric value fits `numeric(20, 4)`: below 10^16 in magnitude, four decimals at most.
    static let metricLimit = Decimal(sign: .plus, exponent: 16, significand: 1)

    /// A goal's editable fields, each checked and trimmed, with errors that name the field. Its
    /// parent is checked against the account by ``GoalRepository``.
    static func goal(_ draft: GoalDraft) throws -> GoalDraft {
        var goal = draft
        goal.title = try text(draft.title, field: "the title", characters: 1...300)
        goal.description = try text(draft.description, field: "the description", characters: 0...10_000)
        goal.department = try text(draft.department, field: "the department", characters: 0...200)
        if goal.kind == .goal, goal.parentID != nil {
            throw RPCError(code: .invalidArgument, message: "a goal stands on its own: only objectives and initiatives hang under a goal")
        }
        guard draft.metrics.count <= maximumMetrics else {
            throw RPCError(code: .invalidArgument, message: "a goal has at most \(maximumMetrics) metrics, got \(draft.metrics.count)")
        }
        goal.metrics = try draft.metrics.enumerated().map { index, metric in
            var checked = metric
            checked.name = try text(metric.name, field: "metric \(index + 1)'s name", characters: 1...200)
            checked.unit = try text(metric.unit, field: "metric “\(checked.name)”'s unit", characters: 0...50)
            for (value, field) in [(metric.baseline, "baseline"), (metric.target, "target"), (metric.current, "current value")] {
                guard let value else { continue }
                guard !value.isNaN, abs(value) < metricLimit, value.rounded(4) == value else {
                    throw RPCError(
                        code: .invalidArgument,
                        message: "metric “\(checked.name)”'s \(field) must be below 10^16 in magnitude with at most four decimals")
                }
            }
            return checked
        }
        let names = goal.metrics.map { $0.name.lowercased() }
        if let duplicate = names.enumerated().first(where: { names[..<$0.offset].contains($0.element) }) {
            throw RPCError(code: .invalidArgument, message: "metric names must differ: “\(goal.metrics[duplicate.offset].name)” appears twice")
        }
        return goal
    }
}
