import Foundation
import KeyplanAPI

extension Date {
    /// The time in the user's time zone ($TZ, else the system's), to the minute: "2026-12-07 09:14 CET".
    var localDescription: String { localDescription(in: .current) }
}

extension WorkspaceChange.Actor {
    /// "Dana Diaz <dana@globex.example>, customer".
    var labelWithSide: String { "\(label), \(kind == .customer ? "customer" : "seller")" }
}

/// Who changed a record last and when, for people: "Dana Diaz <dana@…>, customer, at 2026-12-07 09:14 CET".
func lastChangeText(by person: WorkspaceChange.Actor?, at date: Date) -> String {
    (person.map { "\($0.labelWithSide), " } ?? "") + "at \(date.localDescription)"
}
