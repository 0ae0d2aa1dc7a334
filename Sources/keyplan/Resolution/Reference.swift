import Foundation
import KeyplanAPI

/// How people name things on the command line: by id, by name, or by an unambiguous prefix of
/// either (as git takes a commit's prefix). One matcher for accounts, people and records, so that
/// all of them behave alike and an ambiguous name always lists its candidates.
struct Reference<Item> {
    /// What is being named, for messages: "account", "person", "goal".
    let noun: String
    /// The same, for several: "accounts", "people".
    var plural: String?
    let items: [Item]
    let id: (Item) -> UUID
    /// The names an item answers to (a name, an email, a title…), matched ignoring case.
    let names: (Item) -> [String]
    /// One line naming an item among candidates.
    let describe: (Item) -> String

    /// The one item `text` names: its id; else an exact name; else the only item with a name or
    /// id starting with `text`. Otherwise a message listing the candidates (or, when none
    /// matched, what there is).
    func resolve(_ text: String) throws -> Item {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { throw CLIError("name the \(noun): an empty name matches nothing", code: "INVALID_ARGUMENT") }
        if let uuid = UUID(uuidString: wanted), let item = items.first(where: { id($0) == uuid }) { return item }
        let folded = wanted.lowercased()
        let exact = items.filter { names($0).contains { $0.lowercased() == folded } }
        if exact.count == 1 { return exact[0] }
        if exact.count > 1 { throw ambiguous(wanted, exact) }
        let hex = folded.replacingOccurrences(of: "-", with: "")
        let prefixed = items.filter { item in
            names(item).contains { $0.lowercased().hasPrefix(folded) }
                || (hex.count >= 4 && hex.allSatisfy(\.isHexDigit)
                    && id(item).uuidString.lowercased().replacingOccurrences(of: "-", with: "").hasPrefix(hex))
        }
        if prefixed.count == 1 { return prefixed[0] }
        if prefixed.count > 1 { throw ambiguous(wanted, prefixed) }
        let known = items.isEmpty ? "there is none" : "there are: " + Self.list(items.map(describe))
        throw CLIError("no \(noun) matches “\(wanted)”; \(known)", code: "NOT_FOUND")
    }

    private func ambiguous(_ text: String, _ candidates: [Item]) -> CLIError {
        CLIError(
            "“\(text)” could be \(candidates.count) \(plural ?? noun + "s"): \(Self.list(candidates.map(describe))); name one more precisely (or by id)",
            code: "INVALID_ARGUMENT")
    }

    /// Items known by one name each, described as "name (3f2a9c1e)".
    static func named(_ noun: String, _ items: [Item], name: KeyPath<Item, String>, id: KeyPath<Item, UUID>) -> Reference {
        Reference(
            noun: noun, items: items, id: { $0[keyPath: id] }, names: { [$0[keyPath: name]] },
            describe: { "\($0[keyPath: name]) (\($0[keyPath: id].short))" })
    }

    /// At most ten, then how many more.
    static func list(_ lines: [String]) -> String {
        let shown = lines.prefix(10).joined(separator: "; ")
        return lines.count > 10 ? "\(shown); and \(lines.count - 10) more" : shown
    }
}

extension Optional {
    /// `transform` of the wrapped value, awaited; `nil` stays `nil`.
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
