import KeyplanWire

extension APICatalogue {
    /// What would break a peer built against `released` if it talked to a server of this catalogue — the rules of
    /// `buf breaking`'s WIRE_JSON category, applied to Keyplan's encoding (encoding.md §8):
    ///
    /// - a removed service or method, a changed call kind;
    /// - in every message a method's request or response reaches (compared by structure, so renaming a message type
    ///   is free): a removed field, a field whose number now names another field or whose name changed (the HTTP
    ///   gateway's JSON uses names), a changed type, a field of a request that became required (older clients omit
    ///   it) or a field of a response that became optional (older clients require it), a new required field in a
    ///   request;
    /// - a removed enum case, or a case whose raw value changed.
    ///
    /// Adding services, methods, Optional fields, messages and enum cases is free. (An added enum case is still
    /// refused by an older peer's decoder, encoding.md §8 rule 6: ``compatibilityNotes(since:)`` lists those.)
    public func breakingChanges(since released: APICatalogue) -> [String] {
        var comparison = Comparison(old: released, new: self)
        comparison.compareMethods()
        return comparison.problems
    }

    /// Enum cases added since `released` in types a response reaches: older clients cannot decode them.
    public func compatibilityNotes(since released: APICatalogue) -> [String] {
        var comparison = Comparison(old: released, new: self)
        comparison.compareMethods()
        return comparison.notes
    }
}

/// One comparison of two catalogues, walking the old catalogue's methods and the types they reach.
private struct Comparison {
    /// Which way a message travels: what may change compatibly differs.
    struct Direction: OptionSet, Hashable {
        let rawValue: Int
        static let request = Direction(rawValue: 1)
        static let response = Direction(rawValue: 2)
    }

    let old: APICatalogue
    let new: APICatalogue
    var problems: [String] = []
    var notes: [String] = []
    private var visited: Set<String> = []

    init(old: APICatalogue, new: APICatalogue) {
        self.old = old
        self.new = new
    }

    mutating func compareMethods() {
        let newServices = Dictionary(uniqueKeysWithValues: new.services.map { ($0.name, $0) })
        for service in old.services {
            guard let newService = newServices[service.name] else {
                problems.append("service \(service.name) was removed")
                continue
            }
            for method in service.methods {
                let name = "\(service.name)/\(method.name)"
                guard let newMethod = newService.methods.first(where: { $0.name == method.name }) else {
                    problems.append("method \(name) was removed")
                    continue
                }
                if newMethod.kind != method.kind {
                    problems.append("method \(name) changed its call kind from \(method.kind) to \(newMethod.kind)")
                }
                compare(method.request, newMethod.request, at: "\(name) request", .request)
                compare(method.response, newMethod.response, at: "\(name) response", .response)
            }
        }
    }

    /// Compares two type expressions reached at `path`.
    private mutating func compare(_ old: String, _ new: String, at path: String, _ direction: Direction) {
        let key = "\(old)|\(new)|\(direction.rawValue)"
        guard visited.insert(key).inserted else { return }
        switch (TypeExpression(old), TypeExpression(new)) {
        case (.optional(let oldWrapped), .optional(let newWrapped)), (.sequence(let oldWrapped), .sequence(let newWrapped)):
            compare(oldWrapped, newWrapped, at: path, direction)
        case (.dictionary(let oldKey, let oldValue), .dictionary(let newKey, let newValue)):
            compare(oldKey, newKey, at: "\(path) (key)", direction)
            compare(oldValue, newValue, at: "\(path) (value)", direction)
        case (.named(let oldName), .named(let newName)):
            compareNamed(oldName, newName, at: path, direction)
        default:
            problems.append("\(path): type changed from \(old) to \(new)")
        }
    }

    private mutating func compareNamed(_ oldName: String, _ newName: String, at path: String, _ direction: Direction) {
        if let oldMessage = old.messages[oldName] {
            guard let newMessage = new.messages[newName] else {
                problems.append("\(path): type changed from message \(oldName) to \(newName)")
                return
            }
            compareMessages(oldMessage, newMessage, at: path, direction)
        } else if let oldEnum = old.enums[oldName] {
            guard let newEnum = new.enums[newName] else {
                problems.append("\(path): type changed from enum \(oldName) to \(newName)")
                return
            }
            compareEnums(oldEnum, newEnum, named: newName, at: path, direction)
        } else if oldName != newName, !Self.sameEncoding(oldName, newName) {
            problems.append("\(path): type changed from \(oldName) to \(newName)")
        }
    }

