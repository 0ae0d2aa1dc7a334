import ArgumentParser
import Foundation
import KeyplanAPI

extension Quadrant: ExpressibleByArgument {}
extension AccountStatus: ExpressibleByArgument {}
extension AccountObjective: ExpressibleByArgument {}
extension PortfolioQuery.Sort: ExpressibleByArgument {}

/// An exact decimal amount, as an option value (`1234567.89`).
struct Amount: ExpressibleByArgument {
    let value: Decimal

    init?(argument: String) {
        guard let value = Decimal(string: argument, locale: Locale(identifier: "en_US_POSIX")), argument.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) else {
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
        let scores = account.quadrant.map { "P\(account.priority ?? 0) \($0.rawValue) value \(account.valueScore ?? 0) relationship \(account.relationshipScore ?? 0)" } ?? "not assessed"
        return "\(account.id)\t\(account.name)\t\(account.status.rawValue)\t\(revenue)\t\(scores)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One page of the portfolio (pass --cursor for the next).")
        @Option var quadrant: Quadrant?
        @Option var priority: Int?
        @Option var status: AccountStatus?
        @Option(help: "The owner's user id.") var owner: UUID?
        @Option var region: String?
        @Option var industry: String?
        @Option var objective: AccountObjective?
        @Flag(help: "Only accounts due for review (never assessed, or longer ago than the review interval).") var due = false
        @Option(help: "name, priority, value, relationship or revenue.") var sort: PortfolioQuery.Sort = .priority
        @Option(help: "1 to 500.") var pageSize = 50
        @Option(help: "The next-page cursor a previous page printed.") var cursor: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let query = PortfolioQuery(
                quadrant: quadrant, priority: priority, status: status, ownerID: owner, region: region, industry: industry,
                objective: objective, dueForReview: due, sort: sort, pageSize: pageSize, cursor: cursor)
            let page = try await options.withClient { client, _ in try await client.portfolio(query) }
            try options.print(page) {
                (page.accounts.map(PortfolioCommand.line) + (page.nextCursor.map { ["next page: --cursor \($0)"] } ?? [])).joined(separator: "\n")
            }
        }
    }

    struct Profile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's portfolio fields (others are kept).")
        @Argument(help: "The account's id.") var account: UUID
        @Option var industry: String?
        @Option var region: String?
        @Option(help: "ISO 4217 code of both revenues.") var currency: String?
        @Option(help: "Current annual revenue, exact (1234567.89).") var revenue: Amount?
        @Option(help: "Potential annual revenue, exact.") var potential: Amount?
        @Option var growth: String?
        @Option var objective: AccountObjective?
        @Option(help: "The owner's user id.") var owner: UUID?
        @Option(help: "The CRM's id of the account.") var externalID: String?
        @Option var status: AccountStatus?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = UpdateProfileRequest(
                accountID: account, industry: industry, region: region, currency: currency, annualRevenue: revenue?.value,
                potentialRevenue: potential?.value, growthIndicators: growth, objective: objective, ownerID: owner,
                externalID: externalID, status: status)
            let updated = try await options.withClient { client, _ in try await client.updateProfile(request) }
            try options.print(updated) { PortfolioCommand.line(updated) }
        }
    }

    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an assessment: answers 1 (not at all) to 5 (fully).",
            discussion: """
                --value: \(AssessmentAnswers.valueQuestions.joined(separator: "; ")).
                --relationship: \(AssessmentAnswers.relationshipQuestions.joined(separator: "; ")).
                """)
        @Argument(help: "The account's id.") var account: UUID
        @Option(help: "Three answers, comma-separated (e.g. 4,3,5).") var value: String
        @Option(help: "Five answers, comma-separated.") var relationship: String
        @Option var notes = ""
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            func answers(_ text: String) throws -> [Int] {
                try text.split(separator: ",").map {
                    guard let answer = Int($0.trimmingCharacters(in: .whitespaces)) else { throw CLIError("answers are whole numbers 1 to 5, got \"\($0)\"") }
                    return answer
                }
            }
            let request = AssessRequest(accountID: account, answers: AssessmentAnswers(value: try answers(value), relationship: try answers(relationship)), notes: notes)
            let assessment = try await options.withClient { client, _ in try await client.assess(request) }
            try options.print(assessment) { PortfolioCommand.line(assessment) }
        }
    }

    static func line(_ assessment: Assessment) -> String {
        let score = assessment.score
        return "\(assessment.assessedAt.shortDescription)\tP\(score.priority) \(score.quadrant.rawValue)\tvalue \(score.value)\trelationship \(score.relationship)\t\(assessment.notes)"
    }

    struct Assessments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's assessments, newest first.")
        @Argument(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let assessments = try await options.withClient { client, _ in try await client.assessments(of: account) }
            try options.print(assessments) { assessments.map(PortfolioCommand.line).joined(separator: "\n") }
        }
    }

    struct Revenue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's revenue by month; with --period and --amount, record one month.")
        @Argument(help: "The account's id.") var account: UUID
        @Option(help: "The month, YYYY-MM.") var period: String?
        @Option(help: "The month's revenue, exact, in the account's currency.") var amount: Amount?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let history = try await options.withClient { client, _ in
                switch (period, amount) {
                case (let period?, let amount?): return try await client.recordRevenue(RecordRevenueRequest(accountID: account, period: period, amount: amount.value))
                case (nil, nil): return try await client.revenueHistory(of: account)
                default: throw CLIError("--period and --amount go together")
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
        static let configuration = CommandConfiguration(abstract: "Show the tenant's scoring settings; with options, change them (admins).")
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
                let changes = [valueWeights, relationshipWeights, priorityOrder].contains { $0 != nil }
                    || valueThreshold != nil || relationshipThreshold != nil || reviewInterval != nil
                guard changes else { return settings }
                func integers(_ text: String) throws -> [Int] {
                    try text.split(separator: ",").map { guard let n = Int($0) else { throw CLIError("expected whole numbers, got \"\($0)\"") }; return n }
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
