import Foundation
import KeyplanAPI
import KeyplanRPC

/// A co-edited record as the CLI shows it in a refusal.
protocol ShownRecord: CoEditedRecord {
    /// "goal", "action".
    static var noun: String { get }
    /// Its current values, for people.
    var details: String { get }
}

extension GlobalOptions {
    /// Runs `change`, which named the version `read` of a record; a refusal as stale says who
    /// changed the record, when, and what it holds now — with `--json`, the record itself under
    /// `error.current` — so the user can merge and retry with the version printed.
    func coEditing<Record: ShownRecord, Result>(
        _ type: Record.Type, read version: Int?, _ change: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await change()
        } catch let error as RPCError where error.code == .aborted {
            guard let current = try error.currentRecord(as: Record.self) else { throw CLIError(error) }
            let situation =
                version.map { "it changed since you read it: you read version \($0), it is now at version \(current.version)" }
                ?? "it exists already, at version \(current.version)"
            throw CLIError(
                """
                not saved: \(situation), changed by \(lastChangeText(by: current.lastChangedBy, at: current.lastChangedAt)).
                The \(Record.noun) now reads:
                \(current.details.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                Merge your change into it and run the command again with --version \(current.version).
                """,
                code: "ABORTED", current: current)
        }
    }
}

/// The help text every changing command shares, so the rule reads the same everywhere.
enum CoEditingHelp {
    static let version =
        "The version you read (from show or list): if the record changed since, nothing is written and you are shown who changed it and how it reads now."
    static let rule = """
        Like every shared record, it changes only where you say: options you leave out keep their values, \
        and --version names the version you read, so that nobody's edit is overwritten unseen.
        """
}
