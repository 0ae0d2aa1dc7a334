public import ArgumentParser
import Foundation
public import KeyplanAPI
import KeyplanRPC

extension GoalKind: ExpressibleByArgument {}
extension GoalStatus: ExpressibleByArgument {}

/// A goal metric as an option value: `NAME|UNIT|BASELINE|TARGET|CURRENT`, trailing parts
/// optional, empty parts left out (`Revenue|EUR|100|200`, `NPS||30|50|41`).
struct MetricArgument: ExpressibleByArgument {
    let metric: GoalMetric

    init?(argument: String) {
        let parts = argument.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...5).contains(parts.count), !parts[0].isEmpty else { return nil }
        func number(_ index: Int) -> Decimal?? {
            guard index < parts.count, !parts[index].isEmpty else { return .some(nil) }
            return Amount(argument: parts[index]).map { .some($0.value) }
        }
        guard let baseline = number(2), let target = number(3), let current = number(4) else { return nil }
        metric = GoalMetric(name: parts[0], unit: parts.count > 1 ? parts[1] : "", baseline: baseline, target: target, current: current)
    }

    static let help = "A metric NAME|UNIT|BASELINE|TARGET|CURRENT (trailing parts optional); repeat for several."
}

extension GoalView: ShownRecord {
    static var noun: String { "goal" }
    var details: String { GoalsCommand.details(self) }
}

