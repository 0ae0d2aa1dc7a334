import Foundation
import KeyplanAPI

extension AccountObjective {
    /// How people say it: "revenue growth".
    var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// A heading for an account objective; `nil` is the accounts without one.
func objectiveHeading(_ objective: AccountObjective?) -> String {
    objective.map { "objective: \($0.label)" } ?? "no objective set"
}

/// `items` under a heading per account objective — the four in the method's order, then those
/// without one — each group keeping the items' order; empty groups are left out.
func groupedByObjective<Item>(_ items: [Item], objective: (Item) -> AccountObjective?, text: ([Item]) -> String) -> String {
    let groups: [AccountObjective?] = AccountObjective.allCases.map { $0 } + [nil]
    return groups.compactMap { group in
        let members = items.filter { objective($0) == group }
        return members.isEmpty ? nil : "\(objectiveHeading(group))\n\(text(members))"
    }.joined(separator: "\n\n")
}
