public import Foundation

extension WorkspaceChange {
    /// The change's fields as people read them — "Due: 2026-12-01 → 2026-12-15", "Revenue: 120 →
    /// 140 EUR" — labelled in words, people by name, dates in `zone`; bookkeeping fields (ids,
    /// versions, who and when: the change says those itself) and fields whose value did not
    /// change are left out. The same text for every client: the CLI's history and activity, the
    /// web portal's.
    public func readableFields(in zone: TimeZone = .current) -> [String] {
        fields.flatMap { FieldWording.lines(for: $0, zone: zone) }
    }
}

/// How the journal's fields (the records' coding keys, values as text) read for people.
enum FieldWording {
    /// Keys that are bookkeeping or repeat another field in words (`ownerID` beside `ownerName`).
    static let hidden: Set<String> = [
        "id", "accountID", "version", "createdBy", "createdAt", "updatedBy", "updatedAt", "overdue", "ownerID", "responsibleUserID",
        "userID", "contactID", "templateID", "externalID", "answeredByMe", "responseCount", "isOpen", "author", "subject", "roundID",
        "respondentID", "submittedAt",
    ]

    static let labels: [String: String] = [
        "title": "Title", "description": "Description", "department": "Department", "status": "Status", "kind": "Kind",
        "targetDate": "Target date", "parentID": "Under goal", "dueOn": "Due", "ownerName": "Owner", "horizon": "Horizon",
        "goalID": "Serves goal", "shared": "Shared with the customer", "completedAt": "Completed", "activity": "Activity",
        "position": "Position", "responsibleUserName": "Responsible", "responsible": "Responsible", "side": "Side", "heldOn": "Held on",
        "attendees": "Attendees", "guests": "Guests", "decisions": "Decisions", "notes": "Notes", "nextReviewOn": "Next review",
        "fullName": "Name", "email": "Email", "reportsTo": "Reports to", "decisionRole": "Role in the decision", "influence": "Influence",
        "attitude": "Attitude", "concerns": "Concerns", "strength": "Strength", "note": "Note", "userName": "Team member",
        "period": "Period", "templateName": "Scorecard", "scale": "Scale", "closesAt": "Closes", "closedAt": "Closed",
        "openedBy": "Opened by", "openedAt": "Opened", "body": "Comment", "mentions": "Mentions", "comment": "Comment",
        "solution": "Solution", "respondentName": "Respondent",
    ]

    static func lines(for change: FieldChange, zone: TimeZone) -> [String] {
        if hidden.contains(change.field) { return [] }
        if change.field == "metrics" { return metricLines(change) }
        let label: String
        if change.field.hasPrefix("score: ") {
            label = "Score for \(change.field.dropFirst("score: ".count))"
        } else {
            label = labels[change.field] ?? words(change.field)
        }
        let before = change.before.map { value($0, zone: zone) }, after = change.after.map { value($0, zone: zone) }
        guard before != after else { return [] }
        switch (before, after) {
        case (nil, let new?): return ["\(label): \(new)"]
        case (let old?, nil): return ["\(label): \(old) → (none)"]
        case (let old?, let new?): return ["\(label): \(old) → \(new)"]
        case (nil, nil): return []
        }
    }

    /// A field's value in words: people by name, dates in the zone, lists joined, ids shortened.
    static func value(_ text: String, zone: TimeZone) -> String {
        if text == "true" { return "yes" }
        if text == "false" { return "no" }
        if let id = UUID(uuidString: text) { return id.short }
        if text.count >= 20, let date = try? Date(text, strategy: .iso8601) { return local(date, zone) }
        if let data = text.data(using: .utf8), text.hasPrefix("[") || text.hasPrefix("{"),
            let json = try? JSONSerialization.jsonObject(with: data)
        {
            return described(json)
        }
        if text.contains("_"), text.allSatisfy({ $0.isLowercase || $0 == "_" }) { return text.replacingOccurrences(of: "_", with: " ") }
        return text
    }

