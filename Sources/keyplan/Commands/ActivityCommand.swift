import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan activity`: an account's activity feed, newest first, and the customer's engagement.
struct ActivityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity", abstract: "Who changed what in an account workspace, and how engaged the customer is.",
        discussion: """
            Newest first; each change shows when (your time zone), who, and the fields it changed in words.

            Examples:
              keyplan activity --account Contoso
              keyplan activity --account Contoso --limit 20 --before 4812
            """)

    @OptionGroup var account: AccountOption
    @Option(help: "Changes older than this change id (a previous page's next cursor).") var before: Int64?
    @Option(help: "At most this many changes (1–500).") var limit: Int?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let page = try await options.withClient { client, _ in
            try await client.activity(accountID: try await account.id(client), before: before, limit: limit)
        }
        try options.print(page) {
            var lines = page.changes.map(\.text)
            if page.changes.isEmpty { lines.append("no changes") }
            if let next = page.nextBefore { lines.append("next page: --before \(next)") }
            if let engagement = page.engagement {
                for window in [engagement.last30Days, engagement.last90Days] {
                    lines.append(
                        "last \(window.days) days: \(window.customerEdits) customer edits, \(window.customerViews) customer views by \(window.customerVisitors) people on \(window.customerVisitDays) days"
                    )
                }
                lines.append("last customer activity: \(engagement.lastCustomerActivityAt?.localDescription ?? "never")")
                lines.append("last seller activity: \(engagement.lastSellerActivityAt?.localDescription ?? "never")")
            }
            return lines.joined(separator: "\n")
        }
    }
}
