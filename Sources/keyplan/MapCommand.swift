import ArgumentParser
import Foundation
import KeyplanAPI
import KeyplanRPC

extension DecisionRole: ExpressibleByArgument {}
extension Influence: ExpressibleByArgument {}
extension Attitude: ExpressibleByArgument {}
extension RelationshipStrength: ExpressibleByArgument {}
extension Contact.ClearableField: ExpressibleByArgument {}

/// `keyplan map`: an account's relationship map (seller-internal): contacts, who of our team
/// knows whom, coverage gaps, and the org chart as SVG.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map", abstract: "The relationship map of an account: contacts, relationships, coverage gaps, the org chart.",
        subcommands: [AddContact.self, UpdateContact.self, RemoveContact.self, Show.self, Relate.self, Unrelate.self, Gaps.self, Chart.self])

    /// One contact on a line: id, name, title, role, influence, attitude, version.
    static func line(_ contact: Contact) -> String {
        let place = [
            contact.decisionRole?.words, contact.influence.map { "\($0.rawValue) influence" }, contact.attitude?.rawValue,
        ].compactMap { $0 }.joined(separator: ", ")
        return "\(contact.id)\t\(contact.label)\t\(place.isEmpty ? "-" : place)\tv\(contact.version)"
    }

    static func line(_ relationship: Relationship) -> String {
        "\(relationship.userName) (\(relationship.userID)) knows \(relationship.contactID): \(relationship.strength.rawValue)"
            + (relationship.note.isEmpty ? "" : " — \(relationship.note)") + "\tv\(relationship.version)"
    }

    /// Runs a versioned write; a stale version's ABORTED names the current record's version.
    static func versioned<Record: Decodable & Sendable>(
        _ record: Record.Type, describe: (Record) -> String, _ body: () async throws -> Record
    ) async throws -> Record {
        do {
            return try await body()
        } catch let error as RPCError where error.code == .aborted {
            guard let current = try error.currentRecord(as: Record.self) else { throw error }
            throw CLIError("ABORTED: \(error.message)\ncurrent: \(describe(current))")
        }
    }

    /// `--account` and `--contact`: which contact.
    struct ContactKey: ParsableArguments {
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The contact's id.") var contact: UUID
    }

    /// `--account`, `--contact` and `--user`: which relationship.
    struct RelationshipKey: ParsableArguments {
        @OptionGroup var contact: ContactKey
        @Option(help: "Our team member's user id (a seller).") var user: UUID
    }

    struct ContactFields: ParsableArguments {
        @Option var email: String?
        @Option var title: String?
        @Option var department: String?
        @Option(help: "The manager's contact id (a contact of the same account).") var reportsTo: UUID?
        @Option(help: "Their role in the decision.") var role: DecisionRole?
        @Option(help: "Their influence on the decision.") var influence: Influence?
        @Option(help: "Their attitude toward us.") var attitude: Attitude?
        @Option(help: "Their business concerns.") var concerns: String?
    }

    struct AddContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-contact", abstract: "Add a contact to an account's map.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The contact's full name.") var name: String
        @OptionGroup var fields: ContactFields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = AddContactRequest(
                accountID: account, fullName: name, email: fields.email, title: fields.title ?? "", department: fields.department ?? "",
                reportsTo: fields.reportsTo, decisionRole: fields.role, influence: fields.influence, attitude: fields.attitude,
                concerns: fields.concerns ?? "")
            let contact = try await options.withClient { client, _ in try await client.addContact(request) }
            try options.print(contact) { MapCommand.line(contact) }
        }
    }

    struct UpdateContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-contact", abstract: "Change a contact; fields not given are kept.",
            discussion: "A stale --expected-version is refused (ABORTED) with the contact's current version: merge and retry.")
        @OptionGroup var key: ContactKey
        @Option(help: "The version you read (see `keyplan map show`).") var expectedVersion: Int
        @Option(help: "The contact's full name.") var name: String?
        @OptionGroup var fields: ContactFields
        @Option(help: "A field to empty (repeatable).") var clear: [Contact.ClearableField] = []
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = UpdateContactRequest(
                accountID: key.account, contactID: key.contact, expectedVersion: expectedVersion, fullName: name, email: fields.email,
                title: fields.title, department: fields.department, reportsTo: fields.reportsTo, decisionRole: fields.role,
                influence: fields.influence, attitude: fields.attitude, concerns: fields.concerns, clear: clear)
            let updated = try await options.withClient { client, _ in
                try await MapCommand.versioned(Contact.self, describe: MapCommand.line) { try await client.updateContact(request) }
            }
            try options.print(updated) { MapCommand.line(updated) }
        }
    }

    struct RemoveContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-contact", abstract: "Remove a contact and their relationships; their reports then report to nobody.")
        @OptionGroup var key: ContactKey
        @Option(help: "Only if the contact is still at this version.") var expectedVersion: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.withClient { client, _ in
                try await client.removeContact(RemoveContactRequest(accountID: key.account, contactID: key.contact, expectedVersion: expectedVersion))
            }
            try options.print(["account": key.account, "contact": key.contact]) { "removed \(key.contact)" }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account's map: the reports-to trees and who knows whom.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let map = try await options.withClient { client, _ in try await client.relationshipMap(of: account) }
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
                lines.append(indent + "    ↔ \(relationship.userName): \(relationship.strength.rawValue)" + (relationship.note.isEmpty ? "" : " — \(relationship.note)"))
            }
        }
        return lines.joined(separator: "\n")
    }

    struct Relate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record how well one of our team knows a contact (an update names --expected-version).")
        @OptionGroup var key: RelationshipKey
        @Option(help: "How well they know each other.") var strength: RelationshipStrength
        @Option(help: "A note (an update keeps the note when none is given).") var note: String?
        @Option(help: "The version you read, to update an existing relationship.") var expectedVersion: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = SetRelationshipRequest(
                accountID: key.contact.account, contactID: key.contact.contact, userID: key.user, strength: strength, note: note,
                expectedVersion: expectedVersion)
            let relationship = try await options.withClient { client, _ in
                try await MapCommand.versioned(Relationship.self, describe: MapCommand.line) { try await client.setRelationship(request) }
            }
            try options.print(relationship) { MapCommand.line(relationship) }
        }
    }

    struct Unrelate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a team member's relationship with a contact.")
        @OptionGroup var key: RelationshipKey
        @Option(help: "Only if the relationship is still at this version.") var expectedVersion: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let (account, contact, user) = (key.contact.account, key.contact.contact, key.user)
            try await options.withClient { client, _ in
                try await client.removeRelationship(
                    RemoveRelationshipRequest(accountID: account, contactID: contact, userID: user, expectedVersion: expectedVersion))
            }
            try options.print(["account": account, "contact": contact, "user": user]) { "removed the relationship of \(user) with \(contact)" }
        }
    }

    struct Gaps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coverage gaps: key players without a strong relationship, single-threading, and the map's status.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let report = try await options.withClient { client, _ in try await client.coverageGaps(of: account) }
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
            abstract: "Draw the map as an SVG org chart: fill by attitude, border by our strongest relationship.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The SVG file to write.") var output: String
        @OptionGroup var options: GlobalOptions

        struct Written: Codable { var output: String; var contacts: Int; var reportsTo: Int }

        func run() async throws {
            let (map, name) = try await options.withClient { client, _ in
                (try await client.relationshipMap(of: account), try await client.getAccount(account).name)
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
