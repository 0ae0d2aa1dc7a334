import ArgumentParser
import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan watch`: prints an account's changes as they happen, one per line (JSON lines with
/// `--json`), until interrupted or `--count` changes were printed. When the server ends the
/// stream because the client fell behind or is going away, it resumes after the last change
/// printed, so nothing is missed.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Print an account's changes live, until interrupted.")

    @Option(help: "The account's id.") var account: UUID
    @Option(help: "First replay the changes after this change id (0: all).") var after: Int64?
    @Option(help: "Stop after this many changes.") var count: Int?
    @OptionGroup var options: GlobalOptions

    /// Resumptions after the server ended the stream, before giving up.
    static let maximumResumptions = 10

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be 1 or more") }
        if let after, after < 0 { throw ValidationError("--after must be a change id (0 or more)") }
    }

    func run() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var printed = 0
        var last = after
        var resumptions = 0
        try await options.withClient { client, _ in
            while true {
                do {
                    try await client.watch(accountID: account, after: last) { changes in
                        for try await change in changes {
                            // Written straight to the descriptor: a pipe reader sees each line at once.
                            let line = options.json ? String(decoding: try encoder.encode(change), as: UTF8.self) : change.line
                            FileHandle.standardOutput.write(Data((line + "\n").utf8))
                            last = change.id
                            printed += 1
                            if let count, printed >= count { return }
                        }
                    }
                    return
                } catch let error as RPCError where [.resourceExhausted, .unavailable].contains(error.code) && resumptions < Self.maximumResumptions {
                    resumptions += 1
                    FileHandle.standardError.write(Data("\(error.code): \(error.message); resuming after \(last.map(String.init) ?? "now")\n".utf8))
                    try await Task.sleep(for: .milliseconds(200 * resumptions))
                }
            }
        }
    }
}
