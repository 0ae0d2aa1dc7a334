import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan history`: every change of one workspace record, oldest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every change of one workspace record (a goal, an action...), oldest first.",
        discussion: """
            Each change shows when (your time zone), who, and the fields it changed in words.

            Examples:
              keyplan history --account Contoso --record "Grow EMEA revenue"
              keyplan history --account Contoso --record 3f2a9c1e --json
            """)

    @OptionGroup var account: AccountOption
    @Option(help: ArgumentHelp("The record: its title, a unique prefix of its title or id, or its id.", valueName: "title")) var record: String
    @Option(help: "At most this many changes (1–1000).") var limit: Int?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let changes = try await options.withClient { client, _ in
            let accountID = try await account.id(client)
            let record = try await Records.any(self.record, account: accountID, client)
            return try await client.history(accountID: accountID, entityID: record.id, limit: limit)
        }
        try options.print(ChangeList(changes: changes)) {
            changes.isEmpty ? "no changes" : changes.map(\.text).joined(separator: "\n")
        }
    }
}