/// `keyplan goals`: the customer's goals, objectives and initiatives, co-edited with the customer.
struct GoalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals", abstract: "Customer goals, objectives and initiatives with their metrics; linked solutions.",
        subcommands: [Create.self, Update.self, Metric.self, Delete.self, List.self, Show.self, LinkSolution.self, UnlinkSolution.self])

    static func line(_ goal: GoalView) -> String {
        let department = goal.department.isEmpty ? "" : "  [\(goal.department)]"
        return "\(goal.id.short)  \(goal.kind.rawValue)  \(goal.title)  \(goal.status.rawValue)  v\(goal.version)\(department)"
    }

    static func details(_ goal: GoalView) -> String {
        func value(_ number: Decimal?) -> String { number.map { "\($0)" } ?? "-" }
        var lines = [line(goal)]
        if let parent = goal.parentID { lines.append("under goal: \(parent.short)") }
        if !goal.description.isEmpty { lines.append(goal.description) }
        if let date = goal.targetDate { lines.append("target date: \(date)") }
        for metric in goal.metrics {
            let unit = metric.unit.isEmpty ? "" : " \(metric.unit)"
            lines.append(
                "metric \(metric.name): baseline \(value(metric.baseline)), target \(value(metric.target)), current \(value(metric.current))\(unit)")
        }
        for solution in goal.solutions {
            lines.append("solution \(solution.solution)" + (solution.note.isEmpty ? "" : ": \(solution.note)"))
        }
        lines.append("created by \(goal.createdBy.labelWithSide) at \(goal.createdAt.localDescription)")
        lines.append("changed by \(goal.updatedBy.labelWithSide) at \(goal.updatedAt.localDescription)")
        return lines.joined(separator: "\n")
    }

    /// The goal a command is about, and its account.
    struct GoalTarget: ParsableArguments {
        @Argument(help: "The goal: its title or a unique prefix of its id.") var goal: String
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> GoalView {
            try await Records.goal(goal, account: try await account.id(client), client)
        }
    }

    /// The editable fields as options; what is not given is left as it is.
    struct Fields: ParsableArguments {
        @Option(help: "goal, objective or initiative.") var kind: GoalKind?
        @Option var title: String?
        @Option var description: String?
        @Option(help: "The department or business unit (of an initiative).") var department: String?
        @Option(help: "active, achieved or dropped.") var status: GoalStatus?
        @Option(help: "YYYY-MM-DD, or none.") var targetDate: Clearable<CalendarDate>?
        @Option(help: "The goal an objective or initiative serves (its title or id prefix), or none.") var parent: Clearable<String>?

        func parentID(account: UUID, _ client: KeyplanClient) async throws -> UUID? {
            guard case .set(let name)? = parent else { return nil }
            return try await Records.goal(name, account: account, client).id
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a goal, objective or initiative.",
            discussion: """
                Examples:
                  keyplan goals create --account Globex --title "Grow EMEA" --metric "Revenue|EUR|100|200|120"
                  keyplan goals create --account Globex --kind initiative --parent "Grow EMEA" --title "Pilot in Lyon" --department Ops
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var fields: Fields
        @Option(help: ArgumentHelp(MetricArgument.help)) var metric: [MetricArgument] = []
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            guard let title = fields.title else { throw ValidationError("--title is required") }
            let goal = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                var draft = GoalDraft(title: title, metrics: metric.map(\.metric))
                if let kind = fields.kind { draft.kind = kind }
                if let description = fields.description { draft.description = description }
                if let department = fields.department { draft.department = department }
                if let status = fields.status { draft.status = status }
                if case .set(let date)? = fields.targetDate { draft.targetDate = date }
                draft.parentID = try await fields.parentID(account: accountID, client)
                return try await client.createGoal(accountID: accountID, draft)
            }
            try options.print(goal) { GoalsCommand.details(goal) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a goal: only the fields you give.",
            discussion: """
                \(CoEditingHelp.rule) Metrics change one at a time with `keyplan goals metric`.

                Examples:
                  keyplan goals update "Grow EMEA" --account Globex --version 3 --status achieved
                  keyplan goals update 1f3a9c2e --version 4 --target-date none
                """)
        @OptionGroup var goal: GoalTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let current = try await goal.resolve(client)
                var request = UpdateGoalRequest(
                    accountID: current.accountID, goalID: current.id, expectedVersion: version, kind: fields.kind, title: fields.title,
                    description: fields.description, department: fields.department, status: fields.status)
                switch fields.targetDate {
                case .set(let date)?: request.targetDate = date
                case .clear?: request.clear.append(.targetDate)
                case nil: break
                }
                if case .clear? = fields.parent { request.clear.append(.parent) }
                request.parentID = try await fields.parentID(account: current.accountID, client)
                return try await options.coEditing(GoalView.self, read: version) { try await client.updateGoal(request) }
            }
            try options.print(updated) { GoalsCommand.details(updated) }
        }
    }

    struct Metric: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "metric", abstract: "Add, change or remove one metric of a goal.", subcommands: [Set.self, Remove.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a metric, or change the values you give of one (the others stay).",
                discussion: """
                    \(CoEditingHelp.rule)

                    Examples:
                      keyplan goals metric set "Grow EMEA" --name Revenue --current 140 --version 3
                      keyplan goals metric set "Grow EMEA" --name NPS --unit points --baseline 30 --target 50 --version 4
                      keyplan goals metric set "Grow EMEA" --name Revenue --target none --version 5
                    """)
            @OptionGroup var goal: GoalTarget
            @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
            @Option(help: "The metric's name (a new one is added).") var name: String
            @Option(help: "A new name for it.") var rename: String?
            @Option(help: "Its unit: %, EUR, days…") var unit: String?
            @Option(help: "Where it started, or none.") var baseline: Clearable<Amount>?
            @Option(help: "Where it should get, or none.") var target: Clearable<Amount>?
            @Option(help: "Where it is now, or none.") var current: Clearable<Amount>?
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let updated = try await options.withClient { client, _ in
                    let found = try await goal.resolve(client)
                    var request = SetGoalMetricRequest(
                        accountID: found.accountID, goalID: found.id, expectedVersion: version, name: name, newName: rename, unit: unit)
                    for (option, field) in [(baseline, GoalMetric.ClearableField.baseline), (target, .target), (current, .current)] {
                        switch option {
                        case .set(let amount)?:
                            switch field {
                            case .baseline: request.baseline = amount.value
                            case .target: request.target = amount.value
                            case .current: request.current = amount.value
                            }
                        case .clear?: request.clear.append(field)
                        case nil: break
                        }
                    }
                    return try await options.coEditing(GoalView.self, read: version) { try await client.setGoalMetric(request) }
                }
                try options.print(updated) { GoalsCommand.details(updated) }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove one metric of a goal.",
                discussion: """
                    Example:
                      keyplan goals metric remove "Grow EMEA" --name NPS --version 6
                    """)
            @OptionGroup var goal: GoalTarget
            @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
            @Option(help: "The metric's name.") var name: String
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let updated = try await options.withClient { client, _ in
                    let found = try await goal.resolve(client)
                    return try await options.coEditing(GoalView.self, read: version) {
                        try await client.removeGoalMetric(
                            RemoveGoalMetricRequest(accountID: found.accountID, goalID: found.id, expectedVersion: version, name: name))
                    }
                }
                try options.print(updated) { GoalsCommand.details(updated) }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a goal (with nothing under it).",
            discussion: """
                Example:
                  keyplan goals delete "Grow EMEA" --account Globex --version 7
                """)
        @OptionGroup var goal: GoalTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let deleted = try await options.withClient { client, _ in
                let found = try await goal.resolve(client)
                try await options.coEditing(GoalView.self, read: version) {
                    try await client.deleteGoal(accountID: found.accountID, goalID: found.id, expectedVersion: version)
                }
                return found
            }
            try options.print(["deleted": deleted.id]) { "deleted the \(deleted.kind.rawValue) “\(deleted.title)”" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's goals, each with the objectives and initiatives under it.",
            discussion: """
                Example:
                  keyplan goals list --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let tree = try await options.withClient { client, _ in try await client.goals(accountID: try await account.id(client)) }
            try options.print(tree) {
                tree.nodes.isEmpty
                    ? "no goals yet"
                    : tree.nodes.flatMap { node in [GoalsCommand.line(node.goal)] + node.children.map { "  " + GoalsCommand.line($0) } }
                        .joined(separator: "\n")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a goal with its metrics, solutions and version.",
            discussion: """
                Example:
                  keyplan goals show "Grow EMEA" --account Globex
                """)
        @OptionGroup var goal: GoalTarget
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let shown = try await options.withClient { client, _ in try await goal.resolve(client) }
            try options.print(shown) { GoalsCommand.details(shown) }
        }
    }

    struct LinkSolution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link-solution", abstract: "Link one of our solutions to a goal (sellers).",
            discussion: """
                Example:
                  keyplan goals link-solution "Grow EMEA" --solution "Analytics Cloud" --note "pipeline visibility"
                """)
        @OptionGroup var goal: GoalTarget
        @Option(help: "Our solution's name.") var solution: String
        @Option(help: "How it serves the goal.") var note = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let linked = try await options.withClient { client, _ in
                let found = try await goal.resolve(client)
                return try await client.linkSolution(accountID: found.accountID, goalID: found.id, solution: solution, note: note)
            }
            try options.print(linked) { GoalsCommand.details(linked) }
        }
    }

    struct UnlinkSolution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlink-solution", abstract: "Unlink a solution from a goal (sellers).",
            discussion: """
                Example:
                  keyplan goals unlink-solution "Grow EMEA" --solution "Analytics Cloud"
                """)
        @OptionGroup var goal: GoalTarget
        @Option(help: "Our solution's name.") var solution: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let unlinked = try await options.withClient { client, _ in
                let found = try await goal.resolve(client)
                return try await client.unlinkSolution(accountID: found.accountID, goalID: found.id, solution: solution)
            }
            try options.print(unlinked) { GoalsCommand.details(unlinked) }
        }
    }
}
