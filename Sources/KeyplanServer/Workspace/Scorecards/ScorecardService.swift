import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Scorecards`: templates, scoring rounds, customers' answers, results and trends.
///
/// Opening and closing a round are journaled as shared changes (customers see that a round
/// opened); a response is journaled as internal, with a summary that carries no score, so no
/// customer ever reads another's answers in the history, and the customer's own answers reach
/// them through ``ScorecardsService/getRound`` only.
struct ScorecardService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        registerTemplates(with: &routes)
        registerRounds(with: &routes)
        registerAnswers(with: &routes)
    }

    private func registerTemplates(with routes: inout SecuredRoutes) {
        routes.tenant(ScorecardsService.createTemplate) { request, call in
            let caller = call.principal
            let request = request.trimmed
            if let problem = request.problem { throw RPCError(code: .invalidArgument, message: problem) }
            let templates = ScorecardTemplateRepository(transaction: call.transaction)
            guard try await !templates.nameIsTaken(request.name) else {
                throw RPCError(code: .alreadyExists, message: "a scorecard template named “\(request.name)” already exists")
            }
            let template = try await templates.insert(tenantID: caller.tenantID, request, by: caller.userID)
            CallAudit.record { $0.objectID = template.id }
            return template
        }
        routes.tenant(ScorecardsService.listTemplates) { request, call in
            return TemplateList(
                templates: try await ScorecardTemplateRepository(transaction: call.transaction).list(includeArchived: request.includeArchived))
        }
        routes.tenant(ScorecardsService.getTemplate) { request, call in
            CallAudit.record { $0.objectID = request.templateID }
            return try Self.found(
                try await ScorecardTemplateRepository(transaction: call.transaction).template(request.templateID),
                "no scorecard template \(request.templateID)")
        }
        routes.tenant(ScorecardsService.archiveTemplate) { request, call in
            CallAudit.record { $0.objectID = request.templateID }
            try Validate.expectedVersion(request.expectedVersion)
            let templates = ScorecardTemplateRepository(transaction: call.transaction)
            let current = try await templates.template(request.templateID, lock: "FOR UPDATE OF t")
                .unchanged(since: request.expectedVersion, missing: "no scorecard template \(request.templateID)")
            guard current.archivedAt == nil else { return current }
            return try Self.found(try await templates.archive(current.id, by: call.principal.userID), "no scorecard template \(request.templateID)")
        }
    }

    private func registerRounds(with routes: inout SecuredRoutes) {
        routes.account(ScorecardsService.openRound) { request, call in
            let caller = call.principal
            let period = try Validate.period(request.period)
            if let closesAt = request.closesAt, closesAt <= Date() {
                throw RPCError(code: .invalidArgument, message: "the round must close in the future")
            }
            let transaction = call.transaction
            let templates = ScorecardTemplateRepository(transaction: transaction)
            let rounds = ScoringRoundRepository(transaction: transaction)
            let template = try Self.found(
                try await templates.template(request.templateID, locked: true), "no scorecard template \(request.templateID)")
            guard template.archivedAt == nil else {
                throw RPCError(code: .failedPrecondition, message: "the scorecard template “\(template.name)” is archived")
            }
            guard try await !rounds.exists(accountID: request.accountID, templateID: template.id, period: period) else {
                throw RPCError(code: .alreadyExists, message: "the account already has a round of “\(template.name)” for \(period)")
            }
            let id = try await rounds.insert(
                tenantID: caller.tenantID, accountID: request.accountID, templateID: template.id, period: period,
                closesAt: request.closesAt, by: caller.userID)
            let round = try await Self.round(id, in: request.accountID, for: caller, on: rounds)
            try await Self.journal(round, .created, "opened", before: nil, by: caller, on: transaction)
            let account = try await AccountRepository(transaction: transaction).get(request.accountID, for: caller)
            try await NotificationOutbox(transaction: transaction).enqueue(
                .scoringRoundOpened, to: try await rounds.activeCustomers(of: request.accountID), except: caller.userID,
                tenantID: caller.tenantID, accountID: request.accountID, subjectID: id,
                message: "Your scores, please: “\(template.name)” for \(period)\(account.map { " with \($0.name)" } ?? "")")
            return round
        }
        routes.account(ScorecardsService.closeRound) { request, call in
            let caller = call.principal
            try Validate.expectedVersion(request.expectedVersion)
            let transaction = call.transaction
            let rounds = ScoringRoundRepository(transaction: transaction)
            let before = try await rounds.round(request.roundID, in: request.accountID, for: caller, lock: .update)
                .unchanged(since: request.expectedVersion, missing: "no scoring round \(request.roundID)")
            guard before.closedAt == nil else {
                throw RPCError(code: .failedPrecondition, message: "the round is already closed")
            }
            try await rounds.close(before.id, by: caller.userID)
            let after = try await Self.round(before.id, in: request.accountID, for: caller, on: rounds)
            try await Self.journal(after, .updated, "closed", before: before, by: caller, on: transaction)
            return after
        }
        routes.account(ScorecardsService.listRounds) { request, call in
            let caller = call.principal
            return RoundList(
                rounds: try await ScoringRoundRepository(transaction: call.transaction).rounds(
                    in: request.accountID, templateID: request.templateID, for: caller))
        }
        routes.account(ScorecardsService.getRound) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            let rounds = ScoringRoundRepository(transaction: transaction)
            let round = try await Self.round(request.roundID, in: request.accountID, for: caller, on: rounds)
            return RoundDetail(
                round: round,
                criteria: try await ScorecardTemplateRepository(transaction: transaction).criteria(
                    of: round.templateID, withWeights: caller.kind != .customer),
                responses: try await rounds.responses(to: round.id, for: caller))
        }
        routes.account(ScorecardsService.results) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            let rounds = ScoringRoundRepository(transaction: transaction)
            let round = try await Self.round(request.roundID, in: request.accountID, for: caller, on: rounds)
            let criteria = try await ScorecardTemplateRepository(transaction: transaction).criteria(of: round.templateID, withWeights: true)
            return RoundResults(round: round, results: try await Self.results(of: [round], criteria: criteria, on: rounds)[0])
        }
        routes.account(ScorecardsService.trend) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            let template = try Self.found(
                try await ScorecardTemplateRepository(transaction: transaction).template(request.templateID),
                "no scorecard template \(request.templateID)")
            let rounds = ScoringRoundRepository(transaction: transaction)
            let ordered = try await rounds.trendRounds(in: request.accountID, templateID: template.id, for: caller)
            let results = try await Self.results(of: ordered, criteria: template.criteria, on: rounds)
            return ScorecardTrend(template: template, rounds: zip(ordered, results).map { (round: $0, results: $1) })
        }
    }

    private func registerAnswers(with routes: inout SecuredRoutes) {
        routes.account(ScorecardsService.answer) { request, call in
            let caller = call.principal
            try Validate.answers(request)
            let transaction = call.transaction
            let rounds = ScoringRoundRepository(transaction: transaction)
            let round = try await Self.round(request.roundID, in: request.accountID, for: caller, lock: .share, on: rounds)
            guard round.isOpen else { throw RPCError(code: .failedPrecondition, message: "the round is closed: answers are final") }
            let criteria = try await ScorecardTemplateRepository(transaction: transaction).criteria(of: round.templateID, withWeights: false)
            try Validate.answers(request.answers, to: criteria, on: round.scale)

            try Validate.expectedVersion(request.expectedVersion)
            let existing = try await rounds.responses(to: round.id, for: caller, lock: true).first
            switch (existing, request.expectedVersion) {
            case (nil, nil), (_?, _?): break
            case (nil, _?): throw RPCError(code: .failedPrecondition, message: "there are no answers of yours to replace yet")
            case (let existing?, nil):
                throw try CurrentRecord.aborted(
                    existing, version: existing.version,
                    message: "you have answered this round already (version \(existing.version)): name that version to replace your answers")
            }
            if let existing, let expected = request.expectedVersion, existing.version != expected {
                throw try existing.staleError(expected: expected)
            }
            let written = try await rounds.saveResponse(
                tenantID: caller.tenantID, roundID: round.id, respondent: caller.userID, answers: request.answers, comment: request.comment,
                replacing: existing != nil)
            let saved = try Self.found(try await rounds.responses(to: round.id, for: caller).first, "no response to \(round.id)")
            // Two first answers of one customer at once: the later one is told of the earlier.
            guard written else { throw try CurrentRecord.aborted(saved, version: saved.version) }
            try await WorkspaceJournal(transaction: transaction).record(
                JournalEntry(
                    accountID: round.accountID, entity: .scorecardResponse, entityID: saved.id, operation: existing == nil ? .created : .updated,
                    version: saved.version, visibility: .internal,
                    summary: "Scorecard “\(round.templateName)” \(round.period) \(existing == nil ? "answered" : "answers changed")",
                    fields: FieldChange.diff(
                        before: existing.map { Self.journaled($0, criteria) }, after: Self.journaled(saved, criteria), except: [])), by: caller)
            return saved
        }
    }

    /// The results of `rounds`, in order, from their answers to `criteria`.
    private static func results(
        of rounds: [ScoringRound], criteria: [ScorecardCriterion], on repository: ScoringRoundRepository
    ) async throws -> [ScorecardResults] {
        let ids = rounds.map(\.id)
        let answers = Dictionary(grouping: try await repository.answers(to: ids), by: \.roundID)
        let invited = try await repository.invitedCounts(of: ids)
        return rounds.map { round in
            ScorecardResults(criteria: criteria, answers: (answers[round.id] ?? []).map(\.answer), invitedCount: invited[round.id] ?? 0)
        }
    }

    /// Journals a round's opening or closing: shared, customers see rounds.
    private static func journal(
        _ round: ScoringRound, _ operation: WorkspaceChange.Operation, _ verb: String, before: ScoringRound?, by caller: Principal,
        on transaction: TenantTransaction
    ) async throws {
        let except: Set<String> = ["templateID", "answeredByMe", "responseCount", "isOpen"]
        try await WorkspaceJournal(transaction: transaction).record(
            JournalEntry(
                accountID: round.accountID, entity: .scoringRound, entityID: round.id, operation: operation, version: round.version,
                visibility: .shared, summary: "Scoring round “\(round.templateName)” \(round.period) \(verb)",
                fields: FieldChange.diff(before: before, after: round, except: except)), by: caller)
    }

    /// A response as the journal keeps it: the comment and one field per scored criterion, by name.
    private static func journaled(_ response: ScorecardResponse, _ criteria: [ScorecardCriterion]) -> [String: String] {
        var fields = ["comment": response.comment]
        for answer in response.answers {
            fields["score: " + (criteria.first { $0.id == answer.criterionID }?.name ?? answer.criterionID.uuidString)] = String(answer.score)
        }
        return fields
    }

    /// The round `id` of the account, or NOT_FOUND.
    private static func round(
        _ id: UUID, in accountID: UUID, for caller: Principal, lock: ScoringRoundRepository.Lock = .none, on rounds: ScoringRoundRepository
    ) async throws -> ScoringRound {
        try found(try await rounds.round(id, in: accountID, for: caller, lock: lock), "no scoring round \(id)")
    }

    /// `value`, or NOT_FOUND with `message`.
    private static func found<Value>(_ value: Value?, _ message: @autoclosure () -> String) throws -> Value {
        guard let value else { throw RPCError(code: .notFound, message: message()) }
        return value
    }
}
