public import ArgumentParser
import Foundation
public import KeyplanAPI
import KeyplanRPC

extension DecisionRole: ExpressibleByArgument {}
extension Influence: ExpressibleByArgument {}
extension Attitude: ExpressibleByArgument {}
extension RelationshipStrength: ExpressibleByArgument {}

extension Contact: ShownRecord {
    static var noun: String { "contact" }
    var details: String { MapCommand.line(self) + (concerns.isEmpty ? "" : "\nconcerns: \(concerns)") }
}

extension Relationship: ShownRecord {
    static var noun: String { "relationship" }
    var details: String { MapCommand.line(self) }
}

/// `keyplan map`: an account's relationship map (seller-internal): contacts, who of our team
/// knows whom, coverage gaps, and the org chart as SVG.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map", abstract: "The relationship map of an account: contacts, relationships, coverage gaps, the org chart.",
        subcommands: [AddContact.self, UpdateContact.self, RemoveContact.self, Show.self, Relate.self, Unrelate.self, Gaps.self, Chart.self])

    /// One contact on a line: short id, name, title, role, influence, attitude, version.
    static func line(_ contact: Contact) -> String {
        let place = [
            contact.decisionRole?.words, contact.influence.map { "\($0.rawValue) influence" }, contact.attitude?.rawValue,
        ].compactMap { $0 }.joined(separator: ", ")
        return "\(contact.id.short)  \(contact.label)  \(place.isEmpty ? "-" : place)  v\(contact.version)"
    }

    static func line(_ relationship: Relationship, contact: String? = nil) -> String {
        "\(relationship.userName) knows \(contact ?? relationship.contactID.short): \(relationship.strength.rawValue)"
            + (relationship.note.isEmpty ? "" : " — \(relationship.note)") + "  v\(relationship.version)"
    }

    /// The account, its map, and the contact a command names.
    struct ContactTarget: ParsableArguments {
        @Option(help: "The contact: their name, email, or a unique prefix of either or of their id.") var contact: String
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> (map: RelationshipMap, contact: Contact) {
            let map = try await client.relationshipMap(of: try await account.id(client))
            return (map, try Records.contact(contact, in: map))
        }
    }

    /// Our team member a relationship is about: a seller on the account's team.
    struct MemberOption: ParsableArguments {
        @Option(help: "Our team member: the email or name of a seller on the account's team, or me.") var user: String

        func resolve(account: UUID, _ client: KeyplanClient) async throws -> WorkspaceChange.Actor {
            try await People.of(account, client).resolve(user)
        }
    }

    struct ContactFields: ParsableArguments {
        @Option(help: "Their email, or none.") var email: Clearable<String>?
        @Option var title: String?
        @Option var department: String?
        @Option(help: "Their manager: a contact of the same account (name, email or id prefix), or none.") var reportsTo: Clearable<String>?
        @Option(help: "Their role in the decision, or none.") var role: Clearable<DecisionRole>?
        @Option(help: "Their influence on the decision, or none.") var influence: Clearable<Influence>?
        @Option(help: "Their attitude toward us, or none.") var attitude: Clearable<Attitude>?
        @Option(help: "Their business concerns.") var concerns: String?

        /// The fields given as `none`.
        var cleared: [Contact.ClearableField] {
            [
                (email?.clears, Contact.ClearableField.email), (reportsTo?.clears, .reportsTo), (role?.clears, .decisionRole),
                (influence?.clears, .influence), (attitude?.clears, .attitude),
            ].compactMap { $0.0 == true ? $0.1 : nil }
        }

        func managerID(in map: RelationshipMap) throws -> UUID? {
            try reportsTo?.value.map { try Records.contact($0, in: map).id }
        }
    }

    struct AddContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-contact", abstract: "Add a contact to an account's map.",
            discussion: """
                Example:
                  keyplan map add-contact --account Globex --name "Dana Diaz" --title CFO --role decision_maker --influence high \
                    --attitude supporter --reports-to "Chris Chen"
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The contact's full name.") var name: String
        @OptionGroup var fields: ContactFields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let contact = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let manager = fields.reportsTo?.value == nil ? nil : try fields.managerID(in: try await client.relationshipMap(of: accountID))
                return try await client.addContact(
                    AddContactRequest(
                        accountID: accountID, fullName: name, email: fields.email?.value, title: fields.title ?? "",
                        department: fields.department ?? "",
                        reportsTo: manager, decisionRole: fields.role?.value, influence: fields.influence?.value, attitude: fields.attitude?.value,
                        concerns: fields.concerns ?? ""))
            }
            try options.print(contact) { MapCommand.line(contact) }
        }
    }

    struct UpdateContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-contact", abstract: "Change a contact: only the fields you give.",
            discussion: """
                \(CoEditingHelp.rule) --email, --reports-to, --role, --influence and --attitude take `none` to empty them.

                Example:
                  keyplan map update-contact --contact "Dana Diaz" --account Globex --version 2 --attitude advocate --reports-to none
                """)
        @OptionGroup var target: ContactTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option(help: "The contact's full name.") var name: String?
        @OptionGroup var fields: ContactFields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let (map, contact) = try await target.resolve(client)
                let request = UpdateContactRequest(
                    accountID: contact.accountID, contactID: contact.id, expectedVersion: version, fullName: name, email: fields.email?.value,
                    title: fields.title, department: fields.department, reportsTo: try fields.managerID(in: map), decisionRole: fields.role?.value,
                    influence: fields.influence?.value, attitude: fields.attitude?.value, concerns: fields.concerns, clear: fields.cleared)
                return try await options.coEditing(Contact.self, read: version) { try await client.updateContact(request) }
            }
            try options.print(updated) { MapCommand.line(updated) }
        }
    }

    struct RemoveContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-contact", abstract: "Remove a contact and their relationships; their reports then report to nobody.",
            discussion: """
                Example:
                  keyplan map remove-contact --contact "Dana Diaz" --account Globex --version 3
                """)
        @OptionGroup var target: ContactTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let removed = try await options.withClient { client, _ in
                let (_, contact) = try await target.resolve(client)
                try await options.coEditing(Contact.self, read: version) {
                    try await client.removeContact(
                        RemoveContactRequest(accountID: contact.accountID, contactID: contact.id, expectedVersion: version))
                }
                return contact
            }
            try options.print(["removed": removed.id]) { "removed \(removed.fullName) from the map" }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account's map: the reports-to trees and who knows whom.",
            discussion: """
                Example:
                  keyplan map show --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let map = try await options.withClient { client, _ in try await client.relationshipMap(of: try await account.id(client)) }
            try options.print(map) { MapCommand.text(map) }
        }
    }

    /// The map as indented trees, each contact followed by who of us knows them.
    static func text(_ map: RelationshipMap) -> String {
        guard !map.contacts.isEmpty else { return "no contacts on this account's map yet" }
        let contacts = Dictionary(map.contacts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for box in OrgChart(map: map).layout().boxes {
            guard let contact = contacts[box.contactID] else { continue }
            let indent = String(repeating: "  ", count: box.depth)
            lines.append(indent + MapCommand.line(contact))
            for relationship in map.relationships(with: contact.id) {
                lines.append(
                    indent + "    ↔ \(relationship.userName): \(relationship.strength.rawValue)"
                        + (relationship.note.isEmpty ? "" : " — \(relationship.note)"))
            }
        }
        return lines.joined(separator: "\n")
    }

    struct Relate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record how well one of our team knows a contact, or change it with --version.",
            discussion: """
                Without --version a new relationship is recorded (one that exists already is shown, not overwritten); with it, \
                the relationship you read changes where you say.

                Examples:
                  keyplan map relate --contact "Dana Diaz" --user me --strength strong --note "met at the QBR"
                  keyplan map relate --contact "Dana Diaz" --user sam@acme.example --strength moderate --version 2
                """)
        @OptionGroup var target: ContactTarget
        @OptionGroup var member: MemberOption
        @Option(help: "How well they know each other: weak, moderate or strong (needed for a new one).") var strength: RelationshipStrength?
        @Option(help: "A note (a change keeps the note when none is given).") var note: String?
        @Option(help: ArgumentHelp("To change an existing relationship: " + CoEditingHelp.version)) var version: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let (relationship, name) = try await options.withClient { client, _ in
                let (_, contact) = try await target.resolve(client)
                let user = try await member.resolve(account: contact.accountID, client)
                let request = SetRelationshipRequest(
                    accountID: contact.accountID, contactID: contact.id, userID: user.userID, strength: strength, note: note, expectedVersion: version
                )
                return (try await options.coEditing(Relationship.self, read: version) { try await client.setRelationship(request) }, contact.fullName)
            }
            try options.print(relationship) { MapCommand.line(relationship, contact: name) }
        }
    }

    struct Unrelate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a team member's relationship with a contact.",
            discussion: """
                Example:
                  keyplan map unrelate --contact "Dana Diaz" --user sam@acme.example --version 2
                """)
        @OptionGroup var target: ContactTarget
        @OptionGroup var member: MemberOption
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let (contact, user) = try await options.withClient { client, _ in
                let (_, contact) = try await target.resolve(client)
                let user = try await member.resolve(account: contact.accountID, client)
                try await options.coEditing(Relationship.self, read: version) {
                    try await client.removeRelationship(
                        RemoveRelationshipRequest(accountID: contact.accountID, contactID: contact.id, userID: user.userID, expectedVersion: version))
                }
                return (contact, user)
            }
            try options.print(["contact": contact.id, "user": user.userID]) {
                "removed the relationship of \(user.displayName) with \(contact.fullName)"
            }
        }
    }

    struct Gaps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coverage gaps: key players without a strong relationship, single-threading, and the map's status.",
            discussion: """
                Example:
                  keyplan map gaps --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let report = try await options.withClient { client, _ in try await client.coverageGaps(of: try await account.id(client)) }
            try options.print(report) {
                var lines = ["status: \(report.status.rawValue) — \(report.statusReason)"]
                lines += report.gaps.isEmpty ? ["no coverage gaps"] : report.gaps.map { "gap: \($0.explanation)" }
                lines += report.singleThreading.map { "single-threaded: \($0.explanation)" }
                lines.append("team members with relationships: \(report.teamMembers) (strong: \(report.teamMembersWithStrongRelationships))")
                return lines.joined(separator: "\n")
            }
        }
    }

    struct Chart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw the map as an SVG org chart: fill by attitude, border by our strongest relationship.",
            discussion: """
                Example:
                  keyplan map chart --account Globex --output globex-map.svg
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The SVG file to write.") var output: String
        @OptionGroup var options: GlobalOptions

        struct Written: Codable {
            var output: String
            var contacts: Int
            var reportsTo: Int
        }

        func run() async throws {
            let (map, name) = try await options.withClient { client, _ in
                let found = try await account.resolve(client)
                return (try await client.relationshipMap(of: found.id), found.name)
            }
            let chart = OrgChart(map: map, accountName: name)
            do {
                try chart.svg().write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(output): \(error.localizedDescription)")
            }
            let written = Written(output: output, contacts: map.contacts.count, reportsTo: chart.layout().edges.count)
            try options.print(written) { "wrote \(output): \(written.contacts) contacts, \(written.reportsTo) reports-to lines" }
        }
    }
}
