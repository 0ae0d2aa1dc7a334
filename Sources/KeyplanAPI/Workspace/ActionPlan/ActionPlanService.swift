public import Foundation
public import KeyplanRPC

/// `keyplan.ActionPlan`: an account's living action plan, its process map and its roadmap
/// reviews. Customers read the shared part (the mutual action plan, the map, the reviews);
/// customer editors also create and update shared actions. Every change is journaled.
public enum ActionPlanService {
    public static let name = "keyplan.ActionPlan"
    public static let createAction = RPCMethod<CreateActionRequest, PlanAction>.unary(name, "CreateAction")
    /// Co-edited (``CurrentRecord``): a stale `expectedVersion` answers ABORTED with the current action.
    public static let updateAction = RPCMethod<UpdateActionRequest, PlanAction>.unary(name, "UpdateAction")
    public static let deleteAction = RPCMethod<DeleteActionRequest, Empty>.unary(name, "DeleteAction")
    public static let listActions = RPCMethod<ListActionsRequest, ActionList>.read(name, "ListActions")
    public static let getAction = RPCMethod<ActionRef, PlanAction>.read(name, "GetAction")
    public static let addProcessStep = RPCMethod<AddProcessStepRequest, ProcessStep>.unary(name, "AddProcessStep")
    /// Co-edited (``CurrentRecord``): a stale `expectedVersion` answers ABORTED with the current step.
    public static let updateProcessStep = RPCMethod<UpdateProcessStepRequest, ProcessStep>.unary(name, "UpdateProcessStep")
    public static let removeProcessStep = RPCMethod<RemoveProcessStepRequest, Empty>.unary(name, "RemoveProcessStep")
    public static let processMap = RPCMethod<AccountRef, ProcessMap>.read(name, "ProcessMap")
    public static let recordReview = RPCMethod<RecordReviewRequest, RoadmapReview>.unary(name, "RecordReview")
    /// Co-edited (``CurrentRecord``): a stale `expectedVersion` answers ABORTED with the current review.
    public static let updateReview = RPCMethod<UpdateReviewRequest, RoadmapReview>.unary(name, "UpdateReview")
    public static let listReviews = RPCMethod<AccountRef, ReviewList>.read(name, "ListReviews")
    /// Adds an item to a review's agenda (both sides, before or during the meeting).
    public static let addAgendaItem = RPCMethod<AddAgendaItemRequest, RoadmapReview>.unary(name, "AddAgendaItem")
    public static let removeAgendaItem = RPCMethod<RemoveAgendaItemRequest, RoadmapReview>.unary(name, "RemoveAgendaItem")
    /// Records an action agreed in a held review: a new shared action of the plan.
    public static let addFollowUp = RPCMethod<AddFollowUpRequest, RoadmapReview>.unary(name, "AddFollowUp")
    /// The customer's sign-off of a held review.
    public static let signOffReview = RPCMethod<SignOffReviewRequest, RoadmapReview>.unary(name, "SignOffReview")
}

extension KeyplanClient {
    public func createAction(_ request: CreateActionRequest) async throws -> PlanAction {
        try await call(ActionPlanService.createAction, request)
    }

    public func updateAction(_ request: UpdateActionRequest) async throws -> PlanAction {
        try await call(ActionPlanService.updateAction, request)
    }

    public func deleteAction(_ request: DeleteActionRequest) async throws {
        _ = try await call(ActionPlanService.deleteAction, request)
    }

    public func listActions(_ request: ListActionsRequest) async throws -> [PlanAction] {
        try await call(ActionPlanService.listActions, request).actions
    }

    public func getAction(accountID: UUID, actionID: UUID) async throws -> PlanAction {
        try await call(ActionPlanService.getAction, ActionRef(accountID: accountID, actionID: actionID))
    }

    public func addProcessStep(_ request: AddProcessStepRequest) async throws -> ProcessStep {
        try await call(ActionPlanService.addProcessStep, request)
    }

    public func updateProcessStep(_ request: UpdateProcessStepRequest) async throws -> ProcessStep {
        try await call(ActionPlanService.updateProcessStep, request)
    }

    public func removeProcessStep(_ request: RemoveProcessStepRequest) async throws {
        _ = try await call(ActionPlanService.removeProcessStep, request)
    }

    public func processMap(of accountID: UUID) async throws -> [ProcessStep] {
        try await call(ActionPlanService.processMap, AccountRef(accountID: accountID)).steps
    }

    public func recordReview(_ request: RecordReviewRequest) async throws -> RoadmapReview {
        try await call(ActionPlanService.recordReview, request)
    }

    public func updateReview(_ request: UpdateReviewRequest) async throws -> RoadmapReview {
        try await call(ActionPlanService.updateReview, request)
    }

    public func addAgendaItem(_ request: AddAgendaItemRequest) async throws -> RoadmapReview {
        try await call(ActionPlanService.addAgendaItem, request)
    }

    public func removeAgendaItem(accountID: UUID, reviewID: UUID, itemID: UUID) async throws -> RoadmapReview {
        try await call(ActionPlanService.removeAgendaItem, RemoveAgendaItemRequest(accountID: accountID, reviewID: reviewID, itemID: itemID))
    }

    public func addFollowUp(_ request: AddFollowUpRequest) async throws -> RoadmapReview {
        try await call(ActionPlanService.addFollowUp, request)
    }

    public func signOffReview(accountID: UUID, reviewID: UUID, expectedVersion: Int) async throws -> RoadmapReview {
        try await call(
            ActionPlanService.signOffReview, SignOffReviewRequest(accountID: accountID, reviewID: reviewID, expectedVersion: expectedVersion))
    }

    public func listReviews(of accountID: UUID) async throws -> [RoadmapReview] {
        try await call(ActionPlanService.listReviews, AccountRef(accountID: accountID)).reviews
    }
}
