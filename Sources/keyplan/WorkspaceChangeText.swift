import Foundation
import KeyplanAPI

extension WorkspaceChange {
    /// One line for people: id, time, who (seller or customer), what, and the changed fields.
    var line: String {
        let fields = fields.map(\.field).joined(separator: ",")
        return "\(id)\t\(at.shortDescription)\t\(actor.displayName) (\(actor.kind.rawValue))\t\(visibility.rawValue)\t\(summary)"
            + (fields.isEmpty ? "" : "\t[\(fields)]")
    }
}
