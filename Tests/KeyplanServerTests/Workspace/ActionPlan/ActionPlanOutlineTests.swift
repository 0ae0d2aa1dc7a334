import Foundation
import KeyplanAPI
import Testing

@Suite("Action plan outline and calendar dates")
struct ActionPlanOutlineTests {
    @Test func datesParseOnlyDaysThatExist() throws {
        #expect(CalendarDate("2028-02-29")?.description == "2028-02-29")
        for text in [
            "2026-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-4-01", "26-04-01", "2026-04-01T00:00", "", "abcd-ef-gh", "0000-01-01",
            "+026-01-01",
        ] {
            #expect(CalendarDate(text) == nil, "\(text)")
        }
        #expect(try calendarDate("2000-02-29") < calendarDate("2000-03-01") && calendarDate("1999-12-31") < calendarDate("2000-01-01"))
        let encoded = try JSONEncoder().encode([try calendarDate("0042-07-04")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["0042-07-04"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }

    @Test func thePlanReadsByHorizonWithOverdueActionsMarked() throws {
        let owner = UUID()
        let person = WorkspaceChange.Actor(userID: owner, kind: .seller, displayName: "Ann", email: "ann@acme.example")
        func action(
            _ number: Int, _ title: String, _ horizon: ActionHorizon, due: String?, status: ActionStatus = .open, overdue: Bool = false,
            shared: Bool = true
        ) throws -> PlanAction {
            PlanAction(
                id: try #require(UUID(uuidString: "00000000-0000-0000-0000-00000000000\(number)")), accountID: UUID(), title: title, description: "",
                ownerID: shared ? owner : nil, ownerName: shared ? "Ann" : nil, dueOn: try due.map(calendarDate), status: status, horizon: horizon,
                goalID: nil, shared: shared, completedAt: nil, overdue: overdue, version: 1, createdBy: person, createdAt: Date(), updatedBy: person,
                updatedAt: Date())
        }
        let plan = [
            try action(7, "Kickoff", .near, due: "2026-01-15", status: .inProgress, overdue: true),
            try action(5, "Pilot", .near, due: nil, shared: false),
            try action(8, "Platform", .long, due: "2028-06-30"),
        ]
        #expect(
            ActionPlanOutline.render(plan) == """
                Near term (next 3–6 months): 2 actions, 1 overdue
                  2026-01-15  in progress  Kickoff — Ann (mutual)  OVERDUE  [00000000 v1]
                  no date     open         Pilot — unassigned (internal)  [00000000 v1]

                Long term (12–36 months): 1 action
                  2028-06-30  open         Platform — Ann (mutual)  [00000000 v1]
                """)
        #expect(ActionPlanOutline.render([]) == "No actions.")
    }
}
