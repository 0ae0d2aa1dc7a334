import ArgumentParser
import Foundation
import KeyplanAPI

extension ProcessStep: ShownRecord {
    static var noun: String { "process step" }
    var details: String {
        "\(ProcessCommand.line(self))\nchanged by \(updatedBy.labelWithSide) at \(updatedAt.localDescription)"
    }
}

/// `keyplan process`: an account's process map.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process", abstract: "The process map: key activities and who is responsible for each.",
        subcommands: [Add.self, Update.self, Remove.self, Show.self])

    static func line(_ step: ProcessStep) -> String {
        "\(step.position)  \(step.activity)  \(step.side.rawValue)  \(step.responsibleDescription)  [\(step.id.short) v\(step.version)]"
    }

    /// The step a command is about, and its account.
    struct StepTarget: ParsableArguments {
        @Argument(help: "The step: its activity or a unique prefix of its id.") var step: String
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> ProcessStep {
            try await Records.step(step, account: try await account.id(client), client)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a step to the map.",
            discussion: """
                Examples:
                  keyplan process add --account Globex --activity "Monthly usage review" --side joint --responsible-user dana@globex.example
                  keyplan process add --activity "Security sign-off" --side customer --responsible "IT security team" --position 10
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "0 to 999; default: last.") var position: Int?
        @Option var activity: String
        @Option(help: "seller, customer or joint.") var side: ProcessSide
        @Option(help: "Who is responsible: someone on the account (email or name, or me).") var responsibleUser: String?
        @Option(help: "Who is responsible, as text (a person or team without a user).") var responsible = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let step = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let user = try await responsibleUser.asyncMap { try await People.of(accountID, client).resolve($0).userID }
                return try await client.addProcessStep(
                    AddProcessStepRequest(
                        accountID: accountID, position: position, activity: activity, responsibleUserID: user, responsible: responsible, side: side))
            }
            try options.print(step) { ProcessCommand.line(step) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a step: only the fields you give.",
            discussion: """
                \(CoEditingHelp.rule) --responsible-user or --responsible replaces who is responsible; --responsible none leaves nobody.

                Example:
                  keyplan process update "Monthly usage review" --account Globex --version 2 --position 5 --responsible-user me
                """)
        @OptionGroup var target: StepTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option(help: "0 to 999.") var position: Int?
        @Option var activity: String?
        @Option(help: "seller, customer or joint.") var side: ProcessSide?
        @Option(help: "Who is responsible: someone on the account (email or name, or me).") var responsibleUser: String?
        @Option(help: "Who is responsible, as text, or none.") var responsible: Clearable<String>?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let step = try await target.resolve(client)
                var request = UpdateProcessStepRequest(
                    accountID: step.accountID, stepID: step.id, expectedVersion: version, position: position, activity: activity,
                    responsible: responsible?.value, side: side)
                request.responsibleUserID = try await responsibleUser.asyncMap { try await People.of(step.accountID, client).resolve($0).userID }
                if responsible?.clears == true { request.clear = [.responsible] }
                return try await options.coEditing(ProcessStep.self, read: version) { try await client.updateProcessStep(request) }
            }
            try options.print(updated) { ProcessCommand.line(updated) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a step.",
            discussion: """
                Example:
                  keyplan process remove "Security sign-off" --account Globex --version 1
                """)
        @OptionGroup var target: StepTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let removed = try await options.withClient { client, _ in
                let step = try await target.resolve(client)
                try await options.coEditing(ProcessStep.self, read: version) {
                    try await client.removeProcessStep(RemoveProcessStepRequest(accountID: step.accountID, stepID: step.id, expectedVersion: version))
                }
                return step
            }
            try options.print(["removed": removed.id]) { "removed the step “\(removed.activity)”" }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The map, in order.",
            discussion: """
                Example:
                  keyplan process show --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let steps = try await options.withClient { client, _ in try await client.processMap(of: try await account.id(client)) }
            try options.print(steps) { steps.isEmpty ? "No process steps." : steps.map(ProcessCommand.line).joined(separator: "\n") }
        }
    }
}
