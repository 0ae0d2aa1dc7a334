import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Action plan")
struct ActionPlanTests {
    @Test func customersSeeAndEditTheMutualActionPlanOnly() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let a = world.accountA
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let viewer = try await world.client(for: .customerViewer)
            let editorID = try #require(world.users[.customerEditor]).user
            let sellerID = try #require(world.users[.sellerOnTeam]).user

            let secret = try await seller.createAction(
                CreateActionRequest(accountID: a, title: "Hold the price floor", description: "walk away below 1.1M"))
            let pilot = try await seller.createAction(
                CreateActionRequest(
                    accountID: a, title: "Run the pilot", ownerID: editorID, dueOn: try calendarDate("2026-03-31"), shared: true))
            #expect(!secret.shared && pilot.shared && pilot.ownerName == "customerEditor" && pilot.version == 1 && pilot.overdue)

            // Lists, reads and history: the internal action does not exist for a customer.
            #expect(try await seller.listActions(ListActionsRequest(accountID: a)).map(\.id) == [pilot.id, secret.id])
            #expect(try await viewer.listActions(ListActionsRequest(accountID: a)).map(\.id) == [pilot.id])
            #expect(try await editor.listActions(ListActionsRequest(accountID: a, ownerID: editorID)).map(\.id) == [pilot.id])
            #expect(try await viewer.getAction(accountID: a, actionID: pilot.id) == pilot)
            #expect(await statusCode { _ = try await viewer.getAction(accountID: a, actionID: secret.id) } == .notFound)
            #expect(try await editor.history(accountID: a, entityID: secret.id).isEmpty)
            #expect(try await seller.history(accountID: a, entityID: secret.id).map(\.visibility) == [.internal])
            #expect(try await editor.history(accountID: a, entityID: pilot.id).map(\.operation) == [.created])