    private mutating func compareMessages(_ old: WireSchema.Message, _ new: WireSchema.Message, at path: String, _ direction: Direction) {
        // A hand-made encoding is described in words, which may be reworded; only a change of kind is visible here.
        if (old.customEncoding == nil) != (new.customEncoding == nil) {
            problems.append("\(path): changed between a message of this encoding and a hand-made one")
            return
        }
        let oldFields = Dictionary(uniqueKeysWithValues: (old.fields ?? []).map { ($0.number, $0) })
        let newFields = Dictionary(uniqueKeysWithValues: (new.fields ?? []).map { ($0.number, $0) })
        for (number, field) in oldFields.sorted(by: { $0.key < $1.key }) {
            let place = "\(path).\(field.name) (field \(number))"
            guard let newField = newFields[number] else {
                problems.append("\(place) was removed; keep it, or reserve its number and name")
                continue
            }
            if newField.name != field.name {
                problems.append("\(place) was renamed to \(newField.name) (JSON clients name fields)")
            }
            if direction.contains(.request), field.optional, !newField.optional {
                problems.append("\(place) became required, which older clients may not send")
            }
            if direction.contains(.response), !field.optional, newField.optional {
                problems.append("\(place) became optional, which older clients require")
            }
            compare(field.type, newField.type, at: place, direction)
        }
        if direction.contains(.request) {
            for (number, field) in newFields.sorted(by: { $0.key < $1.key }) where oldFields[number] == nil && !field.optional {
                problems.append("\(path).\(field.name) (field \(number)) is new and required, which older clients do not send")
            }
        }
    }

    private mutating func compareEnums(
        _ old: WireSchema.Enumeration, _ new: WireSchema.Enumeration, named name: String, at path: String, _ direction: Direction
    ) {
        if old.rawType != new.rawType, !Self.sameEncoding(old.rawType, new.rawType) {
            problems.append("\(path): enum \(name)'s values changed from \(old.rawType) to \(new.rawType)")
        }
        let newValues = Dictionary(new.cases.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        for oldCase in old.cases {
            guard let value = newValues[oldCase.name] else {
                problems.append("\(path): enum \(name) lost its case \(oldCase.name)")
                continue
            }
            if value != oldCase.value {
                problems.append("\(path): enum \(name)'s case \(oldCase.name) changed its value from \(oldCase.value) to \(value)")
            }
        }
        if direction.contains(.response) {
            let oldNames = Set(old.cases.map(\.name))
            for added in new.cases where !oldNames.contains(added.name) {
                notes.append("\(path): enum \(name) gained the case \(added.name), which older clients cannot decode")
            }
        }
    }

    /// Scalars that write the same bytes for every value both can hold (zigzag varints; plain varints).
    private static func sameEncoding(_ a: String, _ b: String) -> Bool {
        let groups: [Set<String>] = [["int8", "int16", "int32", "int64"], ["uint8", "uint16", "uint32", "uint64"]]
        return groups.contains { $0.contains(a) && $0.contains(b) }
    }
}

/// A type expression of the catalogue, one level deep: `T?`, `[T]`, `[K: V]` or a name.
private enum TypeExpression {
    case optional(String)
    case sequence(String)
    case dictionary(String, String)
    case named(String)

    init(_ text: String) {
        if text.hasSuffix("?") {
            self = .optional(String(text.dropLast()))
        } else if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = text.dropFirst().dropLast()
            if let colon = Self.topLevelColon(in: inner) {
                self = .dictionary(String(inner[..<colon]), String(inner[inner.index(after: colon)...].drop { $0 == " " }))
            } else {
                self = .sequence(String(inner))
            }
        } else {
            self = .named(text)
        }
    }

    /// The `:` of `K: V` outside any nested brackets.
    private static func topLevelColon(in text: Substring) -> Substring.Index? {
        var depth = 0
        for index in text.indices {
            switch text[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case ":" where depth == 0: return index
            default: continue
            }
        }
        return nil
    }
}
