public import ArgumentParser
import Foundation
public import KeyplanAPI

extension ImportKind: ExpressibleByArgument {}

/// `keyplan import`: accounts, contacts or opportunities from a CRM's CSV export.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import accounts, contacts or opportunities from a CRM's CSV export (admins and leaders).",
        discussion: """
            Salesforce's standard export column names are recognised; for other CRMs pass --mapping, a JSON
            object from Keyplan field names to the file's columns, e.g. {"externalID": "Customer No", "name": "Company"}.
            Fields: \(ImportField.allCases.map(\.rawValue).joined(separator: ", ")).
            Rows are upserted by their external id: importing a file again updates, never duplicates.
            Import accounts before their contacts and opportunities.

            Examples:
              keyplan import accounts accounts.csv
              keyplan import contacts contacts.csv --mapping hubspot-contacts.json
            """)

    @Argument(help: "accounts, contacts or opportunities.") var kind: ImportKind
    @Argument(help: "The CSV file (UTF-8, RFC 4180, header first).") var file: String
    @Option(help: "A JSON mapping file for CRMs other than Salesforce.") var mapping: String?
    @Option(help: "Rows per chunk sent.") var chunkSize = 500
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let document = try Self.load(file)
        var columns: [String: String]?
        if let mapping {
            do {
                columns = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: mapping)))
            } catch {
                throw CLIError("the mapping \(mapping) is not a JSON object of field names to column names: \(error.localizedDescription)")
            }
        }
        let bar = ProgressBar(total: document.records.count, enabled: !options.json)
        let report = try await options.withClient(defaultTimeout: .seconds(600)) { client, _ in
            try await client.importRows(kind, document, mapping: columns, chunkSize: chunkSize) { bar.show($0) }
        }
        bar.finish()
        try options.print(report) {
            let lines = report.rejected.map { "line \($0.line)\($0.column.map { ", column \($0)" } ?? ""): \($0.reason)" }
            return (["\(report.inserted) inserted, \(report.updated) updated, \(report.rejected.count) rejected"] + lines).joined(separator: "\n")
        }
        if !report.rejected.isEmpty { throw ExitCode(2) }
    }

    /// Reads and parses a file, refusing one over the size limit before reading it.
    static func load(_ path: String, limits: CSVDocument.Limits = .defaults) throws -> CSVDocument {
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw CLIError("cannot read \(path): \(error.localizedDescription)")
        }
        guard size <= limits.maximumBytes else {
            throw CLIError("\(path) has \(size) bytes, more than the limit of \(limits.maximumBytes); split it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        do {
            return try CSVDocument(bytes: data, limits: limits)
        } catch let error as CSVDocument.Error {
            throw CLIError("\(path): \(error)")
        }
    }
}

/// A one-line progress bar on standard error.
final class ProgressBar: Sendable {
    let total: Int
    let enabled: Bool

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func show(_ done: Int) {
        guard enabled else { return }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(done)/\(total) rows"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
