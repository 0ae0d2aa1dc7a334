import Foundation
import KeyplanWire

// Message types shared by the codec tests and the golden vectors. Types that travel declare `Int` coding keys
// (field numbers); a few keep synthesized string keys to exercise named fields.

@WireMessage
struct Point: Codable, Equatable {
    var x: Int
    var y: Int

    enum CodingKeys: Int, CodingKey {
        case x = 1
        case y = 2
    }
}

/// Keys without `intValue`: encoded as named fields.
struct NamedPoint: Codable, Equatable {
    var id: Int
}

@WireMessage
struct Contact: Codable, Equatable {
    var name: String
    var email: String?
    var point: Point

    enum CodingKeys: Int, CodingKey {
        case name = 1
        case email = 2
        case point = 3
    }
}

enum Status: String, Codable, Equatable, CaseIterable {
    case planned
    case active
    case done
}

enum Priority: Int, Codable, Equatable, CaseIterable {
    case low = 1
    case high = 2
}

/// An enum with associated values, coded by Swift's synthesized conformance.
enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rectangle(Double, Double)
    case labelled(String, point: Point?)
    case empty
}

struct Empty: Codable, Equatable {}

struct Revenue: Codable, Equatable {
    var amount: Money
    var bookedAt: Date

    enum CodingKeys: Int, CodingKey {
        case amount = 1
        case bookedAt = 2
    }
}

/// A base class whose subclass encodes it through `superEncoder()`.
class Base: Codable {
    var id: Int

    init(id: Int) { self.id = id }

    enum CodingKeys: Int, CodingKey {
        case id = 1
    }
}

final class Derived: Base, Equatable {
    var extra: String

    init(id: Int, extra: String) {
        self.extra = extra
        super.init(id: id)
    }

    enum DerivedKeys: Int, CodingKey {
        case extra = 1
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DerivedKeys.self)
        self.extra = try container.decode(String.self, forKey: .extra)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DerivedKeys.self)
        try container.encode(self.extra, forKey: .extra)
        try super.encode(to: container.superEncoder())
    }

    static func == (lhs: Derived, rhs: Derived) -> Bool {
        lhs.id == rhs.id && lhs.extra == rhs.extra
    }
}

/// A hand-written type that uses nested containers and an unkeyed container with explicit nils.
struct Matrix: Codable, Equatable {
    var title: String
    var rows: [[Int?]]

    enum CodingKeys: Int, CodingKey {
        case title = 1
        case meta = 2
        case rows = 3
    }

    enum MetaKeys: Int, CodingKey {
        case title = 1
    }

    init(title: String, rows: [[Int?]]) {
        self.title = title
        self.rows = rows
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let meta = try container.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta)
        self.title = try meta.decode(String.self, forKey: .title)
        var rowsContainer = try container.nestedUnkeyedContainer(forKey: .rows)
        var rows: [[Int?]] = []
        while !rowsContainer.isAtEnd {
            var row = try rowsContainer.nestedUnkeyedContainer()
            var cells: [Int?] = []
            while !row.isAtEnd {
                if try row.decodeNil() {
                    cells.append(nil)
                } else {
                    cells.append(try row.decode(Int.self))
                }
            }
            rows.append(cells)
        }
        self.rows = rows
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var meta = container.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta)
        try meta.encode(self.title, forKey: .title)
        var rowsContainer = container.nestedUnkeyedContainer(forKey: .rows)
        for row in self.rows {
            var cells = rowsContainer.nestedUnkeyedContainer()
            for cell in row {
                if let cell {
                    try cells.encode(Optional(cell))
                } else {
                    try cells.encodeNil()
                }
            }
        }
    }
}

/// A recursive type, for the nesting limit.
final class TreeNode: Codable, Equatable {
    var value: Int
    var child: TreeNode?

    init(value: Int, child: TreeNode? = nil) {
        self.value = value
        self.child = child
    }

    enum CodingKeys: Int, CodingKey {
        case value = 1
        case child = 2
    }

    static func == (lhs: TreeNode, rhs: TreeNode) -> Bool {
        lhs.value == rhs.value && lhs.child == rhs.child
    }

    /// A chain of `depth` nodes.
    static func chain(depth: Int) -> TreeNode {
        var node = TreeNode(value: depth)
        for level in stride(from: depth - 1, through: 1, by: -1) {
            node = TreeNode(value: level, child: node)
        }
        return node
    }
}
