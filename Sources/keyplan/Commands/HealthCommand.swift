import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan health`: account health, explained; the risk list; the tenant's weights.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Account health: each signal explained, the risk list, weights, a trend chart.",
        subcommands: [Show.self, Risks.self, Settings.self, Chart.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's health score, each signal with its weight, value and points, and whether it is at risk.",
            discussion: """
                Points are value × weight / the weight of the signals with data: a signal without data counts for \
                nothing and the others share its weight, which the output says. "At risk" is the risk list's rule.

                Examples:
                  keyplan health show --account Contoso
                  keyplan health show --account Contoso --json
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let health = try await options.withClient { client, _ in try await client.health(of: try await account.id(client)) }
            try options.print(health) { HealthCommand.describe(health) }
        }
    }

    /// The account's health for people: the table of signals, the renormalization if any, and
    /// either the risk list's reasons or the weak signals of an account that is not at risk.
    static func describe(_ health: AccountHealth) -> String {
        let report = health.report
        var table = TextTable("signal", "weight", "value", "points", "why")
        for signal in report.signals {
            let points = signal.value == nil ? "-" : score(signal.contribution)
            table.add(signal.kind.label, score(signal.weight), signal.value == nil ? "no data" : score(signal.value), points, signal.detail)
        }
        var lines = [
            "\(health.accountName): health \(score(report.score)) (\(report.band.rawValue)), computed \(health.computedAt.localDescription)", "",
            table.text,
        ]
        if let renormalization = report.renormalization {
            let names = renormalization.withoutData.map(\.label)
            let listed = names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
            lines += [
                "",
                "weights renormalized: \(listed) \(names.count == 1 ? "has" : "have") no data yet",
                "  points = value × weight / \(score(renormalization.weightWithData)) (the weight of the signals with data, of \(score(renormalization.totalWeight)))",
            ]
        }
        if let risk = health.atRisk {
            lines += ["", "at risk because:"] + risk.reasons.map { "  - \($0)" }
        } else {
            lines += ["", "not at risk"] + (report.reasons.isEmpty ? [] : ["weak signals:"] + report.reasons.map { "  - \($0)" })
        }
        return lines.joined(separator: "\n")
    }

    struct Risks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Strategic accounts whose health is below the threshold or fell sharply, and why.",
            discussion: """
                The same rule as "at risk" in `keyplan health show`; thresholds in `keyplan health settings`.

                Examples:
                  keyplan health risks
                  keyplan health risks --limit 10 --json
                  keyplan health risks --objective retention
                  keyplan health risks --by-objective
                """)
        @Option(help: "1 to 500.") var limit = 100
        @Option(help: "Only the accounts planned for this objective.") var objective: AccountObjective?
        @Flag(help: "The list under a heading per objective (lowest score first in each).") var byObjective = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let risks = try await options.withClient { client, _ in try await client.risks(limit: limit, objective: objective) }
            try options.print(risks) {
                guard !risks.isEmpty else { return "no account is at risk" }
                func text(_ risks: [AccountRisk]) -> String {
                    risks.map { risk in
                        let fell = risk.earlierScore.flatMap { $0 - risk.score >= 1 ? " (fell from \(score($0)))" : nil } ?? ""
                        return
                            (["\(risk.accountName)  \(score(risk.score)) \(risk.band.rawValue)\(fell)  \(risk.accountID.short)"]
                            + risk.reasons.map { "  - \($0)" }).joined(separator: "\n")
                    }.joined(separator: "\n")
                }
                return byObjective ? groupedByObjective(risks, objective: \.objective, text: text) : text(risks)
            }
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the health settings; with options, change them (admins).",
            discussion: """
                Weights are relative. --published uses (relationship + tasks + value) / 3; --defaults restores Keyplan's defaults.

                Examples:
                  keyplan health settings --weight scorecard=30 --weight revenue_trend=0
                  keyplan health settings --risk-threshold 45 --drop-threshold 10 --drop-window 60
                """)
        @Option(help: "signal=weight, repeatable; signals: \(HealthSignal.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var weight: [String] = []
        @Flag(help: "Start from the published formula's weights.") var published = false
        @Flag(help: "Start from Keyplan's default weights.") var defaults = false
        @Option(help: "At risk below this score (0–100).") var riskThreshold: Double?
        @Option(help: "At risk after falling at least this many points within the drop window.") var dropThreshold: Double?
        @Option(help: "The drop window in days.") var dropWindow: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let changes = try weight.map { try Self.parse($0) }
            let settings = try await options.withClient { client, _ in
                var settings = try await client.healthSettings()
                guard published || defaults || !changes.isEmpty || riskThreshold != nil || dropThreshold != nil || dropWindow != nil else {
                    return settings
                }
                if published && defaults { throw CLIError("--published and --defaults exclude each other") }
                if published { settings.weights = .published }
                if defaults { settings.weights = .defaults }
                for (kind, value) in changes { settings.weights[kind] = value }
                if let riskThreshold { settings.riskThreshold = riskThreshold }
                if let dropThreshold { settings.dropThreshold = dropThreshold }
                if let dropWindow { settings.dropWindowDays = dropWindow }
                return try await client.updateHealthSettings(settings)
            }
            try options.print(settings) {
                var table = TextTable("signal", "weight")
                for kind in HealthSignal.Kind.allCases { table.add(kind.rawValue, score(settings.weights[kind])) }
                return table.text
                    + "\nat risk below \(score(settings.riskThreshold)), or after a fall of \(score(settings.dropThreshold)) points within \(settings.dropWindowDays) days"
            }
        }

        static func parse(_ text: String) throws -> (HealthSignal.Kind, Double) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = HealthSignal.Kind(rawValue: parts[0]) else {
                throw CLIError(
                    "--weight must be signal=weight with a signal of: \(HealthSignal.Kind.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(text)\""
                )
            }
            guard let value = Double(parts[1]), value.isFinite else {
                throw CLIError("the weight of \(parts[0]) must be a number; got \"\(parts[1])\"")
            }
            return (kind, value)
        }
    }

    struct Chart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an account's health trend as an SVG chart.",
            discussion: """
                Example:
                  keyplan health chart --account Contoso --output contoso-health.svg
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The SVG file to write.") var output: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let health = try await options.withClient { client, _ in try await client.health(of: try await account.id(client)) }
            do {
                try health.chart.svg().write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(output): \(error.localizedDescription)", code: "INVALID_ARGUMENT")
            }
            try options.print(["output": output, "points": "\(health.history.count)"]) { "wrote \(output) (\(health.history.count) points)" }
        }
    }
}
