import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// Roadmap reviews of `keyplan.ActionPlan` — executive reviews with the customer: planned and held
/// by sellers, their agenda built by both sides, follow-up actions recorded, signed off by one of
/// the customer's people (the policy says who). Shared with the customer; every change journaled,
/// an agenda item about an internal action as internal.
struct RoadmapReviewService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(ActionPlanService.recordReview) { request, call in
            let caller = call.principal
            let fields = try Self.checked(
                ReviewFields(
                    heldOn: request.heldOn, attendeeIDs: request.attendeeIDs, guests: request.guests, decisions: request.decisions,
                    notes: request.notes, nextReviewOn: request.nextReviewOn, status: request.planned == true ? .planned : .held))
            let transaction = call.transaction
            _ = try await AccountParticipants(transaction: transaction, accountID: request.accountID).require(fields.attendeeIDs, as: "the attendee")
            let review = try await Self.repository(call).insert(tenantID: caller.tenantID, accountID: request.accountID, fields, by: caller.userID)
            try await PlanJournal(transaction: transaction, actor: caller).record(before: nil, after: review, visibility: .shared)
            if review.status == .held { try await Self.askForSignOff(review, in: call) }
            CallAudit.record { $0.objectID = review.id }
            return review
        }
        routes.account(ActionPlanService.updateReview) { request, call in
            let caller = call.principal
            try Validate.expectedVersion(request.expectedVersion)
            try Validate.noContradictions(request.contradictions)
            let transaction = call.transaction
            let reviews = Self.repository(call)
            let before = try await reviews.lock(request.reviewID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no review \(request.reviewID) in this account")
            if request.held == false, before.status == .held {
                throw RPCError(code: .invalidArgument, message: "the review was held already; record the next one as planned instead")
            }
            let fields = try Self.checked(Self.fields(of: before, changedBy: request))
            let added = fields.attendeeIDs.filter { !before.attendees.map(\.userID).contains($0) }
            _ = try await AccountParticipants(transaction: transaction, accountID: request.accountID).require(added, as: "the attendee")
            let after = try await reviews.update(before.id, fields, by: caller.userID)
            try await PlanJournal(transaction: transaction, actor: caller).record(before: before, after: after, visibility: .shared)
            if before.status == .planned, after.status == .held { try await Self.askForSignOff(after, in: call) }
            return after
        }
        routes.account(ActionPlanService.listReviews) { request, call in
            return ReviewList(reviews: try await Self.repository(call).list(of: request.accountID))
        }
        routes.account(ActionPlanService.addAgendaItem) { request, call in
            let reviews = Self.repository(call)
            let review = try await reviews.lock(request.reviewID, in: request.accountID)
                .unchanged(since: nil, missing: "no review \(request.reviewID) in this account")
            let title = try Validate.line(request.title, field: "title", characters: 1...300)
            if let position = request.position, !(0...999).contains(position) {
                throw RPCError(code: .invalidArgument, message: "position must be 0 to 999")
            }
            let visibility = try await Self.subjectVisibility(goalID: request.goalID, actionID: request.actionID, in: call)
            try await reviews.addAgendaItem(
                to: review.id, position: request.position, title: title, goalID: request.goalID, actionID: request.actionID, by: call.principal.userID
            )
            let after = try await reviews.touch(review.id, by: call.principal.userID)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).recordSummary(
                of: after, version: after.version, visibility: visibility, summary: "Agenda of the review of \(after.heldOn): “\(title)” added")
            return after
        }
        routes.account(ActionPlanService.removeAgendaItem) { request, call in
            let reviews = Self.repository(call)
            let review = try await reviews.lock(request.reviewID, in: request.accountID)
                .unchanged(since: nil, missing: "no review \(request.reviewID) in this account")
            // A customer may remove only what they can see: the review as they read it.
            guard let item = review.agenda.first(where: { $0.id == request.itemID }) else {
                throw RPCError(code: .notFound, message: "no item \(request.itemID) on the review's agenda")
            }
            let visibility = try await Self.subjectVisibility(goalID: nil, actionID: item.actionID, in: call)
            _ = try await reviews.removeAgendaItem(item.id, of: review.id)
            let after = try await reviews.touch(review.id, by: call.principal.userID)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).recordSummary(
                of: after, version: after.version, visibility: visibility, summary: "Agenda of the review of \(after.heldOn): “\(item.title)” removed"
            )
            return after
        }
        routes.account(ActionPlanService.addFollowUp) { request, call in
            let reviews = Self.repository(call)
            let review = try await reviews.lock(request.reviewID, in: request.accountID)
                .unchanged(since: nil, missing: "no review \(request.reviewID) in this account")
            guard review.status == .held else {
                throw RPCError(code: .failedPrecondition, message: "follow-ups are agreed in the meeting: mark the review held first")
            }
            let title = try Validate.line(request.title, field: "title", characters: 1...300)
            if let owner = request.ownerID {
                _ = try await AccountParticipants(transaction: call.transaction, accountID: request.accountID).person(owner, as: "the owner")
            }
            let action = try await ActionRepository(transaction: call.transaction).insert(
                tenantID: call.principal.tenantID, accountID: request.accountID,
                ActionFields(
                    title: title, description: "Agreed in the review of \(review.heldOn)", ownerID: request.ownerID, dueOn: request.dueOn,
                    status: .open, horizon: .near, goalID: nil, shared: true), by: call.principal.userID)
            // Journaled, and its owner told, as any new action.
            try await ActionService.journal(before: nil, after: action, by: call.principal, on: call.transaction)
            try await reviews.addFollowUp(action.id, to: review.id)
            let after = try await reviews.touch(review.id, by: call.principal.userID)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).recordSummary(
                of: after, version: after.version, visibility: .shared, summary: "Review of \(after.heldOn): follow-up “\(title)” agreed")
            return after
        }
        routes.account(ActionPlanService.signOffReview) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let reviews = Self.repository(call)
            let before = try await reviews.lock(request.reviewID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no review \(request.reviewID) in this account")
            guard before.status == .held else {
                throw RPCError(code: .failedPrecondition, message: "the review has not been held yet: it can be signed off after the meeting")
            }
            guard before.signOff == nil else {
                throw RPCError(
                    code: .failedPrecondition, message: "the review is signed off already, by \(before.signOff?.by.displayName ?? "someone")")
            }
            let after = try await reviews.signOff(before.id, by: call.principal.userID)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).record(
                before: before, after: after, visibility: .shared,
                summary: "\(after.journalName) signed off by \(after.signOff?.by.displayName ?? "the customer")")
            return after
        }
    }

    /// Reviews as the caller may read them: a customer sees no agenda item about an internal action and no internal follow-up.
    private static func repository(_ call: AccountCall) -> RoadmapReviewRepository {
        RoadmapReviewRepository(transaction: call.transaction, sharedOnly: call.principal.kind == .customer)
    }

    /// Who may read an agenda item about this goal or action: everyone, unless the action is internal — which
    /// a customer cannot name at all. The goal or action must be the account's.
    private static func subjectVisibility(goalID: UUID?, actionID: UUID?, in call: AccountCall) async throws -> Visibility {
        if goalID != nil, actionID != nil {
            throw RPCError(code: .invalidArgument, message: "an agenda item is about a goal or an action, not both")
        }
        if let goalID {
            let found = try await call.transaction.query("SELECT 1 FROM goals WHERE id = \(goalID) AND account_id = \(call.accountID)")
            guard !found.isEmpty else { throw RPCError(code: .notFound, message: "no goal \(goalID) in this account") }
        }
        guard let actionID else { return .shared }
        let rows = try await call.transaction.query("SELECT shared FROM actions WHERE id = \(actionID) AND account_id = \(call.accountID)")
        guard let shared = try rows.first?.decode(Bool.self, column: "shared"), shared || call.principal.kind != .customer else {
            throw RPCError(code: .notFound, message: "no action \(actionID) in this account's plan")
        }
        return shared ? .shared : .internal
    }

    /// Asks the customer's people who attended a held review to sign it off (the notification outbox, and so mail).
    private static func askForSignOff(_ review: RoadmapReview, in call: AccountCall) async throws {
        let customers = review.attendees.filter { $0.kind == .customer }.map(\.userID)
        let account = try await AccountRepository(transaction: call.transaction).get(review.accountID, for: call.principal)
        try await NotificationOutbox(transaction: call.transaction).enqueue(
            .reviewSignOff, to: customers, except: call.principal.userID, tenantID: call.principal.tenantID, accountID: review.accountID,
            subjectID: review.id,
            message: "Please sign off the review of \(review.heldOn)\(account.map { " with \($0.name)" } ?? ""): its decisions and follow-ups",
            dedupeKey: "review_sign_off:\(review.id)")
    }

    static func fields(of review: RoadmapReview, changedBy request: UpdateReviewRequest) -> ReviewFields {
        ReviewFields(
            heldOn: request.heldOn ?? review.heldOn,
            attendeeIDs: request.attendeeIDs ?? review.attendees.map(\.userID),
            guests: request.guests ?? review.guests,
            decisions: request.decisions ?? review.decisions,
            notes: request.notes ?? review.notes,
            nextReviewOn: request.clear.contains(.nextReviewOn) ? nil : request.nextReviewOn ?? review.nextReviewOn,
            status: request.held == true ? .held : review.status)
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
