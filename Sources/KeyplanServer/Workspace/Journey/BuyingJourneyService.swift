import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Journey`: the customer's buying stages, shared with them; sellers of the team and
/// customer editors maintain them together (the policy says who). Every change is journaled as
/// shared — without the stage's actions, which may include internal ones.
struct BuyingJourneyService: SecuredService {
    let environment: ServiceEnvironment

    /// Stages per account.
    static let maximumStages = 30

    func register(with routes: inout SecuredRoutes) {
        routes.account(JourneyService.get) { request, call in
            BuyingJourney(stages: try await Self.repository(call).journey(of: request.accountID))
        }
        routes.account(JourneyService.start) { request, call in
            let stages = Self.repository(call)
            guard try await stages.journey(of: request.accountID).isEmpty else {
                throw RPCError(code: .alreadyExists, message: "the account's journey has stages already: add, change or remove them instead")
            }
            let names = try Validate.lines(
                request.stages.isEmpty ? StartJourneyRequest.defaultStages : request.stages, field: "stages", maximum: Self.maximumStages,
                characters: 1...100)
            guard Set(names.map { $0.lowercased() }).count == names.count else {
                throw RPCError(code: .invalidArgument, message: "each stage needs a name of its own")
            }
            let journal = PlanJournal(transaction: call.transaction, actor: call.principal)
            for (position, name) in names.enumerated() {
                let stage = try await stages.insert(
                    tenantID: call.principal.tenantID, accountID: request.accountID, position: position, name: name, customerPeople: "",
                    criteria: "", by: call.principal.userID)
                try await journal.record(before: nil, after: stage, visibility: .shared)
            }
            return BuyingJourney(stages: try await stages.journey(of: request.accountID))
        }
        routes.account(JourneyService.addStage) { request, call in
            let stages = Self.repository(call)
            guard try await stages.journey(of: request.accountID).count < Self.maximumStages else {
                throw RPCError(code: .failedPrecondition, message: "an account's journey has at most \(Self.maximumStages) stages")
            }
            let fields = try Self.checked(
                position: request.position, name: request.name, customerPeople: request.customerPeople, criteria: request.criteria)
            let stage = try await Self.unique(request.accountID, fields.name) {
                try await stages.insert(
                    tenantID: call.principal.tenantID, accountID: request.accountID, position: fields.position, name: fields.name,
                    customerPeople: fields.customerPeople, criteria: fields.criteria, by: call.principal.userID)
            }
            try await PlanJournal(transaction: call.transaction, actor: call.principal).record(before: nil, after: stage, visibility: .shared)
            CallAudit.record { $0.objectID = stage.id }
            return stage
        }
        routes.account(JourneyService.updateStage) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let stages = Self.repository(call)
            let before = try await stages.lock(request.stageID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no buying stage \(request.stageID) in this account")
            let fields = try Self.checked(
                position: request.position ?? before.position, name: request.name ?? before.name,
                customerPeople: request.customerPeople ?? before.customerPeople, criteria: request.criteria ?? before.criteria)
            let current = request.current ?? before.current
            let journal = PlanJournal(transaction: call.transaction, actor: call.principal)
            // One stage is the customer's now: the one that was stops being it, as its own journaled change.
            if current, !before.current, let previous = try await stages.lockCurrent(in: request.accountID, other: before.id) {
                try await stages.update(
                    previous.id, position: previous.position, name: previous.name, customerPeople: previous.customerPeople,
                    criteria: previous.criteria, current: false, by: call.principal.userID)
                try await journal.record(before: previous, after: try await stages.reread(previous.id), visibility: .shared)
            }
            try await Self.unique(request.accountID, fields.name) {
                try await stages.update(
                    before.id, position: fields.position ?? before.position, name: fields.name, customerPeople: fields.customerPeople,
                    criteria: fields.criteria, current: current, by: call.principal.userID)
            }
            if let actionIDs = request.actionIDs {
                try await Self.link(actionIDs, to: before.id, in: call, stages)
            }
            if let stepIDs = request.processStepIDs {
                let unique = Array(Set(stepIDs))
                guard unique.count <= 100, try await stages.link(before.id, steps: unique, in: request.accountID) else {
                    throw RPCError(code: .notFound, message: "not every step named is a step of this account's process map: nothing was changed")
                }
            }
            let after = try await stages.reread(before.id)
            let summary = before.current == after.current || !after.current ? nil : "The customer is now at “\(after.name)”"
            try await journal.record(before: before, after: after, visibility: .shared, summary: summary)
            return after
        }
        routes.account(JourneyService.removeStage) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let stages = Self.repository(call)
            let before = try await stages.lock(request.stageID, in: request.accountID)
                .unchanged(since: request.expectedVersion, missing: "no buying stage \(request.stageID) in this account")
            try await stages.delete(before.id)
            try await PlanJournal(transaction: call.transaction, actor: call.principal).record(
                before: before, after: nil as BuyingStage?, visibility: .shared)
            return Empty()
        }
    }

    /// Stages as the caller may read them: a customer sees a stage's shared actions only.
    private static func repository(_ call: AccountCall) -> BuyingStageRepository {
        BuyingStageRepository(transaction: call.transaction, sharedActionsOnly: call.principal.kind == .customer)
    }

    /// Replaces the stage's actions. Each must be an action of the account that the caller can see; a
    /// customer's list leaves the internal actions linked by sellers as they are (the customer never saw them).
    private static func link(_ actionIDs: [UUID], to stage: UUID, in call: AccountCall, _ stages: BuyingStageRepository) async throws {
        let wanted = Array(Set(actionIDs))
        guard wanted.count <= 100 else { throw RPCError(code: .invalidArgument, message: "a stage has at most 100 actions") }
        let customer = call.principal.kind == .customer
        let found = try await stages.actions(wanted, in: call.accountID)
        guard wanted.allSatisfy({ id in found[id].map { shared in shared || !customer } ?? false }) else {
            throw RPCError(code: .notFound, message: "not every action named is an action of this account's plan: nothing was changed")
        }
        try await stages.link(stage, actions: wanted, keeping: customer ? try await stages.internalActions(of: stage) : [])
    }

    /// Runs `write`, turning a second stage of the same name into a clear refusal.
    @discardableResult
    private static func unique<Result>(_ accountID: UUID, _ name: String, _ write: () async throws -> Result) async throws -> Result {
        do {
            return try await write()
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw RPCError(code: .alreadyExists, message: "the journey has a stage named “\(name)” already: choose another name")
        }
    }

    private static func checked(
        position: Int?, name: String, customerPeople: String, criteria: String
    ) throws -> (
        position: Int?, name: String, customerPeople: String, criteria: String
    ) {
        if let position, !(0...999).contains(position) {
            throw RPCError(code: .invalidArgument, message: "position must be 0 to 999")
        }
        return (
            position, try Validate.line(name, field: "name", characters: 1...100),
            try Validate.text(customerPeople, field: "customerPeople", characters: 0...1000),
            try Validate.text(criteria, field: "criteria", characters: 0...2000)
        )
    }
}
