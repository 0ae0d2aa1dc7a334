import Foundation
import KeyplanAPI
import KeyplanRPC

/// Workspace records as commands name them: an id, an unambiguous id prefix (the eight digits
/// the CLI prints), or their title.
enum Records {
    static func goal(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> GoalView {
        if let id = UUID(uuidString: text) { return try await client.goal(accountID: accountID, goalID: id) }
        let goals = try await client.goals(accountID: accountID).nodes.flatMap { [$0.goal] + $0.children }
        return try Reference.named("goal", goals, name: \.title, id: \.id).resolve(text)
    }

    static func action(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> PlanAction {
        if let id = UUID(uuidString: text) { return try await client.getAction(accountID: accountID, actionID: id) }
        let actions = try await client.listActions(ListActionsRequest(accountID: accountID))
        return try Reference.named("action", actions, name: \.title, id: \.id).resolve(text)
    }

    static func step(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> ProcessStep {
        let steps = try await client.processMap(of: accountID)
        return try Reference.named("process step", steps, name: \.activity, id: \.id).resolve(text)
    }

    static func buyingStage(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> BuyingStage {
        let stages = try await client.journey(of: accountID).stages
        return try Reference.named("buying stage", stages, name: \.name, id: \.id).resolve(text)
    }

    static func review(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> RoadmapReview {
        let reviews = try await client.listReviews(of: accountID)
        return try Reference(
            noun: "review", items: reviews, id: \.id, names: { [$0.heldOn.description] }, describe: { "\($0.heldOn) (\($0.id.short))" }
        )
        .resolve(text)
    }

    static func round(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> ScoringRound {
        let rounds = try await client.scoringRounds(accountID: accountID)
        return try Reference(
            noun: "scoring round", items: rounds, id: \.id, names: { [$0.period, "\($0.templateName) \($0.period)"] },
            describe: { "\($0.templateName) \($0.period) (\($0.id.short))" }
        ).resolve(text)
    }

    static func template(_ text: String, _ client: KeyplanClient, includeArchived: Bool = true) async throws -> ScorecardTemplate {
        let templates = try await client.scorecardTemplates(includeArchived: includeArchived)
        return try Reference.named("scorecard template", templates, name: \.name, id: \.id).resolve(text)
    }

    static func contact(_ text: String, in map: RelationshipMap) throws -> Contact {
        try Reference(
            noun: "contact", items: map.contacts, id: \.id, names: { [$0.fullName] + ($0.email.map { [$0] } ?? []) },
            describe: { "\($0.label) (\($0.id.short))" }
        ).resolve(text)
    }

    /// A record of any kind with a history: a goal, an action, a process step, a review, a scoring
    /// round, a contact, a whitespace cell (“Finance × Analytics”) — by id (no lookup), id prefix or title. Kinds the caller may not see
    /// (a customer and the relationship map) are left out of the search.
    struct Named {
        var id: UUID
        var kind: String
        var title: String
    }

    static func any(_ text: String, account accountID: UUID, _ client: KeyplanClient) async throws -> Named {
        if let id = UUID(uuidString: text) { return Named(id: id, kind: "record", title: text) }
        var records: [Named] = []
        func gather(_ kind: String, _ list: () async throws -> [(UUID, String)]) async throws {
            do {
                records += try await list().map { Named(id: $0.0, kind: kind, title: $0.1) }
            } catch let error as RPCError where error.code == .permissionDenied {}
        }
        try await gather("goal") { try await client.goals(accountID: accountID).nodes.flatMap { [$0.goal] + $0.children }.map { ($0.id, $0.title) } }
        try await gather("action") { try await client.listActions(ListActionsRequest(accountID: accountID)).map { ($0.id, $0.title) } }
        try await gather("process step") { try await client.processMap(of: accountID).map { ($0.id, $0.activity) } }
        try await gather("review") { try await client.listReviews(of: accountID).map { ($0.id, "review of \($0.heldOn)") } }
        try await gather("scoring round") { try await client.scoringRounds(accountID: accountID).map { ($0.id, "\($0.templateName) \($0.period)") } }
        try await gather("contact") { try await client.relationshipMap(of: accountID).contacts.map { ($0.id, $0.fullName) } }
        try await gather("whitespace cell") {
            try await client.whitespace(of: accountID).cells.map { ($0.id, "\($0.businessUnit) × \($0.solutionName)") }
        }
        return try Reference(
            noun: "record", items: records, id: \.id, names: { [$0.title] }, describe: { "\($0.kind) “\($0.title)” (\($0.id.short))" }
        )
        .resolve(text)
    }
}
