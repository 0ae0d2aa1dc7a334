import ArgumentParser
import Foundation
import KeyplanAPI

extension ActionStatus: ExpressibleByArgument {}
extension ActionHorizon: ExpressibleByArgument {}
extension ProcessSide: ExpressibleByArgument {}
extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// An option that sets a value, or removes it when given as `none`.
enum Clearable<Value: ExpressibleByArgument>: ExpressibleByArgument {
    case set(Value)
    case clear

    init?(argument: String) {
        if argument == "none" {
            self = .clear
        } else if let value = Value(argument: argument) {
            self = .set(value)
        } else {
            return nil
        }
    }

    /// The value to set (`nil`: keep or clear) and whether to clear, as update requests take them.
    static func split(_ option: Clearable?) -> (value: Value?, clear: Bool) {
        switch option {
        case .set(let value): (value, false)
        case .clear: (nil, true)
        case nil: (nil, false)
        }
    }
}

/// The version an update names: the one given (`--version`), else the one `current` reads now.
func expectedVersion(_ given: Int?, current: () async throws -> Int) async throws -> Int {
    if let given { return given }
    return try await current()
}

/// `keyplan actions`: an account's living action plan.
struct ActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions", abstract: "The action plan: shared actions form the mutual plan the customer sees.",
        subcommands: [Create.self, Update.self, Delete.self, List.self, Show.self])

    static func details(_ action: PlanAction) -> String {
        [
            "\(action.title)\(action.overdue ? "  OVERDUE" : "")",
            "id: \(action.id.uuidString.lowercased())  version \(action.version)",
            "status: \(action.status.rawValue)\(action.completedAt.map { " (done \($0.shortDescription))" } ?? "")",
            "horizon: \(action.horizon.title)",
            "due: \(action.dueOn?.description ?? "-")",
            "owner: \(action.ownerName.map { "\($0) (\(action.ownerID?.uuidString.lowercased() ?? ""))" } ?? "unassigned")",
            "goal: \(action.goalID?.uuidString.lowercased() ?? "-")",
            "visibility: \(action.shared ? "shared (mutual action plan)" : "internal")",
        ].joined(separator: "\n") + (action.description.isEmpty ? "" : "\n\n\(action.description)")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an action to an account's plan.")
        @Option(help: "The account's id.") var account: UUID
        @Option var title: String
        @Option var description = ""
        @Option(help: "The owner's user id: a seller, or a customer of the account (shared actions only).") var owner: UUID?
        @Option(help: "The due date, YYYY-MM-DD.") var due: CalendarDate?
        @Option(help: "open, in_progress, blocked, done or cancelled.") var status: ActionStatus = .open
        @Option(help: "near (next 3–6 months) or long (12–36 months).") var horizon: ActionHorizon = .near
        @Option(help: "The id of the goal it serves.") var goal: UUID?
        @Flag(help: "Share it with the customer (the mutual action plan).") var shared = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = CreateActionRequest(
                accountID: account, title: title, description: description, ownerID: owner, dueOn: due, status: status,
                horizon: horizon, goalID: goal, shared: shared)
            let action = try await options.withClient { client, _ in try await client.createAction(request) }
            try options.print(action) { ActionsCommand.details(action) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an action; what is not given is kept.",
            discussion: "--owner, --due and --goal take `none` to remove them. Without --version the version read now is used.")
        @Option(help: "The account's id.") var account: UUID
        @Argument(help: "The action's id.") var action: UUID
        @Option(help: "The version you read: a newer one refuses the change (ABORTED) and prints the current action.") var version: Int?
        @Option var title: String?
        @Option var description: String?
        @Option(help: "The owner's user id, or none.") var owner: Clearable<UUID>?
        @Option(help: "The due date YYYY-MM-DD, or none.") var due: Clearable<CalendarDate>?
        @Option var status: ActionStatus?
        @Option var horizon: ActionHorizon?
        @Option(help: "The goal's id, or none.") var goal: Clearable<UUID>?
        @Flag(inversion: .prefixedNo, help: "Share with the customer, or make internal (--no-shared).") var shared: Bool?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let expected = try await expectedVersion(version) { try await client.getAction(accountID: account, actionID: action).version }
                let (owner, clearOwner) = Clearable.split(owner)
                let (due, clearDue) = Clearable.split(due)
                let (goal, clearGoal) = Clearable.split(goal)
                return try await client.updateAction(UpdateActionRequest(
                    accountID: account, actionID: action, expectedVersion: expected, title: title, description: description,
                    ownerID: owner, clearOwner: clearOwner, dueOn: due, clearDueOn: clearDue, status: status, horizon: horizon,
                    goalID: goal, clearGoal: clearGoal, shared: shared))
            }
            try options.print(updated) { ActionsCommand.details(updated) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an action (sellers).")
        @Option(help: "The account's id.") var account: UUID
        @Argument(help: "The action's id.") var action: UUID
        @Option(help: "Delete only if it is still at this version.") var version: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in
                try await client.deleteAction(DeleteActionRequest(accountID: account, actionID: action, expectedVersion: version))
            }
            try options.print(["deleted": action]) { "deleted \(action.uuidString.lowercased())" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The plan, grouped by horizon, overdue actions marked.")
        @Option(help: "The account's id.") var account: UUID
        @Option var horizon: ActionHorizon?
        @Option var status: ActionStatus?
        @Option(help: "Only this owner's (a user id).") var owner: UUID?
        @Flag(help: "Only the mutual action plan.") var sharedOnly = false
        @Flag(help: "Only actions past due and still pending.") var overdue = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = ListActionsRequest(accountID: account, horizon: horizon, status: status, ownerID: owner, sharedOnly: sharedOnly, overdueOnly: overdue)
            let actions = try await options.withClient { client, _ in try await client.listActions(request) }
            try options.print(actions) { ActionPlanOutline.render(actions) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One action.")
        @Option(help: "The account's id.") var account: UUID
        @Argument(help: "The action's id.") var action: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let found = try await options.withClient { client, _ in try await client.getAction(accountID: account, actionID: action) }
            try options.print(found) { ActionsCommand.details(found) }
        }
    }
}
