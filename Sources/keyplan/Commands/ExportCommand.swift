public import ArgumentParser
import Foundation
public import KeyplanAPI

extension AccountPlanDocument.View: ExpressibleByArgument {}

/// `keyplan export`: the plan out to other tools.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export accounts as CSV for a CRM, or an account's plan as one document.",
        subcommands: [Accounts.self, Plan.self, ReviewPackCommand.self])

    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Your portfolio's accounts as CSV, in the columns `keyplan import accounts` reads.",
            discussion: """
                Id, Name, Industry, BillingCountry, AnnualRevenue, Potential Revenue, CurrencyIsoCode and Owner Email are \
                the import's Salesforce columns, so importing the file again changes nothing; Objective, Status, the \
                assessment (scores, Quadrant, Priority, Assessed At) and health follow, and the import ignores them. An \
                account without an external id has an empty Id, which the import refuses.

                Examples:
                  keyplan export accounts --output accounts.csv
                  keyplan export accounts --objective retention > retention.csv
                """)
        @Option(help: "Only the accounts planned for this objective.") var objective: AccountObjective?
        @Option(help: "The file to write; standard output without it.") var output: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let file = try await options.withClient { client, _ in try await client.exportAccounts(objective: objective) }
            try ExportCommand.deliver(file, to: output, options)
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's whole plan as one JSON document: the account team's view or the customer's.",
            discussion: """
                The seller view (the team's) adds the seller-internal parts: the portfolio profile and assessments, \
                the relationship map and health. The customer view is what the customer's invited people see, built \
                by the server from their views — nothing seller-internal; a customer gets only this one.

                Examples:
                  keyplan export plan --account Contoso --output contoso-plan.json
                  keyplan export plan --account Contoso --view customer --output contoso-for-customer.json
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "seller or customer.") var view: AccountPlanDocument.View = .seller
        @Option(help: "The file to write; standard output without it.") var output: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let document = try await options.withClient { client, _ in try await client.exportPlan(of: try await account.id(client), view: view) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let text = String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
            let name = "\(document.account.name)-\(view.rawValue)-plan.json"
            try ExportCommand.deliver(ExportedFile(fileName: name, contentType: "application/json", content: text), to: output, options, isJSON: true)
        }
    }

    struct ReviewPackCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review-pack",
            abstract: "An account's plan as a printable review pack: HTML with its pictures, and a PDF if you have Chromium.",
            discussion: """
                The pack renders the plan document of `keyplan export plan` (the same views: the customer's holds \
                nothing seller-internal). --pdf prints it with a headless Chromium on this machine \
                (`chromium --headless --print-to-pdf`); the server never needs one.

                Examples:
                  keyplan export review-pack --account Contoso --output contoso.html
                  keyplan export review-pack --account Contoso --view customer --output contoso.html --pdf contoso.pdf
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "seller or customer.") var view: AccountPlanDocument.View = .seller
        @Option(help: "The HTML file to write.") var output: String
        @Option(help: "Also print the pack to this PDF file with headless Chromium.") var pdf: String?
        @Option(help: "The Chromium to print with (default: chromium, chromium-browser or google-chrome on the PATH).") var chromium: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let document = try await options.withClient { client, _ in try await client.exportPlan(of: try await account.id(client), view: view) }
            let html = ReviewPack(document: document).html
            do { try html.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw CLIError("cannot write \(output): \(error.localizedDescription)", code: "INVALID_ARGUMENT")
            }
            if let pdf { try PDFPrinter(chromium: chromium).print(htmlFile: output, to: pdf) }
            let written =
                [Written(path: output, contentType: "text/html; charset=utf-8", bytes: html.utf8.count)]
                + (pdf.map { [Written(path: $0, contentType: "application/pdf", bytes: Self.size(of: $0))] } ?? [])
            try options.print(written) { written.map { "wrote \($0.path) (\($0.bytes) bytes)" }.joined(separator: "\n") }
        }

        static func size(of path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
        }
    }

    /// What `--json` prints when the file went to a path.
    struct Written: Encodable {
        var path: String
        var contentType: String
        var bytes: Int
    }

    /// Writes the file to `path` (and says so, as JSON with `--json`), or its content to standard
    /// output (with `--json`, the accounts file wrapped with its name and type; a plan is JSON already).
    static func deliver(_ file: ExportedFile, to path: String?, _ options: GlobalOptions, isJSON: Bool = false) throws {
        if let path {
            do { try file.content.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw CLIError("cannot write \(path): \(error.localizedDescription)", code: "INVALID_ARGUMENT")
            }
            let written = Written(path: path, contentType: file.contentType, bytes: file.content.utf8.count)
            try options.print(written) { "wrote \(path) (\(written.bytes) bytes)" }
        } else if options.json, !isJSON {
            try options.print(file) { "" }
        } else {
            FileHandle.standardOutput.write(Data(file.content.utf8))
        }
    }
}
