import Foundation
import KeyplanAPI
import Testing

@testable import KeyplanServer

/// The account plan as one document: the seller's view carries the seller-internal parts; the
/// customer's — whoever asks for it — carries none of the seller-internal values planted here.
@Suite("Plan export")
struct PlanExportTests {
    /// Values only seller-internal records hold (account A's internal notes come from the world).
    static let secrets = [
        "champion is wavering", "PLANTED internal action", "PLANTED internal comment", "PLANTED contact", "PLANTED concern",
        "PLANTED assessment note",
    ]

    /// Account A's shared plan (a goal with a shared comment, a shared action) beside the planted
    /// seller-internal values.
    static func plant(_ world: TwoTenantWorld) async throws {
        let seller = try await world.client(for: .sellerOnTeam)
        let account = world.accountA
        let goal = try await seller.createGoal(accountID: account, GoalDraft(title: "Shared goal"))
        let shared = try await seller.createAction(CreateActionRequest(accountID: account, title: "Shared action", shared: true))
        _ = try await seller.createAction(CreateActionRequest(accountID: account, title: "PLANTED internal action"))
        _ = try await seller.addComment(
            AddCommentRequest(accountID: account, subject: CommentSubject(.goal, goal.id), body: "Shared comment", shared: true))
        _ = try await seller.addComment(
            AddCommentRequest(accountID: account, subject: CommentSubject(.action, shared.id), body: "PLANTED internal comment", shared: false))
        _ = try await seller.addContact(
            AddContactRequest(accountID: account, fullName: "PLANTED contact", decisionRole: .decisionMaker, concerns: "PLANTED concern"))
        _ = try await seller.assess(
            AssessRequest(
                accountID: account, answers: AssessmentAnswers(value: [3, 4, 5], relationship: [2, 3, 4, 5, 1]), notes: "PLANTED assessment note")
        )
    }

    @Test func theCustomersPlanHoldsNothingSellerInternal() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            try await Self.plant(world)
            let seller = try await world.client(for: .sellerOnTeam)
            let account = world.accountA

            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            func json(_ document: AccountPlanDocument) throws -> String { String(decoding: try encoder.encode(document), as: UTF8.self) }

            // The team's view holds everything, health included.
            let full = try await seller.exportPlan(of: account, view: .seller)
            let fullText = try json(full)
            for secret in Self.secrets { #expect(fullText.contains(secret), "\(secret) in the seller's plan") }
            let fullPack = ReviewPack(document: full).html
            // (The pack shows the map as its chart and the latest classification, not concerns or assessment notes.)
            for secret in ["champion is wavering", "PLANTED internal action", "PLANTED internal comment", "PLANTED contact"] {
                #expect(fullPack.contains(SVGText.escape(secret)), "\(secret) in the seller's review pack")
            }
            #expect(fullPack.contains("<svg") && fullPack.contains("Internal: relationship map"))
            let internals = try #require(full.sellerInternal)
            #expect(internals.assessments.count == 1 && internals.relationshipMap.contacts.count == 1 && internals.health != nil)
            #expect(full.account.internalNotes == "champion is wavering")

            // The customer's view, asked by the customer and by the seller: the shared plan only.
            for caller in [MatrixCaller.customerEditor, .customerViewer, .sellerOnTeam, .admin] {
                let document = try await world.client(for: caller).exportPlan(of: account, view: .customer)
                let text = try json(document)
                for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) in the customer's plan for \(caller)") }
                let pack = ReviewPack(document: document).html
                for secret in Self.secrets { #expect(!pack.contains(SVGText.escape(secret)), "\(secret) in the customer's review pack") }
                #expect(pack.contains("Shared action") && pack.contains("Shared comment") && !pack.contains("Internal:"))
                #expect(document.view == .customer && document.sellerInternal == nil)
                #expect(document.account.internalNotes == nil && document.account.annualRevenue == nil)
                #expect(!text.contains("1250000"), "the annual revenue in the customer's plan for \(caller)")
                #expect(document.actions.map(\.title) == ["Shared action"])
                #expect(document.goals.nodes.map(\.goal.title) == ["Shared goal"])
                #expect(document.comments.map(\.body) == ["Shared comment"])
                #expect(!text.contains("healthScore") && !text.contains("relationshipMap") && !text.contains("assessments"))
            }
        }
    }
}
