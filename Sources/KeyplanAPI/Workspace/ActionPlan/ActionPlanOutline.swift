import Foundation

/// The action plan as people read it: one section per horizon (near term first), each action on
/// a line with its due date, status, title, owner, whether the customer sees it, and `OVERDUE`
/// when it is past due and still pending. The actions keep the order they come in.
public enum ActionPlanOutline {
    public static func render(_ actions: [PlanAction]) -> String {
        guard !actions.isEmpty else { return "No actions." }
        var lines: [String] = []
        for horizon in ActionHorizon.allCases {
            let section = actions.filter { $0.horizon == horizon }
            guard !section.isEmpty else { continue }
            let overdue = section.filter(\.overdue).count
            if !lines.isEmpty { lines.append("") }
            lines.append("\(horizon.title): \(section.count) action\(section.count == 1 ? "" : "s")" + (overdue > 0 ? ", \(overdue) overdue" : ""))
            lines += section.map(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `  2026-03-31  in progress  Run the pilot — Ann (mutual)  OVERDUE  [1f3a9c2e v3]`: the id's
    /// first eight digits, which commands take back, and the version a change names.
    static func line(_ action: PlanAction) -> String {
        let due = action.dueOn?.description ?? "no date   "
        let status = action.status.rawValue.replacingOccurrences(of: "_", with: " ")
        let padding = String(repeating: " ", count: max(0, 11 - status.count))
        let owner = action.ownerName ?? "unassigned"
        return "  \(due)  \(status)\(padding)  \(action.title) — \(owner)" + (action.shared ? " (mutual)" : " (internal)")
            + (action.overdue ? "  OVERDUE" : "") + "  [\(action.id.short) v\(action.version)]"
    }
}
