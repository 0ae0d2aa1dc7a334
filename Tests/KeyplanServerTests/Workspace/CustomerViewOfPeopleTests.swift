import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// The participants rule, read side: a customer sees the email address of a seller only when the seller is on the
/// account's team. An admin who edited a shared record shows by name alone; sellers see every address.
@Suite("Customer view of people")
struct CustomerViewOfPeopleTests {
    @Test func customersSeeTheAddressesOfParticipantsOnly() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let account = world.accountA
            let admin = try await world.client(for: .admin)
            let owner = try await world.client(for: .sellerOnTeam)
            let viewer = try await world.client(for: .customerViewer)
            let adminEmail = try await admin.whoAmI().email

            // The admin (on no team) creates the goal, the owner (on the team) changes it.
            let created = try await world.freshGoal("Cut churn")
            let goal = try await owner.updateGoal(
                UpdateGoalRequest(accountID: account, goalID: created.id, expectedVersion: created.version, title: "Cut churn by half"))

            // Sellers read every address.
            let asSeller = try await owner.goal(accountID: account, goalID: goal.id)
            #expect(asSeller.createdBy.email == adminEmail)
            #expect(asSeller.updatedBy.email == "seller-on@acme.example")

            // The customer reads the admin by name, the owner with the address.
            let asCustomer = try await viewer.goal(accountID: account, goalID: goal.id)
            #expect(asCustomer.createdBy.email == "", "an off-team seller's address reached a customer")
            #expect(asCustomer.createdBy.displayName == asSeller.createdBy.displayName)
            #expect(asCustomer.updatedBy.email == "seller-on@acme.example")
            #expect(try await viewer.goals(accountID: account).all.allSatisfy { $0.createdBy.email == "" })

            // The same in the record's history (the journal, which a watcher reads too).
            let history = try await viewer.history(accountID: account, entityID: goal.id)
            let creation = try #require(history.first { $0.operation == .created })
            #expect(creation.actor.email == "" && !creation.actor.displayName.isEmpty)
            #expect(history.contains { $0.actor.email == "seller-on@acme.example" })
            let sellersHistory = try await owner.history(accountID: account, entityID: goal.id)
            #expect(sellersHistory.first { $0.operation == .created }?.actor.email == adminEmail)

            // A seller's next read on the same pooled connections is not affected by a customer's setting.
            #expect(try await owner.goal(accountID: account, goalID: goal.id).createdBy.email == adminEmail)
        }
    }
}
