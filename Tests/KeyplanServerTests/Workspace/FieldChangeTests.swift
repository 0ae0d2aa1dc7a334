import Foundation
import KeyplanAPI
import Testing

@testable import KeyplanServer

@Suite("Journal field changes")
struct FieldChangeTests {
    func goal(title: String, metrics: [GoalMetric], targetDate: CalendarDate?, parent: UUID?) -> GoalView {
        let actor = WorkspaceChange.Actor(userID: UUID(), kind: .customer, displayName: "Zoë \"the buyer\" / Ops", email: "zoe@buyer.example")
        return GoalView(
            id: UUID(), accountID: UUID(), kind: .initiative, parentID: parent, title: title, description: "line one\nline two ✓",
            department: "", status: .dropped, targetDate: targetDate, metrics: metrics,
            solutions: [LinkedSolution(solution: "Analytics", note: "a/b", linkedBy: actor, linkedAt: Date(timeIntervalSince1970: 1_796_000_000))],
            version: 7, createdBy: actor, createdAt: Date(timeIntervalSince1970: 1_700_000_000.5), updatedBy: actor, updatedAt: Date())
    }

    /// Fields are rendered where the record encodes them; the text is what the JSON round trip
    /// (the former way, still the fallback) gives: strings as themselves, dates ISO 8601, lists as
    /// JSON with sorted keys, nil left out.
    @Test func fieldsRenderAsTheirJSONValues() throws {
        let records = [
            goal(
                title: "Grow EMEA",
                metrics: [GoalMetric(name: "Revenue", unit: "EUR", baseline: 100, target: Decimal(string: "200.5"), current: nil)],
                targetDate: CalendarDate("2027-03-31"), parent: UUID()),
            goal(title: "", metrics: [], targetDate: nil, parent: nil),
        ]
        for record in records {
            let fast = FieldText.fields(of: record, except: [])
            let parsed = FieldText.parsedFields(of: record, except: [])
            #expect(fast == parsed)
            #expect(fast["title"] == record.title && fast["kind"] == "initiative" && fast["status"] == "dropped")
        }
        let before = records[0]
        var after = before
        after.title = "Grow EMEA by 20%"
        after.targetDate = nil
        after.version += 1
        let changes = FieldChange.diff(before: before, after: after)
        #expect(changes.map(\.field) == ["targetDate", "title"])
        #expect(changes.first == FieldChange(field: "targetDate", before: "2027-03-31", after: nil))
    }
}
