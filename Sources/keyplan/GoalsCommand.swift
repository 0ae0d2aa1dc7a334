import ArgumentParser
import Foundation
import KeyplanAPI
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

/// `keyplan goals`: the customer's goals, objectives and initiatives, co-edited with the customer.
struct GoalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals", abstract: "Customer goals, objectives and initiatives with their metrics; linked solutions.",
        subcommands: [Create.self, Update.self, Delete.self, List.self, Show.self, LinkSolution.self, UnlinkSolution.self])

    static func line(_ goal: GoalView) -> String {
        let department = goal.department.isEmpty ? "" : "\t[\(goal.department)]"
        return "\(goal.id)\t\(goal.kind.rawValue)\t\(goal.title)\t\(goal.status.rawValue)\tv\(goal.version)\(department)"
    }

    static func details(_ goal: GoalView) -> String {
        func person(_ actor: WorkspaceChange.Actor) -> String { "\(actor.displayName) (\(actor.kind.rawValue))" }
        func value(_ number: Decimal?) -> String { number.map { "\($0)" } ?? "-" }
        var lines = [line(goal)]
        if let parent = goal.parentID { lines.append("under: \(parent)") }
        if !goal.description.isEmpty { lines.append(goal.description) }
        if let date = goal.targetDate { lines.append("target date: \(date)") }
        for metric in goal.metrics {
            let unit = metric.unit.isEmpty ? "" : " \(metric.unit)"
            lines.append("metric \(metric.name): baseline \(value(metric.baseline)), target \(value(metric.target)), current \(value(metric.current))\(unit)")
        }
        for solution in goal.solutions {
            lines.append("solution \(solution.solution)" + (solution.note.isEmpty ? "" : ": \(solution.note)"))
        }
        lines.append("created by \(person(goal.createdBy)) at \(goal.createdAt.shortDescription); updated by \(person(goal.updatedBy)) at \(goal.updatedAt.shortDescription)")
        return lines.joined(separator: "\n")
    }

    /// The goal a command is about.
    struct GoalTarget: ParsableArguments {
        @Argument(help: "The goal's id.") var id: UUID
        @Option(help: "The account's id.") var account: UUID
    }

    /// The editable fields as options; what is not given is left as it is.
    struct Fields: ParsableArguments {
        @Option(help: "goal, objective or initiative.") var kind: GoalKind?
        @Option var title: String?
        @Option var description: String?
        @Option(help: "The department or business unit (of an initiative).") var department: String?
        @Option(help: "active, achieved or dropped.") var status: GoalStatus?
        @Option(help: "YYYY-MM-DD.") var targetDate: CalendarDate?
        @Flag(help: "Remove the target date.") var noTargetDate = false
        @Option(help: "The goal an objective or initiative serves.") var parent: UUID?
        @Flag(help: "Detach from its goal.") var noParent = false
        @Option(help: ArgumentHelp(MetricArgument.help + " Replaces the metrics.")) var metric: [MetricArgument] = []
        @Flag(help: "Remove every metric.") var noMetrics = false

        func apply(to draft: inout GoalDraft) throws {
            if noParent && parent != nil { throw CLIError("--parent and --no-parent exclude each other") }
            if noTargetDate && targetDate != nil { throw CLIError("--target-date and --no-target-date exclude each other") }
            if noMetrics && !metric.isEmpty { throw CLIError("--metric and --no-metrics exclude each other") }
            if let kind { draft.kind = kind }
            if let title { draft.title = title }
            if let description { draft.description = description }
            if let department { draft.department = department }
            if let status { draft.status = status }
            if let targetDate { draft.targetDate = targetDate }
            if noTargetDate { draft.targetDate = nil }
            if let parent { draft.parentID = parent }
            if noParent { draft.parentID = nil }
            if !metric.isEmpty { draft.metrics = metric.map(\.metric) }
            if noMetrics { draft.metrics = [] }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a goal, objective or initiative.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            guard let title = fields.title else { throw CLIError("--title is required") }
            var draft = GoalDraft(title: title)
            try fields.apply(to: &draft)
            let goal = try await options.withClient { client, _ in try await client.createGoal(accountID: account, draft) }
            try options.print(goal) { GoalsCommand.details(goal) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a goal; the fields not given stay as they are.",
            discussion: "--version is the version you read: if the goal changed since, nothing is written and the current version is shown.")
        @OptionGroup var goal: GoalTarget
        @Option(help: "The version you read (from `goals show`).") var version: Int
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                var draft = try await client.goal(accountID: goal.account, goalID: goal.id).draft
                try fields.apply(to: &draft)
                do {
                    return try await client.updateGoal(accountID: goal.account, goalID: goal.id, expectedVersion: version, draft)
                } catch let error as RPCError where error.code == .aborted {
                    throw try GoalsCommand.changedMeanwhile(error, read: version, options: options)
                }
            }
            try options.print(updated) { GoalsCommand.details(updated) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a goal (with nothing under it).")
        @OptionGroup var goal: GoalTarget
        @Option(help: "The version you read (from `goals show`).") var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in
                do {
                    try await client.deleteGoal(accountID: goal.account, goalID: goal.id, expectedVersion: version)
                } catch let error as RPCError where error.code == .aborted {
                    throw try GoalsCommand.changedMeanwhile(error, read: version, options: options)
                }
            }
            try options.print(["deleted": goal.id]) { "deleted \(goal.id)" }
        }
    }

    /// The clear message for a stale version: who changed the goal to which version; with
    /// `--json`, the current goal on standard output too, for a script to merge.
    static func changedMeanwhile(_ error: RPCError, read version: Int, options: GlobalOptions) throws -> CLIError {
        guard let current = try error.currentRecord(as: GoalView.self) else { return CLIError("\(error.code): \(error.message)") }
        if options.json { try options.print(current) { "" } }
        return CLIError("""
            ABORTED: the goal changed meanwhile: you read version \(version), it is now at version \(current.version) \
            (updated by \(current.updatedBy.displayName), \(current.updatedBy.kind.rawValue), at \(current.updatedAt.shortDescription)). \
            Nothing was written; review it (keyplan goals show \(current.id) --account \(current.accountID)) and retry with --version \(current.version).
            """)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's goals, each with the objectives and initiatives under it.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let tree = try await options.withClient { client, _ in try await client.goals(accountID: account) }
            try options.print(tree) {
                tree.nodes.flatMap { node in [GoalsCommand.line(node.goal)] + node.children.map { "  " + GoalsCommand.line($0) } }
                    .joined(separator: "\n")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a goal with its metrics, solutions and version.")
        @OptionGroup var goal: GoalTarget
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let shown = try await options.withClient { client, _ in try await client.goal(accountID: goal.account, goalID: goal.id) }
            try options.print(shown) { GoalsCommand.details(shown) }
        }
    }

    struct LinkSolution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "link-solution", abstract: "Link one of our solutions to a goal (sellers).")
        @OptionGroup var goal: GoalTarget
        @Option(help: "Our solution's name.") var solution: String
        @Option(help: "How it serves the goal.") var note = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let linked = try await options.withClient { client, _ in
                try await client.linkSolution(accountID: goal.account, goalID: goal.id, solution: solution, note: note)
            }
            try options.print(linked) { GoalsCommand.details(linked) }
        }
    }

    struct UnlinkSolution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unlink-solution", abstract: "Unlink a solution from a goal (sellers).")
        @OptionGroup var goal: GoalTarget
        @Option(help: "Our solution's name.") var solution: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let unlinked = try await options.withClient { client, _ in
                try await client.unlinkSolution(accountID: goal.account, goalID: goal.id, solution: solution)
            }
            try options.print(unlinked) { GoalsCommand.details(unlinked) }
        }
    }
}
