import Foundation
import KeyplanWire
import Testing

/// The encoder reads array elements without moving them out of the array (it once did, bit for bit, to save the
/// retains of a copy): the array and everything it refers to must be exactly as before, whether encoding succeeded
/// or failed half-way, elements with weak references included.
@Suite("Array elements encoded in place")
struct ElementsInPlaceTests {
    final class Person: Codable, Equatable {
        var name: String

        init(name: String) { self.name = name }

        enum CodingKeys: Int, CodingKey {
            case name = 1
        }

        static func == (lhs: Person, rhs: Person) -> Bool { lhs.name == rhs.name }
    }

    struct Assignment: Codable, Equatable {
        var person: Person
        var note: String
        var due: Date

        enum CodingKeys: Int, CodingKey {
            case person = 1
            case note = 2
            case due = 3
        }
    }

    /// Holds a weak reference, whose storage is tied to its address.
    struct Watch: Codable {
        weak var watcher: Person?
        var label: String

        enum CodingKeys: Int, CodingKey {
            case watcher = 1
            case label = 2
        }
    }

    @Test("elements referring to objects leave their reference counts as they were")
    func referencesUntouched() throws {
        var person = Person(name: "Ada")
        var assignments = (0..<50).map {
            Assignment(person: person, note: "note \($0) with a string too long to be small", due: Date(timeIntervalSince1970: Double($0)))
        }
        for _ in 0..<3 {
            #expect(try roundTrip(assignments) == assignments)
        }
        #expect(assignments.map(\.note) == (0..<50).map { "note \($0) with a string too long to be small" })
        assignments = []
        // Only `person` itself holds the object now: no retain was left behind, and nothing was released early.
        #expect(isKnownUniquelyReferenced(&person))
        #expect(person.name == "Ada")
    }

    @Test("a failure in a later element leaves the array intact")
    func failureMidArray() throws {
        var person = Person(name: "Grace")
        var assignments = (0..<5).map {
            Assignment(person: person, note: "assignment \($0) of a list that fails", due: Date(timeIntervalSince1970: 0))
        }
        assignments[3].due = Date(timeIntervalSinceReferenceDate: .infinity)
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(assignments) }
        #expect(assignments.map(\.note) == (0..<5).map { "assignment \($0) of a list that fails" })
        assignments = []
        #expect(isKnownUniquelyReferenced(&person))
    }

    @Test("elements with weak references keep their references")
    func weakReferences() throws {
        let person = Person(name: "Edsger")
        let watches = (0..<4).map { Watch(watcher: person, label: "watch \($0)") }
        let bytes = try BinaryEncoder().encode(watches)
        #expect(watches.allSatisfy { $0.watcher === person })
        let decoded = try BinaryDecoder().decode([Watch].self, from: bytes)
        // The decoded watchers had no other owner, so they are gone; the labels arrived.
        #expect(decoded.map(\.label) == watches.map(\.label))
        withExtendedLifetime(person) {}
    }
}
