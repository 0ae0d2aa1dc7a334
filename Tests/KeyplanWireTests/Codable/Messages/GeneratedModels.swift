import Foundation
import KeyplanWire

// Messages with generated coding (`@WireMessage`), nesting each other and `Codable`-only types both ways.

@WireMessage
struct Roadmap: Codable, Equatable {
    var id: UUID
    var title: String
    var summary: String?
    var budget: Money
    var dueAt: Date
    var status: Status
    var priority: Priority?
    var score: Double
    var weight: Float
    var count: Int32
    var flags: [Bool]
    var attachment: Data
    var exact: Decimal?
    /// `Codable`-only children inside a generated message.
    var points: [Point]
    var owner: Milestone?
    var milestones: [Milestone]
    var byName: [String: Int]
    var shape: Shape?
    var sample: Sample?
    var children: [Roadmap]
    /// Not coded: keeps its default.
    var cached: Int = 0
    var isEmpty: Bool { self.milestones.isEmpty }

    enum CodingKeys: Int, CodingKey {
        case id = 1, title = 2, summary = 3, budget = 4, dueAt = 5, status = 6, priority = 7, score = 8, weight = 9
        case count = 10, flags = 11, attachment = 12, exact = 13
        case points = 20, owner = 21, milestones = 22, byName = 23, shape = 24, sample = 25
        case children = 1000
    }

    static func == (lhs: Roadmap, rhs: Roadmap) -> Bool {
        // Floating point by bit pattern; Decimal by description, as its NaN is unequal to itself.
        let exactMatches = lhs.exact.map { "\($0)" } == rhs.exact.map { "\($0)" }
        return lhs.id == rhs.id && lhs.title == rhs.title && lhs.summary == rhs.summary && lhs.budget == rhs.budget
            && lhs.dueAt == rhs.dueAt && lhs.status == rhs.status && lhs.priority == rhs.priority
            && lhs.score.bitPattern == rhs.score.bitPattern && lhs.weight.bitPattern == rhs.weight.bitPattern
            && lhs.count == rhs.count && lhs.flags == rhs.flags && lhs.attachment == rhs.attachment && exactMatches
            && lhs.points == rhs.points && lhs.owner == rhs.owner && lhs.milestones == rhs.milestones
            && lhs.byName == rhs.byName && lhs.shape == rhs.shape && lhs.sample == rhs.sample && lhs.children == rhs.children
    }
}

@WireMessage
struct Milestone: Codable, Equatable {
    let name: String
    var `default`: Bool
    var contact: Contact?

    enum CodingKeys: Int, CodingKey {
        case name = 1, `default` = 2, contact = 3
    }
}

/// The first version of a generated message, and a later one with added fields of every wire type.
@WireMessage
struct RoadmapV1: Codable, Equatable {
    var id: Int
    var title: String

    enum CodingKeys: Int, CodingKey { case id = 1, title = 2 }
}

@WireMessage
struct RoadmapV2: Codable, Equatable {
    var id: Int
    var title: String
    var owner: Milestone?
    var tags: [String]?
    var score: Double?
    var weight: Float?
    var budget: Money?
    var steps: [Milestone]?

    enum CodingKeys: Int, CodingKey {
        case id = 1, title = 2, owner = 3, tags = 4, score = 5, weight = 6, steps = 7
        case budget = 500
    }
}

extension SeededGenerator {
    mutating func roadmap(depth: Int = 2) -> Roadmap {
        Roadmap(
            id: self.uuid(),
            title: self.string(),
            summary: self.optional { $0.string() },
            budget: self.money(),
            dueAt: self.date(),
            status: Status.allCases.randomElement(using: &self)!,
            priority: self.optional { Priority.allCases.randomElement(using: &$0)! },
            score: self.double(),
            weight: self.float(),
            count: self.integer(),
            flags: self.array { Bool.random(using: &$0) },
            attachment: self.data(),
            exact: self.optional { $0.decimal() },
            points: self.array { $0.point() },
            owner: self.optional { $0.milestone() },
            milestones: self.array { $0.milestone() },
            byName: Dictionary(self.array { ($0.string(), $0.integer(Int.self)) }, uniquingKeysWith: { first, _ in first }),
            shape: self.optional { $0.shape() },
            sample: Int.random(in: 0..<4, using: &self) == 0 ? Sample.random(using: &self, depth: 0) : nil,
            children: depth == 0 ? [] : self.array(maxCount: 2) { $0.roadmap(depth: depth - 1) }
        )
    }

    mutating func milestone() -> Milestone {
        Milestone(name: self.string(), default: Bool.random(using: &self), contact: self.optional { $0.contact() })
    }
}

/// Optionals the macro cannot see as such: a type alias, and a generic parameter.
typealias MaybeNote = String?

@WireMessage
struct Annotated<Extra: Codable & Equatable>: Codable, Equatable {
    var id: Int
    var note: MaybeNote
    var qualified: Swift.Optional<Int>
    var extra: Extra

    enum CodingKeys: Int, CodingKey { case id = 1, note = 2, qualified = 3, extra = 4 }
}
