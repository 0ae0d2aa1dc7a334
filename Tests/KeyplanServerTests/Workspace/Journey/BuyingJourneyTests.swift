import Foundation
import KeyplanAPI
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// The buyer's journey: shared stages that sellers and customer editors keep together, where the
/// customer is now, and our actions aligned to each stage — internal ones never shown to the customer.
@Suite("The buyer's journey")
struct BuyingJourneyTests {
    @Test func sellersAndCustomerEditorsMapTheJourneyTogether() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let viewer = try await world.client(for: .customerViewer)

            #expect(try await seller.journey(of: world.accountA).stages.isEmpty)
            let started = try await editor.startJourney(StartJourneyRequest(accountID: world.accountA))
            #expect(started.stages.map(\.name) == StartJourneyRequest.defaultStages && started.current == nil)
            let again = await rpcError { _ = try await seller.startJourney(StartJourneyRequest(accountID: world.accountA)) }
            #expect(again?.code == .alreadyExists && again?.message.contains("has stages already") == true)

            // The customer's people and criteria, in their words, and where they are now.
            let evaluation = try #require(started.stages.first { $0.name == "Evaluation" })
            let described = try await editor.updateBuyingStage(
                UpdateBuyingStageRequest(
                    accountID: world.accountA, stageID: evaluation.id, expectedVersion: 1,
                    customerPeople: "Dana (CIO), the plant managers", criteria: "A pilot on line 3 cuts downtime by 10%", current: true))
            #expect(described.current && described.version == 2 && described.updatedBy.displayName == "customerEditor")
            let business = try #require(started.stages.first { $0.name == "Business case" })
            let moved = try await seller.updateBuyingStage(
                UpdateBuyingStageRequest(accountID: world.accountA, stageID: business.id, expectedVersion: 1, current: true))
            #expect(moved.current)
            let journey = try await viewer.journey(of: world.accountA)
            #expect(journey.current?.id == business.id && journey.stages.filter(\.current).count == 1)
            #expect(journey.stages.first { $0.id == evaluation.id }?.version == 3, "the stage that stopped being current changed too")

            // The co-editing rule: a stale version is refused with the stage as it is now.
            let stale = await rpcError {
                _ = try await seller.updateBuyingStage(
                    UpdateBuyingStageRequest(accountID: world.accountA, stageID: evaluation.id, expectedVersion: 1, criteria: "Overwritten"))
            }
            #expect(stale?.code == .aborted && stale?.message.contains("it is now at version 3") == true)

            // Viewers read only; names are unique; a stage can be added and removed.
            let refused = await rpcError {
                _ = try await viewer.addBuyingStage(AddBuyingStageRequest(accountID: world.accountA, name: "Security review"))
            }
            #expect(refused?.code == .permissionDenied)
            let duplicate = await rpcError { _ = try await seller.addBuyingStage(AddBuyingStageRequest(accountID: world.accountA, name: "Rollout")) }
            #expect(duplicate?.code == .alreadyExists && duplicate?.message.contains("“Rollout”") == true)
            let security = try await editor.addBuyingStage(AddBuyingStageRequest(accountID: world.accountA, position: 4, name: "Security review"))
            try await seller.removeBuyingStage(accountID: world.accountA, stageID: security.id, expectedVersion: security.version)
            #expect(try await seller.journey(of: world.accountA).stages.count == 7)

            // The history says who moved the customer, as a shared change.
            let history = try await viewer.history(accountID: world.accountA, entityID: business.id)
            #expect(history.contains { $0.summary == "The customer is now at “Business case”" })
        }
    }

    @Test func aStageShowsTheCustomerOnlyTheSharedActionsAlignedToIt() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let pilot = try await seller.createAction(CreateActionRequest(accountID: world.accountA, title: "Run the pilot", shared: true))
            let secret = try await seller.createAction(CreateActionRequest(accountID: world.accountA, title: "Find a sponsor over Dana's head"))
            let stage = try await seller.addBuyingStage(AddBuyingStageRequest(accountID: world.accountA, name: "Evaluation"))
            let linked = try await seller.updateBuyingStage(
                UpdateBuyingStageRequest(
                    accountID: world.accountA, stageID: stage.id, expectedVersion: stage.version, actionIDs: [pilot.id, secret.id]))
            #expect(Set(linked.actions.map(\.title)) == ["Run the pilot", "Find a sponsor over Dana's head"])

            // The customer sees the shared action only — in the journey, in the stage's history, anywhere.
            let seen = try #require(try await editor.journey(of: world.accountA).stages.first)
            #expect(seen.actions.map(\.id) == [pilot.id])
            let history = try await editor.history(accountID: world.accountA, entityID: stage.id)
            #expect(!"\(history)".contains("sponsor") && !"\(history)".contains(secret.id.uuidString))

            // A customer may not name an action they cannot see, and their list keeps the sellers' internal ones.
            let hidden = await rpcError {
                _ = try await editor.updateBuyingStage(
                    UpdateBuyingStageRequest(accountID: world.accountA, stageID: stage.id, expectedVersion: seen.version, actionIDs: [secret.id]))
            }
            #expect(hidden?.code == .notFound)
            let cleared = try await editor.updateBuyingStage(
                UpdateBuyingStageRequest(accountID: world.accountA, stageID: stage.id, expectedVersion: seen.version, actionIDs: []))
            #expect(cleared.actions.isEmpty)
            let kept = try #require(try await seller.journey(of: world.accountA).stages.first)
            #expect(kept.actions.map(\.id) == [secret.id], "the internal action the customer never saw stays")

            // The process map's steps serve a stage too; a step of another account is refused.
            let intake = try await seller.addProcessStep(AddProcessStepRequest(accountID: world.accountA, activity: "Demand intake", side: .customer))
            let served = try await editor.updateBuyingStage(
                UpdateBuyingStageRequest(accountID: world.accountA, stageID: stage.id, expectedVersion: kept.version, processStepIDs: [intake.id]))
            #expect(served.processSteps.map(\.activity) == ["Demand intake"] && served.actions.isEmpty, "the editor's view keeps the customer's view")
            let otherStep = try await (try await world.client(for: .admin)).addProcessStep(
                AddProcessStepRequest(accountID: world.accountB, activity: "Elsewhere", side: .seller))
            let wrongStep = await rpcError {
                _ = try await seller.updateBuyingStage(
                    UpdateBuyingStageRequest(
                        accountID: world.accountA, stageID: stage.id, expectedVersion: served.version, processStepIDs: [otherStep.id]))
            }
            #expect(wrongStep?.code == .notFound)
            let kept2 = try #require(try await seller.journey(of: world.accountA).stages.first)
            #expect(kept2.processSteps.map(\.id) == [intake.id] && kept2.actions.map(\.id) == [secret.id], "nothing changed by the refusal")

            // An action of another account is refused.
            let elsewhere = try await (try await world.client(for: .admin)).createAction(
                CreateActionRequest(accountID: world.accountB, title: "Other account's action"))
            let foreign = await rpcError {
                _ = try await seller.updateBuyingStage(
                    UpdateBuyingStageRequest(accountID: world.accountA, stageID: stage.id, expectedVersion: kept2.version, actionIDs: [elsewhere.id]))
            }
            #expect(foreign?.code == .notFound)
        }
    }
}
