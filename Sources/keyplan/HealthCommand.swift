import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan health`: account health, explained; the risk list; the tenant's weights.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Account health: each signal explained, the risk list, weights, a trend chart.",
        subcommands: [Show.self, Risks.self, Settings.self, Chart.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's health score, each signal with its weight, value and contribution.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let health = try await options.withClient { client, _ in try await client.health(of: account) }
            try options.print(health) {
                var table = TextTable("signal", "weight", "value", "points", "why")
                for signal in health.report.signals {
                    table.add(signal.kind.label, score(signal.weight), score(signal.value), score(signal.contribution), signal.detail)
                }
                let reasons = health.report.reasons.map { "  - \($0)" }
                return (["\(health.accountName): health \(score(health.report.score)) (\(health.report.band.rawValue))", "", table.text]
                    + (reasons.isEmpty ? [] : ["", "at risk because:"] + reasons)).joined(separator: "\n")
            }
        }
    }

    struct Risks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accounts whose health is below the threshold or fell sharply, and why.")
        @Option(help: "1 to 500.") var limit = 100
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let risks = try await options.withClient { client, _ in try await client.risks(limit: limit) }
            try options.print(risks) {
                guard !risks.isEmpty else { return "no account is at risk" }
                return risks.map { risk in
                    let fell = risk.earlierScore.flatMap { $0 - risk.score >= 1 ? " (fell from \(score($0)))" : nil } ?? ""
                    return (["\(risk.accountName)  \(score(risk.score)) \(risk.band.rawValue)\(fell)  \(risk.accountID)"]
                        + risk.reasons.map { "  - \($0)" }).joined(separator: "\n")
                }.joined(separator: "\n")
            }
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the health settings; with options, change them (admins).",
            discussion: "Weights are relative. --published uses (relationship + tasks + value) / 3; --defaults restores Keyplan's defaults.")
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
                guard published || defaults || !changes.isEmpty || riskThreshold != nil || dropThreshold != nil || dropWindow != nil else { return settings }
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
                return table.text + "\nat risk below \(score(settings.riskThreshold)), or after a fall of \(score(settings.dropThreshold)) points within \(settings.dropWindowDays) days"
            }
        }

        static func parse(_ text: String) throws -> (HealthSignal.Kind, Double) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = HealthSignal.Kind(rawValue: parts[0]) else {
                throw CLIError("--weight must be signal=weight with a signal of: \(HealthSignal.Kind.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(text)\"")
            }
            guard let value = Double(parts[1]), value.isFinite else { throw CLIError("the weight of \(parts[0]) must be a number; got \"\(parts[1])\"") }
            return (kind, value)
        }
    }

    struct Chart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an account's health trend as an SVG chart.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The SVG file to write.") var output: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let health = try await options.withClient { client, _ in try await client.health(of: account) }
            let day = DateFormatter()
            day.dateFormat = "yyyy-MM-dd"
            day.timeZone = TimeZone(identifier: "UTC")
            let chart = TrendChart(
                title: "Health of \(health.accountName)", points: health.history.map { TrendChart.Point(label: day.string(from: $0.at), value: $0.score) },
                range: 0...100, bands: TrendChart.healthBands)
            do {
                try chart.svg().write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(output): \(error.localizedDescription)")
            }
            try options.print(["output": output, "points": "\(health.history.count)"]) { "wrote \(output) (\(health.history.count) points)" }
        }
    }
}
