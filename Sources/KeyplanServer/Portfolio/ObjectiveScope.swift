import KeyplanAPI
import KeyplanPostgres

/// Which accounts a report counts by their account objective: every account, those planned for
/// one objective, or those without one (reports grouped by objective show them too, so that the
/// groups add up to the whole).
enum ObjectiveScope: Hashable, Sendable {
    case all
    case objective(AccountObjective)
    case unset

    init(_ filter: AccountObjective?) { self = filter.map(ObjectiveScope.objective) ?? .all }

    /// The groups of a report by objective: each objective in the method's order, then the accounts without one.
    static let groups: [ObjectiveScope] = AccountObjective.allCases.map(ObjectiveScope.objective) + [.unset]

    /// The group's objective; `nil` for all accounts or those without one.
    var objective: AccountObjective? {
        if case .objective(let objective) = self { objective } else { nil }
    }

    /// A condition on the accounts as `a`.
    var condition: PostgresQuery {
        switch self {
        case .all: "true"
        case .objective(let objective): "a.objective = \(objective.rawValue)"
        case .unset: "a.objective IS NULL"
        }
    }
}