            // A customer editor may not touch, create or make internal actions.
            #expect(
                await statusCode {
                    _ = try await editor.updateAction(UpdateActionRequest(accountID: a, actionID: secret.id, expectedVersion: 1, title: "Leaked?"))
                } == .notFound)
            #expect(
                await statusCode { _ = try await editor.createAction(CreateActionRequest(accountID: a, title: "Internal by a customer")) }
                    == .permissionDenied)
            #expect(
                await statusCode {
                    _ = try await editor.updateAction(UpdateActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 1, shared: false))
                } == .permissionDenied)
            #expect(
                await statusCode { try await editor.deleteAction(DeleteActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 1)) }
                    == .permissionDenied)
            #expect(try await seller.getAction(accountID: a, actionID: secret.id).version == 1, "the refused calls changed nothing")

            // ... but creates shared ones and updates the mutual plan.
            let theirs = try await editor.createAction(
                CreateActionRequest(accountID: a, title: "Name a sponsor", ownerID: sellerID, horizon: .long, shared: true))
            #expect(theirs.createdBy.userID == editorID && theirs.ownerName == "seller-on")
            let done = try await editor.updateAction(UpdateActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 1, status: .done))
            #expect(done.status == .done && done.completedAt != nil && !done.overdue && done.version == 2 && done.updatedBy.userID == editorID)
            let reopened = try await seller.updateAction(UpdateActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 2, status: .blocked))
            #expect(reopened.completedAt == nil && reopened.overdue)
            let journaled = try await viewer.history(accountID: a, entityID: pilot.id)
            #expect(journaled.map(\.actor.kind) == [.seller, .customer, .seller])
            #expect(journaled[1].fields.contains(FieldChange(field: "status", before: "open", after: "done")))

            // A viewer reads but never writes.
            #expect(
                await statusCode { _ = try await viewer.createAction(CreateActionRequest(accountID: a, title: "Viewer's", shared: true)) }
                    == .permissionDenied)
            #expect(
                await statusCode {
                    _ = try await viewer.updateAction(UpdateActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 3, status: .open))
                } == .permissionDenied)

            // Unsharing: an action owned by a customer cannot become internal; reassigned, it
            // leaves the customers' plan and their history ends with its removal.
            #expect(
                await statusCode {
                    _ = try await seller.updateAction(UpdateActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 3, shared: false))
                } == .failedPrecondition)
            let withdrawn = try await seller.updateAction(
                UpdateActionRequest(accountID: a, actionID: pilot.id, expectedVersion: 3, ownerID: sellerID, shared: false))
            #expect(!withdrawn.shared && withdrawn.version == 4)
            #expect(await statusCode { _ = try await editor.getAction(accountID: a, actionID: pilot.id) } == .notFound)
            #expect(try await viewer.listActions(ListActionsRequest(accountID: a)).map(\.id) == [theirs.id])
            let customerHistory = try await editor.history(accountID: a, entityID: pilot.id)
            #expect(customerHistory.count == 4 && customerHistory.last?.operation == .deleted && customerHistory.last?.fields == [])
            let sellerHistory = try await seller.history(accountID: a, entityID: pilot.id)
            #expect(sellerHistory.suffix(2).map(\.operation) == [.deleted, .updated] && sellerHistory.last?.visibility == .internal)
            #expect(sellerHistory.last?.fields.contains(FieldChange(field: "shared", before: "true", after: "false")) == true)

            // Sharing: the customers see the action enter their plan as it is now, never its internal past.
            let draft = try await seller.createAction(CreateActionRequest(accountID: a, title: "Squeeze them on price", horizon: .long))
            let published = try await seller.updateAction(
                UpdateActionRequest(accountID: a, actionID: draft.id, expectedVersion: 1, title: "Pricing workshop", shared: true))
            let entered = try await editor.history(accountID: a, entityID: draft.id)
            #expect(entered.map(\.operation) == [.created] && entered.first?.version == 2)
            #expect(entered.first?.fields.contains(FieldChange(field: "title", before: nil, after: "Pricing workshop")) == true)
            #expect(
                !entered.flatMap(\.fields).contains { $0.before != nil || $0.after == "Squeeze them on price" },
                "no internal value reaches a customer")
            #expect(entered.first?.summary == "Action “Pricing workshop” joined the mutual action plan")
            #expect(try await seller.history(accountID: a, entityID: draft.id).map(\.visibility) == [.internal, .internal, .shared])
            #expect(try await viewer.getAction(accountID: a, actionID: draft.id) == published)

            // Another tenant's customer, and another tenant's account, are nowhere.
            let stranger = try await world.client(for: .otherTenantCustomer)
            #expect(await statusCode { _ = try await stranger.getAction(accountID: a, actionID: theirs.id) } == .notFound)
            #expect(await statusCode { _ = try await stranger.listActions(ListActionsRequest(accountID: a)) } == .notFound)
            #expect(await statusCode { _ = try await editor.listActions(ListActionsRequest(accountID: world.accountC)) } == .notFound)
            #expect(await statusCode { _ = try await seller.getAction(accountID: world.accountB, actionID: theirs.id) } == .notFound)
        }
    }

    @Test func ownersGoalsVersionsAndNotifications() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let a = world.accountA
            let seller = try await world.client(for: .sellerOnTeam)
            let sellerID = try #require(world.users[.sellerOnTeam]).user
            let memberID = try #require(world.users[.teamMember]).user
            let editorID = try #require(world.users[.customerEditor]).user

            // A customer of account B may not own an action of account A; nor may a stranger.
            let admin = server.client(world.acmeAdminToken)
            let invitation = try await admin.createInvitation(
                CreateInvitationRequest(accountID: world.accountB, email: "b@buyer.example", role: .customerEditor))
            let customerOfB = try await server.anonymous.acceptInvitation(
                token: invitation.token, password: TwoTenantWorld.password, displayName: "B buyer"
            ).identity.userID
            for owner in [customerOfB, try #require(world.users[.otherTenantCustomer]).user, UUID()] {
                #expect(
                    await statusCode {
                        _ = try await seller.createAction(CreateActionRequest(accountID: a, title: "Misassigned", ownerID: owner, shared: true))
                    } == .invalidArgument)
            }
            #expect(
                await statusCode {
                    _ = try await seller.createAction(CreateActionRequest(accountID: a, title: "Internal, customer's", ownerID: editorID))
                } == .failedPrecondition)
            #expect(await statusCode { _ = try await seller.createAction(CreateActionRequest(accountID: a, title: "  ")) } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.createAction(
                        CreateActionRequest(accountID: a, title: "Wrong goal", goalID: try await world.freshGoal(in: world.accountB)))
                } == .failedPrecondition)
            let goal = try await world.freshGoal(in: a)
            #expect(
                try await server.inTenant(world.acme) { try await $0.query("SELECT count(*) AS n FROM actions").first?.decode(Int.self, column: "n") }
                    == 0)

            // Assigned to someone else: they are told; to oneself: nobody is.
            let plan = try await seller.createAction(
                CreateActionRequest(accountID: a, title: "Draft the QBR", ownerID: memberID, dueOn: try calendarDate("2020-01-31"), goalID: goal))
            _ = try await seller.createAction(CreateActionRequest(accountID: a, title: "Own task", ownerID: sellerID, horizon: .long))
            #expect(
                try await notifications(server, world) == [
                    Sent(recipient: memberID, subject: plan.id, message: "You were assigned the action “Draft the QBR”, due 2020-01-31")
                ])

            // Two edits of version 1: the first wins, the second gets ABORTED with the current record.
            let first = try await seller.updateAction(
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 1, ownerID: sellerID, shared: true))
            let stale = await rpcError {
                _ = try await world.client(for: .teamMember).updateAction(
                    UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 1, title: "Mine"))
            }
            #expect(stale?.code == .aborted)
            #expect(try stale?.currentRecord(as: PlanAction.self) == first)
            #expect(
                try await seller.history(accountID: a, entityID: plan.id).map(\.version) == [1, 2, 2], "created, updated, and shared as of version 2")
            let reassigned = try await seller.updateAction(
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 2, ownerID: editorID, clear: [.dueOn, .goal]))
            #expect(reassigned.dueOn == nil && reassigned.goalID == nil && reassigned.ownerID == editorID)
            #expect(try await notifications(server, world).map(\.recipient) == [memberID, editorID])
            for invalid in [
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 0, title: "x"),
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 3, ownerID: sellerID, clear: [.owner]),
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 3, title: String(repeating: "é", count: 301)),
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 3, title: "two\nlines"),
                UpdateActionRequest(accountID: a, actionID: plan.id, expectedVersion: 3, description: "nul \u{0} inside"),
            ] {
                #expect(await statusCode { _ = try await seller.updateAction(invalid) } == .invalidArgument, "\(invalid)")
            }
            #expect(try await seller.getAction(accountID: a, actionID: plan.id).version == 3)

            // Filters.
            let late = try await seller.createAction(CreateActionRequest(accountID: a, title: "Late", dueOn: try calendarDate("2021-05-01")))
            _ = try await seller.createAction(
                CreateActionRequest(accountID: a, title: "Late but done", dueOn: try calendarDate("2021-05-02"), status: .done))
            func titles(_ request: ListActionsRequest) async throws -> [String] { try await seller.listActions(request).map(\.title) }
            #expect(try await titles(ListActionsRequest(accountID: a)) == ["Late", "Late but done", "Draft the QBR", "Own task"])
            #expect(try await titles(ListActionsRequest(accountID: a, overdueOnly: true)) == ["Late"])
            #expect(try await titles(ListActionsRequest(accountID: a, horizon: .long)) == ["Own task"])
            #expect(try await titles(ListActionsRequest(accountID: a, status: .done)) == ["Late but done"])
            #expect(try await titles(ListActionsRequest(accountID: a, ownerID: editorID)) == ["Draft the QBR"])
            #expect(try await titles(ListActionsRequest(accountID: a, sharedOnly: true)) == ["Draft the QBR"])
            #expect(try await titles(ListActionsRequest(accountID: a, limit: 1)) == ["Late"])

            // Deleting: versioned when asked, journaled, and gone.
            #expect(
                await statusCode { try await seller.deleteAction(DeleteActionRequest(accountID: a, actionID: late.id, expectedVersion: 2)) }
                    == .aborted)
            try await seller.deleteAction(DeleteActionRequest(accountID: a, actionID: late.id, expectedVersion: 1))
            #expect(await statusCode { _ = try await seller.getAction(accountID: a, actionID: late.id) } == .notFound)
            #expect(try await seller.history(accountID: a, entityID: late.id).map(\.operation) == [.created, .deleted])
        }
    }

    @Test func processMapAndReviewsRoundTrip() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let a = world.accountA
            let seller = try await world.client(for: .teamMember)
            let viewer = try await world.client(for: .customerViewer)
            let editor = try await world.client(for: .customerEditor)
            let editorID = try #require(world.users[.customerEditor]).user
            let sellerID = try #require(world.users[.sellerOnTeam]).user

            let intake = try await seller.addProcessStep(
                AddProcessStepRequest(accountID: a, activity: "Demand intake", responsibleUserID: editorID, side: .customer))
            let review = try await seller.addProcessStep(
                AddProcessStepRequest(accountID: a, activity: "Solution review", responsible: "Architecture board", side: .joint))
            let delivery = try await seller.addProcessStep(
                AddProcessStepRequest(accountID: a, activity: "Delivery", responsibleUserID: sellerID, side: .seller))
            #expect([intake, review, delivery].map(\.position) == [0, 1, 2] && intake.responsibleUserName == "customerEditor")
            #expect(
                await statusCode {
                    _ = try await seller.addProcessStep(
                        AddProcessStepRequest(accountID: a, activity: "Both", responsibleUserID: sellerID, responsible: "Team", side: .joint))
                } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.addProcessStep(
                        AddProcessStepRequest(accountID: a, activity: "Stranger", responsibleUserID: UUID(), side: .joint))
                } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.addProcessStep(AddProcessStepRequest(accountID: a, position: 1000, activity: "Far", side: .joint))
                } == .invalidArgument)

            let moved = try await seller.updateProcessStep(
                UpdateProcessStepRequest(
                    accountID: a, stepID: delivery.id, expectedVersion: 1, position: 0, activity: "Delivery and rollout", responsibleUserID: sellerID,
                    side: .joint))
            #expect(moved.version == 2 && moved.position == 0)
            let stale = await rpcError {
                _ = try await seller.updateProcessStep(
                    UpdateProcessStepRequest(accountID: a, stepID: delivery.id, expectedVersion: 1, activity: "Old", side: .seller))
            }
            #expect(stale?.code == .aborted)
            #expect(try stale?.currentRecord(as: ProcessStep.self) == moved)
            try await seller.removeProcessStep(RemoveProcessStepRequest(accountID: a, stepID: review.id, expectedVersion: 1))
            let map = try await seller.processMap(of: a)
            #expect(map.map(\.activity) == ["Delivery and rollout", "Demand intake"])
            #expect(try await viewer.processMap(of: a) == map)
            #expect(
                await statusCode { _ = try await editor.addProcessStep(AddProcessStepRequest(accountID: a, activity: "Customer's", side: .customer)) }
                    == .permissionDenied)
            #expect(
                await statusCode { try await editor.removeProcessStep(RemoveProcessStepRequest(accountID: a, stepID: intake.id, expectedVersion: 1)) }
                    == .permissionDenied)
            #expect(try await viewer.history(accountID: a, entityID: delivery.id).map(\.operation) == [.created, .updated])
            #expect(try await viewer.history(accountID: a, entityID: review.id).map(\.operation) == [.created, .deleted])

            // Reviews: attendees of both sides and guests, decisions, the next date.
            let held = try await seller.recordReview(
                RecordReviewRequest(
                    accountID: a, heldOn: try calendarDate("2026-11-02"), attendeeIDs: [sellerID, editorID, sellerID], guests: ["Dana (CFO office)"],
                    decisions: ["Pilot in Q1", "Monthly steering"], notes: "Good energy", nextReviewOn: try calendarDate("2027-02-01")))
            #expect(held.attendees.map(\.displayName) == ["seller-on", "customerEditor"] && held.attendees.map(\.kind) == [.seller, .customer])
            #expect(held.guests == ["Dana (CFO office)"] && held.decisions.count == 2 && held.nextReviewOn?.description == "2027-02-01")
            #expect(
                await statusCode {
                    _ = try await seller.recordReview(
                        RecordReviewRequest(
                            accountID: a, heldOn: try calendarDate("2026-11-02"), attendeeIDs: [try #require(world.users[.otherTenantCustomer]).user])
                    )
                } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.recordReview(
                        RecordReviewRequest(accountID: a, heldOn: try calendarDate("2026-11-02"), nextReviewOn: try calendarDate("2026-11-01")))
                } == .invalidArgument)
            #expect(
                await statusCode {
                    _ = try await seller.recordReview(RecordReviewRequest(accountID: a, heldOn: try calendarDate("2026-11-02"), decisions: [" "]))
                } == .invalidArgument)

            let updated = try await seller.updateReview(
                UpdateReviewRequest(
                    accountID: a, reviewID: held.id, expectedVersion: 1, decisions: ["Pilot in Q1"], clear: [.nextReviewOn]))
            #expect(
                updated.version == 2 && updated.decisions == ["Pilot in Q1"] && updated.nextReviewOn == nil && updated.attendees == held.attendees)
            let staleReview = await rpcError {
                _ = try await seller.updateReview(UpdateReviewRequest(accountID: a, reviewID: held.id, expectedVersion: 1, notes: "late"))
            }
            #expect(staleReview?.code == .aborted)
            #expect(try staleReview?.currentRecord(as: RoadmapReview.self) == updated)
            let earlier = try await seller.recordReview(RecordReviewRequest(accountID: a, heldOn: try calendarDate("2026-08-01")))
            #expect(try await viewer.listReviews(of: a).map(\.id) == [held.id, earlier.id])
            #expect(try await viewer.history(accountID: a, entityID: held.id).last?.fields.map(\.field) == ["decisions", "nextReviewOn"])
            #expect(
                await statusCode { _ = try await editor.recordReview(RecordReviewRequest(accountID: a, heldOn: try calendarDate("2026-11-03"))) }
                    == .permissionDenied)
            #expect(await statusCode { _ = try await world.client(for: .otherTenantCustomer).listReviews(of: a) } == .notFound)
            #expect(await statusCode { _ = try await world.client(for: .otherTenantCustomer).processMap(of: a) } == .notFound)
        }
    }

    struct Sent: Equatable {
        var recipient: UUID
        var subject: UUID?
        var message: String
    }

    /// The notification outbox of acme, oldest first.
    private func notifications(_ server: IdentityTestServer, _ world: TwoTenantWorld) async throws -> [Sent] {
        try await server.inTenant(world.acme) { connection in
            try await connection.query(
                "SELECT recipient_id, subject_id, message FROM notifications WHERE kind = 'action_assigned' ORDER BY created_at, id"
            ).map {
                Sent(
                    recipient: try $0.decode(UUID.self, column: "recipient_id"), subject: try $0.decode(UUID?.self, column: "subject_id"),
                    message: try $0.decode(String.self, column: "message"))
            }
        }
    }
}