    private static func described(_ json: Any) -> String {
        switch json {
        case let list as [Any]: return list.isEmpty ? "(none)" : list.map(described).joined(separator: ", ")
        case let object as [String: Any]:
            if let name = object["displayName"] as? String { return name }
            if let minimum = object["minimum"], let maximum = object["maximum"] { return "\(minimum)–\(maximum)" }
            return object.keys.sorted().map { "\($0): \(described(object[$0] ?? ""))" }.joined(separator: ", ")
        default: return "\(json)"
        }
    }

    /// One line per metric that came, went or changed: "Revenue: 120 → 140 EUR" for its current
    /// value, "Revenue target: 200 → 250 EUR" for the others.
    static func metricLines(_ change: FieldChange) -> [String] {
        let before = metrics(change.before), after = metrics(change.after)
        var lines: [String] = []
        for metric in after where !before.contains(where: { $0.name.lowercased() == metric.name.lowercased() }) {
            lines.append("Metric \(metric.name) added" + summary(metric))
        }
        for metric in before where !after.contains(where: { $0.name.lowercased() == metric.name.lowercased() }) {
            lines.append("Metric \(metric.name) removed")
        }
        for new in after {
            guard let old = before.first(where: { $0.name.lowercased() == new.name.lowercased() }) else { continue }
            let unit = new.unit.isEmpty ? "" : " \(new.unit)"
            if old.name != new.name { lines.append("Metric \(old.name) renamed \(new.name)") }
            if old.current != new.current { lines.append("\(new.name): \(number(old.current)) → \(number(new.current))\(unit)") }
            if old.target != new.target { lines.append("\(new.name) target: \(number(old.target)) → \(number(new.target))\(unit)") }
            if old.baseline != new.baseline { lines.append("\(new.name) baseline: \(number(old.baseline)) → \(number(new.baseline))\(unit)") }
            if old.unit != new.unit {
                lines.append("\(new.name) unit: \(old.unit.isEmpty ? "(none)" : old.unit) → \(new.unit.isEmpty ? "(none)" : new.unit)")
            }
        }
        return lines
    }

    private static func metrics(_ text: String?) -> [GoalMetric] {
        guard let text, let data = text.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([GoalMetric].self, from: data)) ?? []
    }

    private static func summary(_ metric: GoalMetric) -> String {
        let unit = metric.unit.isEmpty ? "" : " \(metric.unit)"
        let parts = [("baseline", metric.baseline), ("target", metric.target), ("current", metric.current)].compactMap { name, value in
            value.map { "\(name) \($0)\(unit)" }
        }
        return parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")
    }

    private static func number(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "(none)" }

    /// "dueOn" → "Due on".
    static func words(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase, !result.isEmpty { result += " " + character.lowercased() } else { result.append(character) }
        }
        return result.prefix(1).uppercased() + result.dropFirst()
    }

    static func local(_ date: Date, _ zone: TimeZone) -> String { date.localDescription(in: zone) }
}

extension UUID {
    /// The first eight hex digits, as people type and read ids (git-style); the CLI accepts any
    /// unambiguous prefix back wherever a record is named.
    public var short: String { String(uuidString.lowercased().prefix(8)) }
}

extension Date {
    /// The time in `zone` (by default the user's: $TZ, else the system's), to the minute:
    /// "2026-12-07 09:14 CET".
    public func localDescription(in zone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: self)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)) \(zone.label(at: self))"
    }
}

extension TimeZone {
    /// The zone as people read it after a time: its abbreviation where it has a proper one
    /// ("CET", "EST"), else its offset ("+09:00"; Foundation on Linux names most zones "GMT+9"),
    /// "UTC" for no offset.
    func label(at date: Date) -> String {
        if let abbreviation = abbreviation(for: date), !abbreviation.hasPrefix("GMT"), abbreviation.allSatisfy(\.isLetter) { return abbreviation }
        let seconds = secondsFromGMT(for: date)
        guard seconds != 0 else { return "UTC" }
        let minutes = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}
