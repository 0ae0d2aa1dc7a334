import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan process`: an account's process map.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process", abstract: "The process map: key activities and who is responsible for each.",
        subcommands: [SetStep.self, Remove.self, Show.self])

    static func line(_ step: ProcessStep) -> String {
        "\(step.position)\t\(step.activity)\t\(step.side.rawValue)\t\(step.responsibleDescription)\t[\(step.id.uuidString.lowercased()) v\(step.version)]"
    }

    struct SetStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Add a step, or replace one with --step.",
            discussion: "Replacing without --version uses the version read now.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The step to replace.") var step: UUID?
        @Option(help: "The version you read of that step.") var version: Int?
        @Option(help: "0 to 999; default: last for a new step, unchanged otherwise.") var position: Int?
        @Option var activity: String
        @Option(help: "seller, customer or joint.") var side: ProcessSide
        @Option(help: "The responsible user's id (either side).") var responsibleUser: UUID?
        @Option(help: "The responsible person or team, as text.") var responsible = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let saved = try await options.withClient { client, _ in
                var expected = version
                if let step {
                    expected = try await expectedVersion(version) {
                        guard let current = try await client.processMap(of: account).first(where: { $0.id == step }) else {
                            throw CLIError("no process step \(step) in this account")
                        }
                        return current.version
                    }
                }
                return try await client.setProcessStep(SetProcessStepRequest(
                    accountID: account, stepID: step, expectedVersion: expected, position: position, activity: activity,
                    responsibleUserID: responsibleUser, responsible: responsible, side: side))
            }
            try options.print(saved) { ProcessCommand.line(saved) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a step.")
        @Option(help: "The account's id.") var account: UUID
        @Argument(help: "The step's id.") var step: UUID
        @Option(help: "Remove only if it is still at this version.") var version: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in
                try await client.removeProcessStep(RemoveProcessStepRequest(accountID: account, stepID: step, expectedVersion: version))
            }
            try options.print(["removed": step]) { "removed \(step.uuidString.lowercased())" }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The map, in order.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let steps = try await options.withClient { client, _ in try await client.processMap(of: account) }
            try options.print(steps) { steps.isEmpty ? "No process steps." : steps.map(ProcessCommand.line).joined(separator: "\n") }
        }
    }
}
