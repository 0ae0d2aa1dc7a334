import ArgumentParser
import Foundation
import KeyplanAPI

extension PortfolioCommand {
    /// `keyplan portfolio quadrant`: the Relationship/Revenue quadrant, as text and as SVG.
    struct QuadrantCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quadrant", abstract: "Draw the Relationship/Revenue quadrant in the terminal, and as SVG with --svg.",
            discussion: """
                Examples:
                  keyplan portfolio quadrant
                  keyplan portfolio quadrant --status strategic --svg quadrant.svg
                """)
        @Option(help: "Write the SVG picture to this file.") var svg: String?
        @Option(help: "At most this many accounts, highest value first.") var limit = 500
        @Option(help: "Only accounts of this status: candidate, strategic or archived.") var status: AccountStatus?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            guard (1...20_000).contains(limit) else { throw CLIError("--limit must be 1 to 20000", code: "INVALID_ARGUMENT") }
            let (accounts, settings) = try await options.withClient { client, _ in
                var accounts: [PortfolioAccount] = []
                var cursor: String?
                repeat {
                    let page = try await client.portfolio(
                        PortfolioQuery(status: status, sort: .value, pageSize: min(500, limit - accounts.count), cursor: cursor))
                    accounts += page.accounts
                    cursor = page.nextCursor
                } while cursor != nil && accounts.count < limit
                return (accounts, try await client.portfolioSettings())
            }
            let chart = QuadrantChart(accounts: accounts, settings: settings)
            if let svg {
                do {
                    try chart.svg().write(toFile: svg, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("cannot write \(svg): \(error.localizedDescription)", code: "INVALID_ARGUMENT")
                }
            }
            try options.print(
                chart.points.map {
                    [
                        "name": $0.name, "relationship": "\($0.relationship)", "value": "\($0.value)", "revenue": $0.revenue.map { "\($0)" } ?? "",
                        "status": $0.status.rawValue,
                    ]
                }
            ) {
                chart.text() + (svg.map { "\nwrote \($0)" } ?? "")
            }
        }
    }
}
