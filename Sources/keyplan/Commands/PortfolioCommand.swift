public import ArgumentParser
import Foundation
public import KeyplanAPI

extension Quadrant: ExpressibleByArgument {}
extension AccountStatus: ExpressibleByArgument {}
extension AccountObjective: ExpressibleByArgument {}
extension PortfolioQuery.Sort: ExpressibleByArgument {}

/// An exact decimal amount, as an option value (`1234567.89`).
struct Amount: ExpressibleByArgument {
    let value: Decimal

    init?(argument: String) {
        guard let value = Decimal(string: argument, locale: Locale(identifier: "en_US_POSIX")),
            argument.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
        else {
            return nil
        }
        self.value = value
    }
}

/// `keyplan portfolio`: choosing strategic accounts (seller-internal).
struct PortfolioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio", abstract: "The account portfolio: profiles, assessments, pages, the Pareto view, settings.",
        subcommands: [List.self, Profile.self, Assess.self, Assessments.self, Revenue.self, Pareto.self, Settings.self, QuadrantCommand.self])

    static func line(_ account: PortfolioAccount) -> String {
        let revenue = account.annualRevenue.map { "\($0) \(account.currency)" } ?? "-"
        let scores =
            account.quadrant.map {
                "P\(account.priority ?? 0) \($0.rawValue) value \(account.valueScore ?? 0) relationship \(account.relationshipScore ?? 0)"
            } ?? "not assessed"
        return "\(account.name)\t\(account.status.rawValue)\t\(revenue)\t\(scores)\t\(account.id.short)"
    }

    /// A seller of the tenant: `me`, an id, else (admins only: they may list users) an email or name.
    static func seller(_ text: String, _ client: KeyplanClient) async throws -> UUID {
        if text.lowercased() == "me" { return try await client.whoAmI().userID }
        if let id = UUID(uuidString: text) { return id }
        return try await UsersCommand.user(text, client: client).id
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One page of the portfolio (pass --cursor for the next).",
            discussion:
                "Examples:\n  keyplan portfolio list --quadrant strong_high --sort revenue\n  keyplan portfolio list --owner me --due\n  keyplan portfolio list --objective retention\n  keyplan portfolio list --by-objective --sort revenue"
        )
        @Option var quadrant: Quadrant?
        @Option var priority: Int?
        @Option var status: AccountStatus?
        @Option(help: ArgumentHelp("The owner: `me`, a seller's email or name (admins), or a user id.", valueName: "person")) var owner: String?
        @Option var region: String?
        @Option var industry: String?
        @Option(help: "retention, revenue_growth, vertical_penetration or competitive_differentiation.") var objective: AccountObjective?
        @Flag(help: "The page's accounts under a heading per objective, in the sort's order within each.") var byObjective = false
        @Flag(help: "Only accounts due for review (never assessed, or longer ago than the review interval).") var due = false
        @Option(help: "name, priority, value, relationship or revenue.") var sort: PortfolioQuery.Sort = .priority
        @Option(help: "1 to 500.") var pageSize = 50
        @Option(help: "The next-page cursor a previous page printed.") var cursor: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let page = try await options.withClient { client, _ in
                let query = PortfolioQuery(
                    quadrant: quadrant, priority: priority, status: status,
                    ownerID: try await owner.asyncMap { try await PortfolioCommand.seller($0, client) },
                    region: region, industry: industry, objective: objective, dueForReview: due, sort: sort, pageSize: pageSize, cursor: cursor)
                return try await client.portfolio(query)
            }
            try options.print(page) {
                let accounts =
                    byObjective
                    ? groupedByObjective(page.accounts, objective: \.objective) { $0.map(PortfolioCommand.line).joined(separator: "\n") }
                    : page.accounts.map(PortfolioCommand.line).joined(separator: "\n")
                return ([accounts] + (page.nextCursor.map { ["next page: --cursor \($0)"] } ?? [])).joined(separator: "\n")
            }
        }
    }

    struct Profile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's portfolio fields (others are kept).",
            discussion:
                "Examples:\n  keyplan portfolio profile --account Contoso --industry Manufacturing --region EMEA\n  keyplan portfolio profile --account Contoso --currency EUR --revenue 1250000 --owner ana@acme.example"
        )
        @OptionGroup var account: AccountOption
        @Option var industry: String?
        @Option var region: String?
        @Option(help: "ISO 4217 code of both revenues.") var currency: String?
        @Option(help: "Current annual revenue, exact (1234567.89).") var revenue: Amount?
        @Option(help: "Potential annual revenue, exact.") var potential: Amount?
        @Option var growth: String?
        @Option(help: "Why the account is planned: retention, revenue_growth, vertical_penetration or competitive_differentiation.")
        var objective: AccountObjective?
        @Option(help: ArgumentHelp("The owner, a seller on the account's team: email, name, `me` or id.", valueName: "person")) var owner: String?
        @Option(help: "The CRM's id of the account.") var externalID: String?
        @Option var status: AccountStatus?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let ownerID = try await owner.asyncMap { try await People.of(accountID, client).resolve($0).userID }
                let request = UpdateProfileRequest(
                    accountID: accountID, industry: industry, region: region, currency: currency, annualRevenue: revenue?.value,
                    potentialRevenue: potential?.value, growthIndicators: growth, objective: objective, ownerID: ownerID,
                    externalID: externalID, status: status)
                return try await client.updateProfile(request)
            }
            try options.print(updated) { PortfolioCommand.line(updated) }
        }
    }

    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an assessment: answers 1 (not at all) to 5 (fully).",
            discussion: """
                --value: \(AssessmentAnswers.valueQuestions.joined(separator: "; ")).
                --relationship: \(AssessmentAnswers.relationshipQuestions.joined(separator: "; ")).

                Example:
                  keyplan portfolio assess --account Contoso --value 4,3,5 --relationship 3,4,4,2,5 --notes "after the QBR"
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "Three answers, comma-separated (e.g. 4,3,5).") var value: String
        @Option(help: "Five answers, comma-separated.") var relationship: String
        @Option var notes = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            func answers(_ text: String) throws -> [Int] {
                try text.split(separator: ",").map {
                    guard let answer = Int($0.trimmingCharacters(in: .whitespaces)) else {
                        throw CLIError("answers are whole numbers 1 to 5, got \"\($0)\"")
                    }
                    return answer
                }
            }
            let answers = AssessmentAnswers(value: try answers(value), relationship: try answers(relationship))
            let assessment = try await options.withClient { client, _ in
                try await client.assess(AssessRequest(accountID: try await account.id(client), answers: answers, notes: notes))
            }
            try options.print(assessment) { PortfolioCommand.line(assessment) }
        }
    }

    static func line(_ assessment: Assessment) -> String {
        let score = assessment.score
        return
            "\(assessment.assessedAt.localDescription)\tP\(score.priority) \(score.quadrant.rawValue)\tvalue \(score.value)\trelationship \(score.relationship)\t\(assessment.notes)"
    }

    struct Assessments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's assessments, newest first.", discussion: "Example:\n  keyplan portfolio assessments --account Contoso")
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let assessments = try await options.withClient { client, _ in try await client.assessments(of: try await account.id(client)) }
            try options.print(assessments) { assessments.map(PortfolioCommand.line).joined(separator: "\n") }
        }
    }

    struct Revenue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's revenue by month; with --period and --amount, record one month.",
            discussion:
                "Examples:\n  keyplan portfolio revenue --account Contoso\n  keyplan portfolio revenue --account Contoso --period 2026-11 --amount 104500.00"
        )
        @OptionGroup var account: AccountOption
        @Option(help: "The month, YYYY-MM.") var period: String?
        @Option(help: "The month's revenue, exact, in the account's currency.") var amount: Amount?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let history = try await options.withClient { client, _ in
                let account = try await self.account.id(client)
                switch (period, amount) {
                case (let period?, let amount?):
                    return try await client.recordRevenue(RecordRevenueRequest(accountID: account, period: period, amount: amount.value))
                case (nil, nil): return try await client.revenueHistory(of: account)
                default: throw CLIError("--period and --amount go together: name both to record a month, neither to list", code: "INVALID_ARGUMENT")
                }
            }
            try options.print(history) { history.entries.map { "\($0.period)\t\($0.amount) \($0.currency)" }.joined(separator: "\n") }
        }
    }

    struct Pareto: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The share of revenue of the top 20% and the accounts that make 80%, per currency.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let report = try await options.withClient { client, _ in try await client.pareto() }
            try options.print(report) {
                report.groups.map { group in
                    let core = group.coreForEightyPercent.map { "  \($0.name)\t\($0.revenue) \(group.currency)" }.joined(separator: "\n")
                    return """
                        \(group.currency): \(group.accountCount) accounts, total \(group.totalRevenue)
                        top 20% (\(group.topFifthCount) accounts) bring \(group.topFifthShare)% of revenue
                        \(group.coreForEightyPercent.count) accounts make 80%:
                        \(core)
                        """
                }.joined(separator: "\n\n")
            }
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the tenant's scoring settings; with options, change them (admins).",
            discussion:
                "Examples:\n  keyplan portfolio settings\n  keyplan portfolio settings --value-threshold 60 --priority-order weak_high,strong_low,weak_low"
        )
        @Option(help: "Three weights 0-10, comma-separated.") var valueWeights: String?
        @Option(help: "Five weights 0-10, comma-separated.") var relationshipWeights: String?
        @Option(help: "Value score (0-100) from which value is high; ties are high.") var valueThreshold: Amount?
        @Option(help: "Relationship score (0-100) from which it is strong; ties are strong.") var relationshipThreshold: Amount?
        @Option(help: "Priorities 2-4, e.g. weak_high,strong_low,weak_low.") var priorityOrder: String?
        @Option(help: "Days after which an assessment is due again.") var reviewInterval: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let settings = try await options.withClient { client, _ in
                var settings = try await client.portfolioSettings()
                let changes =
                    [valueWeights, relationshipWeights, priorityOrder].contains { $0 != nil }
                    || valueThreshold != nil || relationshipThreshold != nil || reviewInterval != nil
                guard changes else { return settings }
                func integers(_ text: String) throws -> [Int] {
                    try text.split(separator: ",").map {
                        guard let n = Int($0) else { throw CLIError("expected whole numbers, got \"\($0)\"") }
                        return n
                    }
                }
                if let valueWeights { settings.valueWeights = try integers(valueWeights) }
                if let relationshipWeights { settings.relationshipWeights = try integers(relationshipWeights) }
                if let valueThreshold { settings.valueThreshold = valueThreshold.value }
                if let relationshipThreshold { settings.relationshipThreshold = relationshipThreshold.value }
                if let reviewInterval { settings.reviewIntervalDays = reviewInterval }
                if let priorityOrder {
                    settings.priorityOrder = try priorityOrder.split(separator: ",").map {
                        guard let quadrant = Quadrant(rawValue: String($0)) else { throw CLIError("unknown quadrant \"\($0)\"") }
                        return quadrant
                    }
                }
                return try await client.updatePortfolioSettings(settings)
            }
            try options.print(settings) {
                """
                value weights: \(settings.valueWeights.map(String.init).joined(separator: ","))
                relationship weights: \(settings.relationshipWeights.map(String.init).joined(separator: ","))
                thresholds: value \(settings.valueThreshold), relationship \(settings.relationshipThreshold) (a tie is high/strong)
                priorities: 1 strong_high, \(settings.priorityOrder.enumerated().map { "\($0.offset + 2) \($0.element.rawValue)" }.joined(separator: ", "))
                review interval: \(settings.reviewIntervalDays) days
                """
            }
        }
    }
}
