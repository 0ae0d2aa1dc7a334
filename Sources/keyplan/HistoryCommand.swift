import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan history`: every change of one workspace record, oldest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Every change of one workspace record (a goal, an action...).")

    @Option(help: "The account's id.") var account: UUID
    @Option(help: "The record's id.") var record: UUID
    @Option(help: "At most this many changes (1–1000).") var limit: Int?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let changes = try await options.withClient { client, _ in try await client.history(accountID: account, entityID: record, limit: limit) }
        try options.print(ChangeList(changes: changes)) {
            changes.isEmpty ? "no changes" : changes.map { change in
                ([change.line] + change.fields.map { "\t\($0.field): \($0.before ?? "-") → \($0.after ?? "-")" }).joined(separator: "\n")
            }.joined(separator: "\n")
        }
    }
}
