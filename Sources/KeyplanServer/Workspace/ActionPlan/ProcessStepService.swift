import Foundation
import KeyplanAPI
import KeyplanRPC

/// The process map of `keyplan.ActionPlan`: shared with the customer, edited by sellers (the
/// policy says who); every change journaled as shared.
struct ProcessStepService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(ActionPlanService.addProcessStep) { request, call in
            let fields = try Self.checked(
                StepFields(
                    position: request.position, activity: request.activity, responsibleUserID: request.responsibleUserID,
                    responsible: request.responsible, side: request.side))
            try await Self.checkResponsible(fields, was: nil, in: call)
            let step = try await ProcessStepRepository(transaction: call.transaction).insert(
                tenantID: call.principal.tenantID, accountID: request.accountID, fields, by: call.principal.userID)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).record(before: nil, after: step, visibility: .shared)
            CallAudit.record { $0.objectID = step.id }
            return step
        }
        routes.account(ActionPlanService.updateProcessStep) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            try Validate.noContradictions(request.contradictions)
            if request.responsibleUserID != nil, request.responsible != nil {
                throw RPCError(code: .invalidArgument, message: "name the responsible person either as a user or as text, not both")
            }
            let steps = ProcessStepRepository(transaction: call.transaction)
            let before = try await steps.lock(request.stepID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no process step \(request.stepID) in this account")
            var fields = StepFields(
                position: request.position, activity: request.activity ?? before.activity, responsibleUserID: before.responsibleUserID,
                responsible: before.responsible, side: request.side ?? before.side)
            if let user = request.responsibleUserID { (fields.responsibleUserID, fields.responsible) = (user, "") }
            if let text = request.responsible { (fields.responsibleUserID, fields.responsible) = (nil, text) }
            if request.clear.contains(.responsible) { (fields.responsibleUserID, fields.responsible) = (nil, "") }
            fields = try Self.checked(fields)
            try await Self.checkResponsible(fields, was: before, in: call)
            let after = try await steps.update(before.id, fields, by: call.principal.userID)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).record(before: before, after: after, visibility: .shared)
            return after
        }
        routes.account(ActionPlanService.removeProcessStep) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let steps = ProcessStepRepository(transaction: call.transaction)
            let before = try await steps.lock(request.stepID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no process step \(request.stepID) in this account")
            try await steps.delete(before.id)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).record(
                before: before, after: nil as ProcessStep?, visibility: .shared)
            return Empty()
        }
        routes.account(ActionPlanService.processMap) { request, call in
            return ProcessMap(steps: try await ProcessStepRepository(transaction: call.transaction).map(of: request.accountID))
        }
    }

    /// A responsible user must take part in the account, when one is newly named.
    private static func checkResponsible(_ fields: StepFields, was before: ProcessStep?, in call: AccountCall) async throws {
        guard let user = fields.responsibleUserID, user != before?.responsibleUserID else { return }
        _ = try await AccountParticipants(transaction: call.transaction, accountID: call.accountID).person(user, as: "the responsible person")
    }

    static func checked(_ fields: StepFields) throws -> StepFields {
        var fields = fields
        fields.activity = try Validate.line(fields.activity, field: "activity", characters: 1...300)
        fields.responsible = try Validate.line(fields.responsible, field: "responsible", characters: 0...200)
        if fields.responsibleUserID != nil, !fields.responsible.isEmpty {
            throw RPCError(code: .invalidArgument, message: "name the responsible person either as a user or as text, not both")
        }
        if let position = fields.position, !(0...999).contains(position) {
            throw RPCError(code: .invalidArgument, message: "position must be 0 to 999")
        }
        return fields
    }
}

/// What a person sets on a process step; a `nil` position places a new step last and keeps an
/// existing one's.
struct StepFields: Sendable {
    var position: Int?
    var activity: String
    var responsibleUserID: UUID?
    var responsible: String
    var side: ProcessSide
}
