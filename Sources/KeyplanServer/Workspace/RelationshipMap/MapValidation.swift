import Foundation
import KeyplanAPI
import KeyplanRPC

/// Checks and normalizes the relationship map's request fields, with errors that say what is
/// wrong. Lengths are counted as PostgreSQL counts them (Unicode scalars), so a value that
/// passes here never trips a check constraint.
enum MapValidation {
    private static func text(_ value: String, _ field: String, minimum: Int = 0, maximum: Int) throws -> String {
        try Validate.text(value, field: field, characters: minimum...maximum)
    }

    static func fullName(_ value: String) throws -> String { try text(value, "the full name", minimum: 1, maximum: 200) }
    static func title(_ value: String) throws -> String { try text(value, "the title", maximum: 200) }
    static func department(_ value: String) throws -> String { try text(value, "the department", maximum: 200) }
    static func concerns(_ value: String) throws -> String { try text(value, "the concerns", maximum: 4000) }
    static func note(_ value: String) throws -> String { try text(value, "the note", maximum: 2000) }

    /// The fields of a new contact, checked and trimmed.
    static func contact(_ request: AddContactRequest) throws -> Contact {
        Contact(
            id: UUID(), accountID: request.accountID, fullName: try fullName(request.fullName), email: try request.email.map(Validate.email),
            title: try title(request.title), department: try department(request.department), reportsTo: request.reportsTo,
            decisionRole: request.decisionRole, influence: request.influence, attitude: request.attitude, concerns: try concerns(request.concerns))
    }

    /// `contact` with the request's changes applied, each checked.
    static func applying(_ request: UpdateContactRequest, to contact: Contact) throws -> Contact {
        let clear = Set(request.clear)
        let set: [Contact.ClearableField?] = [
            request.email != nil ? .email : nil, request.reportsTo != nil ? .reportsTo : nil,
            request.decisionRole != nil ? .decisionRole : nil, request.influence != nil ? .influence : nil,
            request.attitude != nil ? .attitude : nil,
        ]
        if let field = set.compactMap({ $0 }).first(where: { clear.contains($0) }) {
            throw RPCError(code: .invalidArgument, message: "\(field.rawValue) is both set and cleared; do one or the other")
        }
        var updated = contact
        if let value = request.fullName { updated.fullName = try fullName(value) }
        if let value = request.email { updated.email = try Validate.email(value) }
        if let value = request.title { updated.title = try title(value) }
        if let value = request.department { updated.department = try department(value) }
        if let value = request.concerns { updated.concerns = try concerns(value) }
        if let value = request.reportsTo { updated.reportsTo = value }
        if let value = request.decisionRole { updated.decisionRole = value }
        if let value = request.influence { updated.influence = value }
        if let value = request.attitude { updated.attitude = value }
        for field in clear {
            switch field {
            case .email: updated.email = nil
            case .reportsTo: updated.reportsTo = nil
            case .decisionRole: updated.decisionRole = nil
            case .influence: updated.influence = nil
            case .attitude: updated.attitude = nil
            }
        }
        if updated.reportsTo == contact.id {
            throw RPCError(code: .invalidArgument, message: "a contact cannot report to themselves")
        }
        return updated
    }
}
