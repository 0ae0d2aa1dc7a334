public import ArgumentParser
import Foundation
public import KeyplanAPI

extension ScoreScale: ExpressibleByArgument {
    /// `1-10`.
    public init?(argument: String) {
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let minimum = Int(parts[0]), let maximum = Int(parts[1]) else { return nil }
        self.init(minimum: minimum, maximum: maximum)
    }

    public var defaultValueDescription: String { "\(minimum)-\(maximum)" }
}

extension ScorecardTemplate: ShownRecord {
    static var noun: String { "scorecard template" }
    var details: String { ScorecardsCommand.describe(self) }
}

extension ScoringRound: ShownRecord {
    static var noun: String { "scoring round" }
    var details: String { ScorecardsCommand.line(self) }
}

extension ScorecardResponse: ShownRecord {
    static var noun: String { "answers" }
    var details: String { "\(answers.count) criteria scored, version \(version)" + (comment.isEmpty ? "" : "; comment “\(comment)”") }
}

/// `keyplan scorecards`: customer value scorecards: templates, rounds, answers, results, trends.
struct ScorecardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scorecards", abstract: "Customer value scorecards: templates, scoring rounds, answers, results and trends.",
        subcommands: [
            TemplateCreate.self, Templates.self, Template.self, TemplateArchive.self, Open.self, Close.self, Rounds.self, Show.self,
            Answer.self, Results.self, Trend.self,
        ])

    /// The round a command is about, and its account.
    struct RoundArguments: ParsableArguments {
        @Argument(help: "The round: its period (2026-Q4), \"template period\", or a unique prefix of its id. Default: the latest opened.")
        var round: String?
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> ScoringRound {
            let accountID = try await account.id(client)
            if let round { return try await Records.round(round, account: accountID, client) }
            guard let latest = try await client.scoringRounds(accountID: accountID).max(by: { $0.openedAt < $1.openedAt }) else {
                throw CLIError("this account has no scoring round yet", code: "NOT_FOUND")
            }
            return latest
        }
    }

    // MARK: Templates

    struct TemplateCreate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "template-create", abstract: "Create a template (admins). Templates cannot be edited: create another and archive the old.",
            discussion: """
                Criteria: repeat --criterion "Name:weight" (e.g. --criterion "Trust:2"), or give --criteria-file, a JSON array of
                {"name": ..., "description": ..., "weight": ...}. Weights are relative; respondents never see them.

                Example:
                  keyplan scorecards template-create --name "Customer value" --scale 1-10 --criterion "Trust:2" --criterion "Value for money:1"
                """)
        @Option(help: "The template's name.") var name: String
        @Option(help: "The answer scale, min-max.") var scale: ScoreScale = .defaults
        @Option(name: .customLong("criterion"), help: "A criterion, \"Name:weight\"; repeat for each.") var criteria: [String] = []
        @Option(help: "A JSON file of criteria.") var criteriaFile: String?
        @OptionGroup var options: GlobalOptions

        struct FileCriterion: Decodable {
            var name: String
            var description: String?
            var weight: Double
        }

        func run() async throws {
            var drafts = try criteria.map(Self.criterion)
            if let criteriaFile {
                let data = try Data(contentsOf: URL(fileURLWithPath: criteriaFile))
                do {
                    drafts += try JSONDecoder().decode([FileCriterion].self, from: data).map {
                        CriterionDraft(name: $0.name, description: $0.description ?? "", weight: $0.weight)
                    }
                } catch {
                    throw CLIError(
                        "\(criteriaFile) is not a JSON array of {\"name\", \"description\", \"weight\"}: \(error)", code: "INVALID_ARGUMENT")
                }
            }
            let request = CreateTemplateRequest(name: name, scale: scale, criteria: drafts)
            let template = try await options.withClient { client, _ in try await client.createScorecardTemplate(request) }
            try options.print(template) { ScorecardsCommand.describe(template) }
        }

        /// `Name:weight`; the name may itself hold colons (the weight follows the last one).
        static func criterion(_ text: String) throws -> CriterionDraft {
            guard let colon = text.lastIndex(of: ":"), let weight = Double(text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            else {
                throw CLIError("a criterion is \"Name:weight\", got \"\(text)\"")
            }
            return CriterionDraft(name: String(text[..<colon]), weight: weight)
        }
    }

    struct Templates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The tenant's templates.",
            discussion: """
                Example:
                  keyplan scorecards templates --archived
                """)
        @Flag(help: "Include archived templates.") var archived = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let templates = try await options.withClient { client, _ in try await client.scorecardTemplates(includeArchived: archived) }
            try options.print(templates) {
                templates.map {
                    "\($0.id.short)  \($0.name)  \($0.criteria.count) criteria, scale \($0.scale.minimum)-\($0.scale.maximum)  v\($0.version)\($0.archivedAt == nil ? "" : "  archived")"
                }.joined(separator: "\n")
            }
        }
    }

    struct Template: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a template and its criteria.",
            discussion: """
                Example:
                  keyplan scorecards template "Customer value"
                """)
        @Argument(help: "The template: its name or a unique prefix of its id.") var template: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let template = try await options.withClient { client, _ in try await Records.template(self.template, client) }
            try options.print(template) { ScorecardsCommand.describe(template) }
        }
    }

    struct TemplateArchive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "template-archive", abstract: "Archive a template (admins): it opens no new rounds.",
            discussion: """
                Example:
                  keyplan scorecards template-archive "Customer value" --version 1
                """)
        @Argument(help: "The template: its name or a unique prefix of its id.") var template: String
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let template = try await options.withClient { client, _ in
                let found = try await Records.template(self.template, client)
                return try await options.coEditing(ScorecardTemplate.self, read: version) {
                    try await client.archiveScorecardTemplate(found.id, expectedVersion: version)
                }
            }
            try options.print(template) { ScorecardsCommand.describe(template) }
        }
    }

    static func describe(_ template: ScorecardTemplate) -> String {
        let status = template.archivedAt.map { "archived \($0.localDescription)" } ?? (template.inUse ? "in use" : "not used yet")
        return "\(template.id.short)  \(template.name)  scale \(template.scale.minimum)-\(template.scale.maximum)  \(status)  v\(template.version)\n"
            + TextTable(
                header: ["criterion", "weight", "description"],
                rows: template.criteria.map { [$0.name, $0.weight.map { number($0) } ?? "-", $0.description] }
            ).text
    }

    // MARK: Rounds

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a scoring round; the account's customers are told.",
            discussion: """
                Example:
                  keyplan scorecards open --account Globex --template "Customer value" --period 2026-Q4 --closes-at 2026-12-31T17:00:00Z
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The template: its name or a unique prefix of its id.") var template: String
        @Option(help: "What is scored, e.g. 2026-Q4.") var period: String
        @Option(help: "When the round closes by itself, ISO 8601 (2026-12-31T17:00:00Z).") var closesAt: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            var closes: Date?
            if let closesAt {
                guard let date = ISO8601DateFormatter().date(from: closesAt) else {
                    throw ValidationError("--closes-at is not an ISO 8601 time (2026-12-31T17:00:00Z): \(closesAt)")
                }
                closes = date
            }
            let round = try await options.withClient { client, _ in
                let request = OpenRoundRequest(
                    accountID: try await account.id(client), templateID: try await Records.template(template, client, includeArchived: false).id,
                    period: period, closesAt: closes)
                return try await client.openScoringRound(request)
            }
            try options.print(round) { ScorecardsCommand.line(round) }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a round: its answers become final.",
            discussion: """
                Example:
                  keyplan scorecards close 2026-Q4 --account Globex --version 1
                """)
        @OptionGroup var round: RoundArguments
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let closed = try await options.withClient { client, _ in
                let found = try await round.resolve(client)
                return try await options.coEditing(ScoringRound.self, read: version) {
                    try await client.closeScoringRound(accountID: found.accountID, roundID: found.id, expectedVersion: version)
                }
            }
            try options.print(closed) { ScorecardsCommand.line(closed) }
        }
    }

    struct Rounds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's scoring rounds, newest first.",
            discussion: """
                Example:
                  keyplan scorecards rounds --account Globex
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "Only this template's rounds (its name or id prefix).") var template: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let rounds = try await options.withClient { client, _ in
                let templateID = try await template.asyncMap { try await Records.template($0, client).id }
                return try await client.scoringRounds(accountID: try await account.id(client), templateID: templateID)
            }
            try options.print(rounds) { rounds.isEmpty ? "no scoring rounds yet" : rounds.map(ScorecardsCommand.line).joined(separator: "\n") }
        }
    }

    static func line(_ round: ScoringRound) -> String {
        let state = round.isOpen ? "open" + (round.closesAt.map { " until \($0.localDescription)" } ?? "") : "closed"
        let answered = round.responseCount.map { "\($0) responses" } ?? (round.answeredByMe ? "answered" : "not answered yet")
        return "\(round.id.short)  \(round.period)  \(round.templateName)  \(state)  \(answered)  v\(round.version)"
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A round, its criteria and the answers you may see (customers: their own).",
            discussion: """
                Example:
                  keyplan scorecards show 2026-Q4 --account Globex
                """)
        @OptionGroup var round: RoundArguments
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let detail = try await options.withClient { client, _ in
                let found = try await round.resolve(client)
                return try await client.scoringRound(accountID: found.accountID, roundID: found.id)
            }
            try options.print(detail) {
                let responses = detail.responses.map { response in
                    let scores = detail.criteria.map { criterion in
                        "\(criterion.name) \(response.answers.first { $0.criterionID == criterion.id }.map { String($0.score) } ?? "-")"
                    }
                    return "\(response.respondentName) (v\(response.version)): " + scores.joined(separator: ", ")
                        + (response.comment.isEmpty ? "" : "\n  “\(response.comment)”")
                }
                return
                    ([ScorecardsCommand.line(detail.round), "scale \(detail.round.scale.minimum)-\(detail.round.scale.maximum)"]
                    + detail.criteria.map { "- \($0.name)\($0.description.isEmpty ? "" : ": \($0.description)")" } + responses).joined(
                        separator: "\n")
            }
        }
    }

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a round (customers); answering again with --version replaces your answers until the round closes.",
            discussion: """
                Repeat --score "Criterion name:score"; criteria you leave out are skipped. To replace your answers, name the \
                version of them you read (`keyplan scorecards show`).

                Examples:
                  keyplan scorecards answer 2026-Q4 --score "Trust:9" --score "Value for money:7" --comment "Great pilot"
                  keyplan scorecards answer 2026-Q4 --score "Trust:8" --version 1
                """)
        @OptionGroup var round: RoundArguments
        @Option(name: .customLong("score"), help: "\"Criterion name:score\"; repeat for each.") var scores: [String] = []
        @Option(help: "A comment for the seller.") var comment = ""
        @Option(help: ArgumentHelp("To replace your answers: " + CoEditingHelp.version)) var version: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let response = try await options.withClient { client, _ in
                let found = try await round.resolve(client)
                let criteria = try await client.scoringRound(accountID: found.accountID, roundID: found.id).criteria
                let answers = try scores.map { text in
                    guard let colon = text.lastIndex(of: ":"), let score = Int(text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                    else {
                        throw CLIError("a score is \"Criterion name:score\", got \"\(text)\"", code: "INVALID_ARGUMENT")
                    }
                    let name = text[..<colon].trimmingCharacters(in: .whitespaces)
                    guard let criterion = criteria.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                        throw CLIError(
                            "no criterion “\(name)” in this round; it has: \(criteria.map(\.name).joined(separator: ", "))", code: "INVALID_ARGUMENT")
                    }
                    return CriterionScore(criterionID: criterion.id, score: score)
                }
                return try await options.coEditing(ScorecardResponse.self, read: version) {
                    try await client.answerScorecard(
                        AnswerRequest(accountID: found.accountID, roundID: found.id, answers: answers, comment: comment, expectedVersion: version))
                }
            }
            try options.print(response) { "answered (version \(response.version)): \(response.answers.count) criteria scored" }
        }
    }

    // MARK: Results

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A round's results: per criterion mean and spread, the weighted overall score.",
            discussion: """
                Example:
                  keyplan scorecards results 2026-Q4 --account Globex
                """)
        @OptionGroup var round: RoundArguments
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let report = try await options.withClient { client, _ in
                let found = try await round.resolve(client)
                return try await client.scorecardResults(accountID: found.accountID, roundID: found.id)
            }
            try options.print(report) { ScorecardsCommand.describe(report) }
        }
    }

    static func describe(_ report: RoundResults) -> String {
        let results = report.results
        let names = Dictionary(uniqueKeysWithValues: results.criteria.map { ($0.criterionID, $0.name) })
        let rows = results.criteria.map { criterion in
            [
                criterion.name, number(criterion.weight), optional(criterion.mean), criterion.minimum.map(String.init) ?? "-",
                criterion.maximum.map(String.init) ?? "-", optional(criterion.standardDeviation), String(criterion.respondentCount),
            ]
        }
        let rate = results.responseRate.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
        return """
            \(line(report.round))
            \(TextTable(header: ["criterion", "weight", "mean", "min", "max", "sd", "n"], rows: rows).text)
            overall (weighted): \(optional(results.overall)) on \(report.round.scale.minimum)-\(report.round.scale.maximum)
            responses: \(results.respondentCount) of \(results.invitedCount) invited (\(rate))
            strongest: \(results.strongest.compactMap { names[$0] }.joined(separator: ", ").nonEmpty ?? "-")
            weakest: \(results.weakest.compactMap { names[$0] }.joined(separator: ", ").nonEmpty ?? "-")
            """
    }

    struct Trend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's scores of one template across rounds, with the change from the round before.",
            discussion: """
                Example:
                  keyplan scorecards trend --account Globex --template "Customer value" --svg trend.svg
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The template: its name or a unique prefix of its id.") var template: String
        @Option(help: "Also write the overall score across rounds as an SVG chart to this file.") var svg: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let (trend, scale) = try await options.withClient { client, _ in
                let found = try await Records.template(template, client)
                return (try await client.scorecardTrend(accountID: try await account.id(client), templateID: found.id), found.scale)
            }
            if let svg {
                let chart = trend.chart(scale: Double(scale.minimum)...Double(scale.maximum))
                do {
                    try chart.svg().write(toFile: svg, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("cannot write \(svg): \(error.localizedDescription)", code: "INVALID_ARGUMENT")
                }
            }
            try options.print(trend) { ScorecardsCommand.describe(trend) + (svg.map { "\nwrote \($0)" } ?? "") }
        }
    }

    static func describe(_ trend: ScorecardTrend) -> String {
        let headers = ["period", "overall", "change", "responses"] + trend.criteria.map(\.name)
        let rows = trend.points.map { point in
            [point.period + (point.isOpen ? " (open)" : ""), optional(point.overall), change(point.overallChange), String(point.respondentCount)]
                + point.criteria.map { optional($0.mean) + ($0.change.map { " (\(change($0)))" } ?? "") }
        }
        return "\(trend.templateName)\n" + TextTable(header: headers, rows: rows).text
    }

    // MARK: Text

    /// Two decimals, for display only.
    static func number(_ value: Double) -> String { String(format: "%.2f", value) }
    static func optional(_ value: Double?) -> String { value.map(number) ?? "-" }
    static func change(_ value: Double?) -> String { value.map { ($0 >= 0 ? "+" : "") + number($0) } ?? "-" }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
