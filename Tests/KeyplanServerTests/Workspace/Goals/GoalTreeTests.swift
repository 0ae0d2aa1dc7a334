import Foundation
import KeyplanAPI
import Testing

@Suite("Goal tree")
struct GoalTreeTests {
    static let someone = WorkspaceChange.Actor(userID: UUID(), kind: .seller, displayName: "Sam", email: "sam@acme.example")

    static func record(_ title: String, _ kind: GoalKind, under parent: GoalView? = nil, department: String = "") -> GoalView {
        GoalView(
            id: UUID(), accountID: UUID(), kind: kind, parentID: parent?.id, title: title, description: "", department: department,
            status: .active, targetDate: nil, metrics: [], solutions: [], version: 1, createdBy: someone, createdAt: Date(timeIntervalSince1970: 0),
            updatedBy: someone, updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func arrangesObjectivesAndInitiativesUnderTheirGoals() {
        let growth = Self.record("Grow EMEA", .goal)
        let costs = Self.record("Cut costs", .goal)
        let share = Self.record("20% share", .objective, under: growth)
        let crm = Self.record("New CRM", .initiative, under: growth, department: "Sales")
        let cloud = Self.record("Cloud move", .initiative, department: "IT")
        let automation = Self.record("Automate billing", .initiative, under: costs, department: "Finance")
        let tree = GoalTree(arranging: [growth, share, costs, crm, cloud, automation])
        #expect(tree.nodes.map(\.goal.title) == ["Grow EMEA", "Cut costs", "Cloud move"])
        #expect(tree.nodes[0].children.map(\.title) == ["20% share", "New CRM"])
        #expect(tree.nodes[1].children.map(\.title) == ["Automate billing"])
        #expect(tree.all.map(\.title) == ["Grow EMEA", "20% share", "New CRM", "Cut costs", "Automate billing", "Cloud move"])
        #expect(tree.initiativesByDepartment.map(\.department) == ["Finance", "IT", "Sales"])
        #expect(tree.initiativesByDepartment.map { $0.initiatives.map(\.title) } == [["Automate billing"], ["Cloud move"], ["New CRM"]])
    }

    @Test func dropsNothingWhateverTheParents() {
        let goal = Self.record("Goal", .goal)
        let objective = Self.record("Objective", .objective, under: goal)
        let nested = Self.record("Nested", .initiative, under: objective)
        var orphan = Self.record("Orphan", .initiative)
        orphan.parentID = UUID()
        var selfParent = Self.record("Self", .objective)
        selfParent.parentID = selfParent.id
        let tree = GoalTree(arranging: [goal, objective, nested, orphan, selfParent])
        #expect(tree.nodes.map(\.goal.title) == ["Goal", "Nested", "Orphan", "Self"])
        #expect(tree.nodes[0].children.map(\.title) == ["Objective"])
        #expect(tree.all.count == 5)
        #expect(GoalTree(arranging: []).nodes.isEmpty)
    }
}
