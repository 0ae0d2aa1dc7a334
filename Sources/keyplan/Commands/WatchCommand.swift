import ArgumentParser
import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan watch`: prints an account's changes as they happen, one per line (JSON lines with
/// `--json`), until interrupted or `--count` changes were printed. When the stream ends because
/// the client fell behind, the server is going away or cannot be reached, it resumes after the
/// highest change id printed (ids come in commit order, so nothing is missed), waiting a little
/// longer after each failed attempt; it gives up after a run of failures without a change.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Print an account's changes live, until interrupted.",
        discussion: """
            Examples:
              keyplan watch --account Contoso
              keyplan watch --account Contoso --after 0 --count 100 --json
            """)

    @OptionGroup var account: AccountOption
    @Option(help: "First replay the changes after this change id (0: all).") var after: Int64?
    @Option(help: "Stop after this many changes.") var count: Int?
    @OptionGroup var options: GlobalOptions

    /// Failed attempts in a row (none delivering a change) before giving up: about two minutes.
    static let maximumResumptions = 30

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if let after, after < 0 { throw ValidationError("--after must be a change id (0 or more)") }
    }

    func run() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var printed = 0
        try await options.withClient(defaultTimeout: nil) { client, _ in
            try await client.watchResuming(
                accountID: try await account.id(client), after: after, maximumResumptions: Self.maximumResumptions,
                resumed: { error, last in
                    FileHandle.standardError.write(Data("\(error.code): \(error.message); resuming after \(last.map(String.init) ?? "now")\n".utf8))
                }
            ) { change in
                // Written straight to the descriptor: a pipe reader sees each line at once.
                let line = options.json ? String(decoding: try encoder.encode(change), as: UTF8.self) : change.line
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                printed += 1
                return count.map { printed < $0 } ?? true
            }
        }
    }
}
