import Foundation
import KeyplanAPI
import KeyplanRPC

/// Roadmap reviews of `keyplan.ActionPlan`: shared with the customer, recorded by sellers (the
/// policy says who); every change journaled as shared.
struct RoadmapReviewService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(ActionPlanService.recordReview) { request, call in
            let caller = call.principal
            let fields = try Self.checked(ReviewFields(
                heldOn: request.heldOn, attendeeIDs: request.attendeeIDs, guests: request.guests, decisions: request.decisions,
                notes: request.notes, nextReviewOn: request.nextReviewOn))
            let transaction = call.transaction
            _ = try await AccountParticipants(transaction: transaction, accountID: request.accountID).require(fields.attendeeIDs, as: "the attendee")
            let review = try await RoadmapReviewRepository(transaction: transaction).insert(
                tenantID: caller.tenantID, accountID: request.accountID, fields, by: caller.userID)
            try await PlanJournal(transaction: transaction, actor: caller).record(before: nil, after: review, visibility: .shared)
            CallAudit.record { $0.objectID = review.id }
            return review
        }
        routes.account(ActionPlanService.updateReview) { request, call in
            let caller = call.principal
            try Validate.expectedVersion(request.expectedVersion)
            try Validate.noContradictions(request.contradictions)
            let transaction = call.transaction
            let reviews = RoadmapReviewRepository(transaction: transaction)
            let before = try await reviews.lock(request.reviewID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no review \(request.reviewID) in this account")
            let fields = try Self.checked(Self.fields(of: before, changedBy: request))
            let added = fields.attendeeIDs.filter { !before.attendees.map(\.userID).contains($0) }
            _ = try await AccountParticipants(transaction: transaction, accountID: request.accountID).require(added, as: "the attendee")
            let after = try await reviews.update(before.id, fields, by: caller.userID)
            try await PlanJournal(transaction: transaction, actor: caller).record(before: before, after: after, visibility: .shared)
            return after
        }
        routes.account(ActionPlanService.listReviews) { request, call in
            return ReviewList(reviews: try await RoadmapReviewRepository(transaction: call.transaction).list(of: request.accountID))
        }
    }

    static func fields(of review: RoadmapReview, changedBy request: UpdateReviewRequest) -> ReviewFields {
        ReviewFields(
            heldOn: request.heldOn ?? review.heldOn,
            attendeeIDs: request.attendeeIDs ?? review.attendees.map(\.userID),
            guests: request.guests ?? review.guests,
            decisions: request.decisions ?? review.decisions,
            notes: request.notes ?? review.notes,
            nextReviewOn: request.clear.contains(.nextReviewOn) ? nil : request.nextReviewOn ?? review.nextReviewOn)
    }

    static func checked(_ fields: ReviewFields) throws -> ReviewFields {
        var fields = fields
        var seen = Set<UUID>()
        fields.attendeeIDs = fields.attendeeIDs.filter { seen.insert($0).inserted }
        guard fields.attendeeIDs.count <= 100 else { throw RPCError(code: .invalidArgument, message: "at most 100 attendees") }
        fields.guests = try Validate.lines(fields.guests, field: "guests", maximum: 100, characters: 1...200)
        fields.decisions = try Validate.lines(fields.decisions, field: "decisions", maximum: 100, characters: 1...2000)
        fields.notes = try Validate.freeText(fields.notes, field: "notes", maximum: 10_000)
        if let next = fields.nextReviewOn, next <= fields.heldOn {
            throw RPCError(code: .invalidArgument, message: "the next review (\(next)) must come after this one (\(fields.heldOn))")
        }
        return fields
    }
}
