import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Executive reviews with the customer: planned with an agenda both sides build, held with decisions
/// and follow-up actions, signed off by one of the customer's people — and nothing internal shown to them.
@Suite("Executive reviews")
struct ExecutiveReviewTests {
    @Test func aReviewIsPlannedWithBothSidesHeldAndSignedOffByTheCustomer() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let viewer = try await world.client(for: .customerViewer)
            let sellerID = try #require(world.users[.sellerOnTeam]).user
            let editorID = try #require(world.users[.customerEditor]).user
            let goal = try await seller.createGoal(accountID: world.accountA, GoalDraft(title: "Cut downtime 10%"))
            let sponsor = try await seller.createAction(CreateActionRequest(accountID: world.accountA, title: "Find a sponsor over Dana's head"))

            var review = try await seller.recordReview(
                RecordReviewRequest(
                    accountID: world.accountA, heldOn: try calendarDate("2027-01-15"), attendeeIDs: [sellerID, editorID], planned: true))
            #expect(review.status == .planned && review.agenda.isEmpty && review.signOff == nil)

            // The agenda, from both sides: the customer names a goal; the seller adds a private point about an internal action.
            review = try await editor.addAgendaItem(
                AddAgendaItemRequest(accountID: world.accountA, reviewID: review.id, title: "Downtime results", goalID: goal.id))
            review = try await seller.addAgendaItem(
                AddAgendaItemRequest(accountID: world.accountA, reviewID: review.id, title: "Sponsor question", actionID: sponsor.id))
            #expect(review.agenda.map(\.title) == ["Downtime results", "Sponsor question"])
            let named = await rpcError {
                _ = try await editor.addAgendaItem(
                    AddAgendaItemRequest(accountID: world.accountA, reviewID: review.id, title: "Peek", actionID: sponsor.id))
            }
            #expect(named?.code == .notFound, "a customer cannot name an action they cannot see")
            let customerView = try #require(try await viewer.listReviews(of: world.accountA).first { $0.id == review.id })
            #expect(customerView.agenda.map(\.title) == ["Downtime results"])
            let history = try await viewer.history(accountID: world.accountA, entityID: review.id)
            #expect(!"\(history)".contains("Sponsor") && history.contains { $0.summary.contains("“Downtime results” added") })
            let sellerHistory = try await seller.history(accountID: world.accountA, entityID: review.id)
            #expect(sellerHistory.contains { $0.summary.contains("“Sponsor question” added") })

            // Signing off waits for the meeting; holding it asks the customer's attendees to sign off.
            let early = await rpcError {
                _ = try await editor.signOffReview(accountID: world.accountA, reviewID: review.id, expectedVersion: review.version)
            }
            #expect(early?.code == .failedPrecondition && early?.message.contains("after the meeting") == true)
            review = try await seller.updateReview(
                UpdateReviewRequest(
                    accountID: world.accountA, reviewID: review.id, expectedVersion: review.version, decisions: ["Pilot on line 3 first"], held: true)
            )
            #expect(review.status == .held)
            let asked = try await editor.notifications().notifications.first { $0.kind == .reviewSignOff }
            #expect(asked?.subjectID == review.id && asked?.message.contains("Please sign off the review of 2027-01-15") == true)
            #expect(try await viewer.notifications().notifications.allSatisfy { $0.kind != .reviewSignOff }, "only attendees are asked")

            // A follow-up agreed in the meeting is a shared action of the plan.
            review = try await seller.addFollowUp(
                AddFollowUpRequest(accountID: world.accountA, reviewID: review.id, title: "Send the pilot plan", ownerID: editorID))
            #expect(review.followUps.map(\.title) == ["Send the pilot plan"])
            let plan = try await editor.listActions(ListActionsRequest(accountID: world.accountA))
            #expect(plan.contains { $0.title == "Send the pilot plan" && $0.shared && $0.ownerID == editorID })

            // Sellers cannot sign for the customer; the customer signs the version they read; a later change withdraws it.
            let forged = await rpcError {
                _ = try await seller.signOffReview(accountID: world.accountA, reviewID: review.id, expectedVersion: review.version)
            }
            #expect(forged?.code == .permissionDenied)
            let stale = await rpcError { _ = try await editor.signOffReview(accountID: world.accountA, reviewID: review.id, expectedVersion: 1) }
            #expect(stale?.code == .aborted)
            review = try await editor.signOffReview(accountID: world.accountA, reviewID: review.id, expectedVersion: review.version)
            #expect(review.signOff?.by.userID == editorID)
            let twice = await rpcError {
                _ = try await viewer.signOffReview(accountID: world.accountA, reviewID: review.id, expectedVersion: review.version)
            }
            #expect(twice?.code == .failedPrecondition && twice?.message.contains("signed off already") == true)
            review = try await seller.updateReview(
                UpdateReviewRequest(accountID: world.accountA, reviewID: review.id, expectedVersion: review.version, notes: "Added later"))
            #expect(review.signOff == nil, "what was signed is what the review said then")
            let noPlan = await rpcError {
                _ = try await seller.updateReview(
                    UpdateReviewRequest(accountID: world.accountA, reviewID: review.id, expectedVersion: review.version, held: false))
            }
            #expect(noPlan?.code == .invalidArgument)
        }
    }
}
