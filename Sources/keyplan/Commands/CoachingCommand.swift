import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan coaching`: for leaders, the accounts where coaching matters most, ranked.
struct CoachingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coaching", abstract: "Coaching prompts per seller and account, most urgent first (admins and leaders).",
        discussion: """
            Examples:
              keyplan coaching
              keyplan coaching --seller priya@northwind.example --limit 5
            """)
    @Option(help: ArgumentHelp("Only the accounts this seller owns: `me`, their email or name (admins), or a user id.", valueName: "person"))
    var seller: String?
    @Option(help: "1 to 200.") var limit = 50
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let items = try await options.withClient { client, _ in
            let sellerID = try await seller.asyncMap { try await PortfolioCommand.seller($0, client) }
            return try await client.coaching(CoachingQuery(sellerID: sellerID, limit: limit))
        }
        try options.print(items) {
            guard !items.isEmpty else { return "nothing to coach" }
            return items.enumerated().map { rank, item in
                (["\(rank + 1). \(item.accountName) — \(item.sellerName ?? "no owner")  (\(item.points) points)  \(item.accountID.short)"]
                    + item.prompts.map { "   - \($0.text)" }).joined(separator: "\n")
            }.joined(separator: "\n")
        }
    }
}
