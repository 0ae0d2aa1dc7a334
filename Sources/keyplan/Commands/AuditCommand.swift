import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan audit`: the tenant's audit log, newest first (admins).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Page through the audit log (admins).",
        discussion: """
            Each entry: when (your time zone), who, the call, its outcome, and from where.

            Examples:
              keyplan audit --limit 20
              keyplan audit --method keyplan.Auth/SignIn --before 1200
            """)

    @Option(help: "Entries older than this cursor (a previous page's next cursor).") var before: Int64?
    @Option(help: "At most this many entries (1–500).") var limit: Int32 = 50
    @Option(help: "Only this method, e.g. keyplan.Auth/SignIn.") var method: String?
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let page = try await options.withClient { client, _ in
            try await client.listAudit(ListAuditRequest(before: before, limit: limit, method: method))
        }
        try options.print(page) {
            page.entries.map { entry in
                let who = entry.user?.labelWithSide ?? entry.userID.map { "user \($0.short)" } ?? "anonymous"
                return "\(entry.at.localDescription)\t\(who)\t\(entry.method)\t\(entry.code)\t\(entry.clientAddress ?? "-")\t#\(entry.id)"
            }.joined(separator: "\n") + (page.nextCursor.map { "\nnext: --before \($0)" } ?? "")
        }
    }
}
