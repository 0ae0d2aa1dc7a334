import Foundation
public import KeyplanWire

/// An account's goals arranged as the customer's plan reads: each goal with the objectives and
/// initiatives under it; objectives and initiatives under no goal stand as roots of their own.
@WireMessage
public struct GoalTree: Codable, Hashable, Sendable {
    @WireMessage
    public struct Node: Codable, Hashable, Sendable {
        public var goal: GoalView
        /// The objectives and initiatives under `goal`, in the order given.
        public var children: [GoalView]

        public init(goal: GoalView, children: [GoalView] = []) {
            self.goal = goal
            self.children = children
        }

        enum CodingKeys: Int, CodingKey { case goal = 1, children = 2 }
    }

    public var nodes: [Node]

    public init(nodes: [Node]) { self.nodes = nodes }

    /// Arranges `goals` (in the order given) by their parents, one level deep as the server
    /// keeps them. A record whose parent is missing, or is itself under a goal, stands as a
    /// root, so nothing is ever dropped.
    public init(arranging goals: [GoalView]) {
        let ids = Set(goals.map(\.id))
        let topLevel = Set(goals.filter { goal in goal.parentID.map { $0 == goal.id || !ids.contains($0) } ?? true }.map(\.id))
        var children: [UUID: [GoalView]] = [:]
        var roots: [GoalView] = []
        for goal in goals {
            if let parent = goal.parentID, parent != goal.id, topLevel.contains(parent) {
                children[parent, default: []].append(goal)
            } else {
                roots.append(goal)
            }
        }
        self.nodes = roots.map { Node(goal: $0, children: children[$0.id] ?? []) }
    }

    /// Every record, each root followed by its children.
    public var all: [GoalView] { nodes.flatMap { [$0.goal] + $0.children } }

    /// The initiatives grouped by department (sorted; "" for none), each in tree order.
    public var initiativesByDepartment: [(department: String, initiatives: [GoalView])] {
        let groups = Dictionary(grouping: all.filter { $0.kind == .initiative }, by: \.department)
        return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }

    enum CodingKeys: Int, CodingKey { case nodes = 1 }
}
