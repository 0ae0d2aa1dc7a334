import Foundation
import KeyplanAPI
import Testing

@testable import KeyplanServer

extension TwoTenantWorld {
    /// A new contact on account A, inserted directly (the matrix's update and removal scenarios
    /// each need their own).
    func freshContact(name: String = "Contact \(UUID().uuidString.prefix(8))") async throws -> Contact {
        try await server.inTenant(acme) {
            try await RelationshipMapRepository(transaction: $0).insert(
                tenantID: acme, Contact(id: UUID(), accountID: accountA, fullName: name), by: try #require(users[.admin]).user)
        }
    }

    /// A new contact on account A whom the spare seller knows moderately.
    func freshRelationship() async throws -> Relationship {
        let contact = try await freshContact()
        let admin = try #require(users[.admin]).user
        return try #require(
            try await server.inTenant(acme) {
                try await RelationshipMapRepository(transaction: $0).insert(
                    tenantID: acme,
                    Relationship(accountID: accountA, contactID: contact.id, userID: spareSeller, userName: "spare", strength: .moderate),
                    by: admin)
            })
    }

    /// A user id of a matrix caller.
    func user(_ caller: MatrixCaller) throws -> UUID { try #require(users[caller]).user }
}
