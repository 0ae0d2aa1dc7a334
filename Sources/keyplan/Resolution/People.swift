import Foundation
import KeyplanAPI

/// People of one account, as a command names them (`--owner`, `--attendee`, `--mention`, `--user`):
/// an email, a name, an unambiguous prefix of either, an id, or `me`. Only the account's
/// participants — its team and its invited customers — can be named: they are the people a
/// workspace record may refer to (`keyplan accounts participants` lists them).
struct People {
    let client: KeyplanClient
    let accountID: UUID
    private let participants: [Participant]

    static func of(_ accountID: UUID, _ client: KeyplanClient) async throws -> People {
        People(client: client, accountID: accountID, participants: try await client.participants(of: accountID))
    }

    /// The participant `text` names.
    func resolve(_ text: String) async throws -> WorkspaceChange.Actor {
        if text.lowercased() == "me" {
            let me = try await client.whoAmI()
            guard let person = participants.first(where: { $0.person.userID == me.userID }) else {
                throw CLIError("you do not take part in this account (its team or its invited customers)", code: "INVALID_ARGUMENT")
            }
            return person.person
        }
        return try Self.reference(participants).resolve(text).person
    }

    /// The participants `texts` name, in order.
    func resolve(_ texts: [String]) async throws -> [WorkspaceChange.Actor] {
        var people: [WorkspaceChange.Actor] = []
        for text in texts { people.append(try await resolve(text)) }
        return people
    }

    static func reference(_ participants: [Participant]) -> Reference<Participant> {
        Reference(
            noun: "person on this account", plural: "people on this account", items: participants, id: \.person.userID,
            names: { [$0.person.displayName, $0.person.email] }, describe: { "\($0.person.label) (\($0.roleWords))" })
    }
}
