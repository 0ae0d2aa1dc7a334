import Foundation
import KeyplanAPI
import KeyplanRPC

/// The process map of `keyplan.ActionPlan`: shared with the customer, edited by sellers (the
/// policy says who); every change journaled as shared.
struct ProcessStepService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(ActionPlanService.setProcessStep) { request, call in
            let caller = call.principal
            let request = try Self.checked(request)
            let transaction = call.transaction
            let steps = ProcessStepRepository(transaction: transaction)
            if let user = request.responsibleUserID {
                _ = try await AccountParticipants(transaction: transaction, accountID: request.accountID).require(user, as: "the responsible user")
            }
            let journal = PlanJournal(transaction: transaction, actor: caller)
            guard let id = request.stepID else {
                let step = try await steps.insert(tenantID: caller.tenantID, request, by: caller.userID)
                try await journal.record(before: nil, after: step, visibility: .shared)
                return step
            }
            let before = try await steps.lock(id, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no process step \(id) in this account")
            let after = try await steps.update(id, request, by: caller.userID)
            try await journal.record(before: before, after: after, visibility: .shared)
            return after
        }
        routes.account(ActionPlanService.removeProcessStep) { request, call in
            let caller = call.principal
            try Validate.expectedVersion(request.expectedVersion)
            let transaction = call.transaction
            let steps = ProcessStepRepository(transaction: transaction)
            let before = try await steps.lock(request.stepID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no process step \(request.stepID) in this account")
            try await steps.delete(before.id)
            try await PlanJournal(transaction: transaction, actor: caller).record(before: before, after: nil as ProcessStep?, visibility: .shared)
            return Empty()
        }
        routes.account(ActionPlanService.processMap) { request, call in
            return ProcessMap(steps: try await ProcessStepRepository(transaction: call.transaction).map(of: request.accountID))
        }
    }

    static func checked(_ request: SetProcessStepRequest) throws -> SetProcessStepRequest {
        var request = request
        request.activity = try Validate.line(request.activity, field: "activity", characters: 1...300)
        request.responsible = try Validate.line(request.responsible, field: "responsible", characters: 0...200)
        if request.responsibleUserID != nil, !request.responsible.isEmpty {
            throw RPCError(code: .invalidArgument, message: "name the responsible person either as a user or as text, not both")
        }
        if let position = request.position, !(0...999).contains(position) {
            throw RPCError(code: .invalidArgument, message: "position must be 0 to 999")
        }
        if request.stepID != nil, request.expectedVersion == nil {
            throw RPCError(code: .invalidArgument, message: "changing a step needs the expectedVersion it was read at")
        }
        try Validate.expectedVersion(request.expectedVersion)
        return request
    }
}
