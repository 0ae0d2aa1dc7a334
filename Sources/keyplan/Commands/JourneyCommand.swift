import ArgumentParser
import Foundation
import KeyplanAPI

extension BuyingStage: ShownRecord {
    static var noun: String { "buying stage" }
    var details: String {
        "\(JourneyCommand.lines(self).joined(separator: "\n"))\nchanged by \(updatedBy.labelWithSide) at \(updatedAt.localDescription)"
    }
}

/// `keyplan journey`: the customer's buying stages for an account — their people and criteria at
/// each, where they are now, and our actions aligned to each.
struct JourneyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey", abstract: "The buyer's journey: the customer's buying stages, where they are now, our actions at each.",
        subcommands: [Show.self, Start.self, Add.self, Update.self, Remove.self])

    /// A stage for people: a marker on the current one, then its details indented.
    static func lines(_ stage: BuyingStage) -> [String] {
        var lines = ["\(stage.current ? "▶" : " ") \(stage.position)  \(stage.name)  [\(stage.id.short) v\(stage.version)]"]
        if !stage.customerPeople.isEmpty { lines.append("      people:   \(stage.customerPeople)") }
        if !stage.criteria.isEmpty { lines.append("      criteria: \(stage.criteria)") }
        for action in stage.actions { lines.append("      action:   \(action.title) (\(action.status.rawValue))") }
        for step in stage.processSteps { lines.append("      step:     \(step.activity) (\(step.side.rawValue))") }
        return lines
    }

    /// The stage a command is about, and its account.
    struct StageTarget: ParsableArguments {
        @Argument(help: "The stage: its name or a unique prefix of it or of its id.") var stage: String
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> BuyingStage {
            try await Records.buyingStage(stage, account: try await account.id(client), client)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The journey, stage by stage; ▶ marks where the customer is now.",
            discussion: """
                Example:
                  keyplan journey show --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let journey = try await options.withClient { client, _ in try await client.journey(of: try await account.id(client)) }
            try options.print(journey) {
                journey.stages.isEmpty
                    ? "No buying stages yet: keyplan journey start maps the usual ones."
                    : journey.stages.flatMap(JourneyCommand.lines).joined(separator: "\n")
            }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map an account's journey: the usual stages, or the customer's own.",
            discussion: """
                Without --stage: \(StartJourneyRequest.defaultStages.joined(separator: " → ")).

                Examples:
                  keyplan journey start --account Globex
                  keyplan journey start --account Globex --stage "Problem framed" --stage "Pilot" --stage "Board approval" --stage "Rollout"
                """)
        @OptionGroup var account: AccountOption
        @Option(name: .customLong("stage"), help: "A stage name, in order (repeatable).") var stages: [String] = []
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let journey = try await options.withClient { client, _ in
                try await client.startJourney(StartJourneyRequest(accountID: try await account.id(client), stages: stages))
            }
            try options.print(journey) { journey.stages.flatMap(JourneyCommand.lines).joined(separator: "\n") }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a stage.",
            discussion: """
                Example:
                  keyplan journey add --account Globex --name "Security review" --position 4 --criteria "Pen test passed"
                """)
        @OptionGroup var account: AccountOption
        @Option var name: String
        @Option(help: "0 to 999; default: last.") var position: Int?
        @Option(help: "Who on the customer's side takes part.") var customerPeople = ""
        @Option(help: "What the customer needs to move on.") var criteria = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let stage = try await options.withClient { client, _ in
                try await client.addBuyingStage(
                    AddBuyingStageRequest(
                        accountID: try await account.id(client), position: position, name: name, customerPeople: customerPeople, criteria: criteria))
            }
            try options.print(stage) { JourneyCommand.lines(stage).joined(separator: "\n") }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a stage: only what you give.",
            discussion: """
                \(CoEditingHelp.rule) --current marks the stage the customer is in now. --action (repeatable) replaces the \
                stage's actions by those named (their titles); --no-actions removes them all. --step and --no-steps do the \
                same with the process map's steps (their activities).

                Examples:
                  keyplan journey update Evaluation --account Globex --version 1 --current --criteria "Pilot cuts downtime 10%"
                  keyplan journey update Evaluation --account Globex --version 2 --action "Run the pilot" --action "Share the results"
                """)
        @OptionGroup var target: StageTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option var name: String?
        @Option(help: "0 to 999.") var position: Int?
        @Option(help: "Who on the customer's side takes part.") var customerPeople: String?
        @Option(help: "What the customer needs to move on.") var criteria: String?
        @Flag(help: "The customer is in this stage now.") var current = false
        @Option(name: .customLong("action"), help: "An action of the plan aligned to this stage (repeatable).") var actions: [String] = []
        @Flag(help: "Remove every action from the stage.") var noActions = false
        @Option(name: .customLong("step"), help: "A step of the process map serving this stage (repeatable).") var steps: [String] = []
        @Flag(help: "Remove every process step from the stage.") var noSteps = false
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if noActions, !actions.isEmpty { throw ValidationError("--action and --no-actions contradict each other") }
            if noSteps, !steps.isEmpty { throw ValidationError("--step and --no-steps contradict each other") }
        }

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let stage = try await target.resolve(client)
                var actionIDs: [UUID]?
                if noActions { actionIDs = [] }
                if !actions.isEmpty {
                    var ids: [UUID] = []
                    for title in actions { ids.append(try await Records.action(title, account: stage.accountID, client).id) }
                    actionIDs = ids
                }
                var stepIDs: [UUID]? = noSteps ? [] : nil
                if !steps.isEmpty {
                    var ids: [UUID] = []
                    for activity in steps { ids.append(try await Records.step(activity, account: stage.accountID, client).id) }
                    stepIDs = ids
                }
                let request = UpdateBuyingStageRequest(
                    accountID: stage.accountID, stageID: stage.id, expectedVersion: version, position: position, name: name,
                    customerPeople: customerPeople, criteria: criteria, current: current ? true : nil, actionIDs: actionIDs, processStepIDs: stepIDs)
                return try await options.coEditing(BuyingStage.self, read: version) { try await client.updateBuyingStage(request) }
            }
            try options.print(updated) { JourneyCommand.lines(updated).joined(separator: "\n") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a stage.",
            discussion: """
                Example:
                  keyplan journey remove "Security review" --account Globex --version 1
                """)
        @OptionGroup var target: StageTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let removed = try await options.withClient { client, _ in
                let stage = try await target.resolve(client)
                try await options.coEditing(BuyingStage.self, read: version) {
                    try await client.removeBuyingStage(accountID: stage.accountID, stageID: stage.id, expectedVersion: version)
                }
                return stage
            }
            try options.print(["removed": removed.id]) { "removed the stage “\(removed.name)”" }
        }
    }
}
