public import ArgumentParser
import Foundation
public import KeyplanAPI

extension ActionStatus: ExpressibleByArgument {}
extension ActionHorizon: ExpressibleByArgument {}
extension ProcessSide: ExpressibleByArgument {}

extension PlanAction: ShownRecord {
    static var noun: String { "action" }
    var details: String { ActionsCommand.details(self) }
}

/// `keyplan actions`: an account's living action plan.
struct ActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions", abstract: "The action plan: shared actions form the mutual plan the customer sees.",
        subcommands: [Create.self, Update.self, Delete.self, List.self, Show.self])

    static func details(_ action: PlanAction) -> String {
        [
            "\(action.title)\(action.overdue ? "  OVERDUE" : "")",
            "id \(action.id.short)  version \(action.version)",
            "status: \(action.status.rawValue.replacingOccurrences(of: "_", with: " "))"
                + (action.completedAt.map { " (done \($0.localDescription))" } ?? ""),
            "horizon: \(action.horizon.title)",
            "due: \(action.dueOn?.description ?? "-")",
            "owner: \(action.ownerName ?? "unassigned")",
            "serves goal: \(action.goalID?.short ?? "-")",
            "visibility: \(action.shared ? "shared (mutual action plan)" : "internal")",
            "changed by \(action.updatedBy.labelWithSide) at \(action.updatedAt.localDescription)",
        ].joined(separator: "\n") + (action.description.isEmpty ? "" : "\n\n\(action.description)")
    }

    /// The action a command is about, and its account.
    struct ActionTarget: ParsableArguments {
        @Argument(help: "The action: its title or a unique prefix of its id.") var action: String
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> PlanAction {
            try await Records.action(action, account: try await account.id(client), client)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an action to an account's plan.",
            discussion: """
                The owner must take part in the account: its team, or (shared actions only) its invited customers.

                Examples:
                  keyplan actions create --account Globex --title "Run the pilot" --owner dana@globex.example --due 2027-03-31 --shared
                  keyplan actions create --title "Prepare the QBR deck" --owner me --goal "Grow EMEA"
                """)
        @OptionGroup var account: AccountOption
        @Option var title: String
        @Option var description = ""
        @Option(help: "The owner: an email or name of someone on the account (see `keyplan accounts participants`), or me.") var owner: String?
        @Option(help: "The due date, YYYY-MM-DD.") var due: CalendarDate?
        @Option(help: "open, in_progress, blocked, done or cancelled.") var status: ActionStatus = .open
        @Option(help: "near (next 3–6 months) or long (12–36 months).") var horizon: ActionHorizon = .near
        @Option(help: "The goal it serves: its title or id prefix.") var goal: String?
        @Flag(help: "Share it with the customer (the mutual action plan).") var shared = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let action = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let ownerID = try await owner.asyncMap { try await People.of(accountID, client).resolve($0).userID }
                let goalID = try await goal.asyncMap { try await Records.goal($0, account: accountID, client).id }
                return try await client.createAction(
                    CreateActionRequest(
                        accountID: accountID, title: title, description: description, ownerID: ownerID, dueOn: due, status: status,
                        horizon: horizon, goalID: goalID, shared: shared))
            }
            try options.print(action) { ActionsCommand.details(action) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an action: only the fields you give.",
            discussion: """
                \(CoEditingHelp.rule) --owner, --due and --goal take `none` to remove them.

                Examples:
                  keyplan actions update "Run the pilot" --account Globex --version 2 --status in_progress
                  keyplan actions update 7c1e04aa --version 3 --owner sam@acme.example --due none
                """)
        @OptionGroup var target: ActionTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option var title: String?
        @Option var description: String?
        @Option(help: "The owner (email or name of someone on the account, or me), or none.") var owner: Clearable<String>?
        @Option(help: "The due date YYYY-MM-DD, or none.") var due: Clearable<CalendarDate>?
        @Option var status: ActionStatus?
        @Option var horizon: ActionHorizon?
        @Option(help: "The goal it serves (title or id prefix), or none.") var goal: Clearable<String>?
        @Flag(inversion: .prefixedNo, help: "Share with the customer, or make internal (--no-shared).") var shared: Bool?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let action = try await target.resolve(client)
                var request = UpdateActionRequest(
                    accountID: action.accountID, actionID: action.id, expectedVersion: version, title: title, description: description,
                    dueOn: due?.value, status: status, horizon: horizon, shared: shared)
                request.ownerID = try await owner?.value.asyncMap { try await People.of(action.accountID, client).resolve($0).userID }
                request.goalID = try await goal?.value.asyncMap { try await Records.goal($0, account: action.accountID, client).id }
                if owner?.clears == true { request.clear.append(.owner) }
                if due?.clears == true { request.clear.append(.dueOn) }
                if goal?.clears == true { request.clear.append(.goal) }
                return try await options.coEditing(PlanAction.self, read: version) { try await client.updateAction(request) }
            }
            try options.print(updated) { ActionsCommand.details(updated) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an action (sellers).",
            discussion: """
                Example:
                  keyplan actions delete "Run the pilot" --account Globex --version 4
                """)
        @OptionGroup var target: ActionTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let deleted = try await options.withClient { client, _ in
                let action = try await target.resolve(client)
                try await options.coEditing(PlanAction.self, read: version) {
                    try await client.deleteAction(DeleteActionRequest(accountID: action.accountID, actionID: action.id, expectedVersion: version))
                }
                return action
            }
            try options.print(["deleted": deleted.id]) { "deleted the action “\(deleted.title)”" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The plan, grouped by horizon, overdue actions marked.",
            discussion: """
                Examples:
                  keyplan actions list --account Globex
                  keyplan actions list --owner me --overdue
                """)
        @OptionGroup var account: AccountOption
        @Option var horizon: ActionHorizon?
        @Option var status: ActionStatus?
        @Option(help: "Only this owner's (email or name of someone on the account, or me).") var owner: String?
        @Flag(help: "Only the mutual action plan.") var sharedOnly = false
        @Flag(help: "Only actions past due and still pending.") var overdue = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let actions = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let ownerID = try await owner.asyncMap { try await People.of(accountID, client).resolve($0).userID }
                return try await client.listActions(
                    ListActionsRequest(
                        accountID: accountID, horizon: horizon, status: status, ownerID: ownerID, sharedOnly: sharedOnly, overdueOnly: overdue))
            }
            try options.print(actions) { ActionPlanOutline.render(actions) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One action.",
            discussion: """
                Example:
                  keyplan actions show "Run the pilot" --account Globex
                """)
        @OptionGroup var target: ActionTarget
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let found = try await options.withClient { client, _ in try await target.resolve(client) }
            try options.print(found) { ActionsCommand.details(found) }
        }
    }
}
