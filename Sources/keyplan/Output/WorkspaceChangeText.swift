import Foundation
import KeyplanAPI

extension WorkspaceChange {
    /// The change for people: a heading — when (local time), who, what, and whether the customer
    /// sees it — and below it each changed field in words ("Due: 2026-12-01 → 2026-12-15").
    var text: String {
        let heading = "\(at.localDescription)  \(actor.labelWithSide)  \(summary)\(visibility == .internal ? "  (internal)" : "")  #\(id)"
        return ([heading] + readableFields().map { "    \($0)" }).joined(separator: "\n")
    }

    /// One line, for a live stream: the heading and the fields, separated by "; ".
    var line: String {
        let fields = readableFields()
        return "\(at.localDescription)  \(actor.labelWithSide)  \(summary)" + (fields.isEmpty ? "" : ": " + fields.joined(separator: "; "))
            + "  #\(id)"
    }
}
