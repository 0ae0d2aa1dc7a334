public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Scorecards`: customer value scorecards. Tenant admins define templates; sellers open
/// scoring rounds per account and period; the account's invited customers answer; sellers read
/// the results and the trend. A customer sees the rounds, the criteria (without weights) and
/// their own answers only.
public enum ScorecardsService {
    public static let name = "keyplan.Scorecards"
    /// A new template (admins). Templates are never edited: create another, archive the old.
    public static let createTemplate = RPCMethod<CreateTemplateRequest, ScorecardTemplate>.unary(name, "CreateTemplate")
    /// The tenant's templates, by name (sellers).
    public static let listTemplates = RPCMethod<ListTemplatesRequest, TemplateList>.read(name, "ListTemplates")
    public static let getTemplate = RPCMethod<TemplateRef, ScorecardTemplate>.read(name, "GetTemplate")
    /// Archives a template (admins): it opens no new rounds; existing rounds keep it.
    public static let archiveTemplate = RPCMethod<ArchiveTemplateRequest, ScorecardTemplate>.unary(name, "ArchiveTemplate")
    /// Opens a round for an account, a template and a period, and tells the account's invited
    /// customers. One round per account, template and period: another is ALREADY_EXISTS.
    public static let openRound = RPCMethod<OpenRoundRequest, ScoringRound>.unary(name, "OpenRound")
    /// Closes a round: answers are final.
    public static let closeRound = RPCMethod<CloseRoundRequest, ScoringRound>.unary(name, "CloseRound")
    /// An account's rounds, newest first.
    public static let listRounds = RPCMethod<ListRoundsRequest, RoundList>.read(name, "ListRounds")
    /// A round, its criteria and the responses the caller may see.
    public static let getRound = RPCMethod<RoundRef, RoundDetail>.read(name, "GetRound")
    /// A customer's answers to an open round; answering again replaces them.
    public static let answer = RPCMethod<AnswerRequest, ScorecardResponse>.unary(name, "Answer")
    /// A round's results (seller-internal).
    public static let results = RPCMethod<RoundRef, RoundResults>.read(name, "Results")
    /// An account's scores of one template across its rounds (seller-internal).
    public static let trend = RPCMethod<TrendRequest, ScorecardTrend>.read(name, "Trend")
}

@WireMessage
public struct ListTemplatesRequest: Codable, Hashable, Sendable {
    public var includeArchived: Bool

    public init(includeArchived: Bool = false) { self.includeArchived = includeArchived }

    enum CodingKeys: Int, CodingKey { case includeArchived = 1 }
}

@WireMessage
public struct TemplateList: Codable, Hashable, Sendable {
    public var templates: [ScorecardTemplate]

    public init(templates: [ScorecardTemplate]) { self.templates = templates }

    enum CodingKeys: Int, CodingKey { case templates = 1 }
}

@WireMessage
public struct TemplateRef: Codable, Hashable, Sendable {
    public var templateID: UUID

    public init(templateID: UUID) { self.templateID = templateID }

    enum CodingKeys: Int, CodingKey { case templateID = 1 }
}

/// Archives a template read at `expectedVersion` (else ABORTED with the current one).
@WireMessage
public struct ArchiveTemplateRequest: Codable, Hashable, Sendable {
    public var templateID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case templateID = 1, expectedVersion = 2 }
}

/// Closes a round read at `expectedVersion` (else ABORTED with the current one).
@WireMessage
public struct CloseRoundRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var roundID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, roundID = 2, expectedVersion = 3 }
}

@WireMessage
public struct OpenRoundRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var templateID: UUID
    /// What the round scores, e.g. "2026-Q4" or "2026-H1": 1 to 50 letters, digits, spaces and
    /// `-_./`. Trends order rounds by period text, so use one sortable format per template.
    public var period: String
    /// When the round closes by itself (in the future), if at all.
    public var closesAt: Date?

    enum CodingKeys: Int, CodingKey { case accountID = 1, templateID = 2, period = 3, closesAt = 4 }
}

@WireMessage
public struct RoundRef: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var roundID: UUID

    enum CodingKeys: Int, CodingKey { case accountID = 1, roundID = 2 }
}

@WireMessage
public struct ListRoundsRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// Only this template's rounds, if set.
    public var templateID: UUID?

    enum CodingKeys: Int, CodingKey { case accountID = 1, templateID = 2 }
}

@WireMessage
public struct RoundList: Codable, Hashable, Sendable {
    public var rounds: [ScoringRound]

    public init(rounds: [ScoringRound]) { self.rounds = rounds }

    enum CodingKeys: Int, CodingKey { case rounds = 1 }
}

/// A customer's answers. Criteria may be skipped (no opinion), but at least one is scored, each
/// once, within the round's scale.
@WireMessage
public struct AnswerRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var roundID: UUID
    public var answers: [CriterionScore]
    /// At most 4,000 characters.
    public var comment: String
    /// `nil` for a first answer; to replace earlier answers, their version read (the co-editing
    /// rule: ``CurrentRecord``). Either way, a mismatch — answers already there, or changed
    /// since — answers ABORTED with the current response.
    public var expectedVersion: Int?

    public init(accountID: UUID, roundID: UUID, answers: [CriterionScore], comment: String = "", expectedVersion: Int? = nil) {
        self.accountID = accountID
        self.roundID = roundID
        self.answers = answers
        self.comment = comment
        self.expectedVersion = expectedVersion
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, roundID = 2, answers = 3, comment = 4, expectedVersion = 5 }
}

@WireMessage
public struct TrendRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var templateID: UUID

    enum CodingKeys: Int, CodingKey { case accountID = 1, templateID = 2 }
}

extension KeyplanClient {
    public func createScorecardTemplate(_ request: CreateTemplateRequest) async throws -> ScorecardTemplate {
        try await call(ScorecardsService.createTemplate, request)
    }

    public func scorecardTemplates(includeArchived: Bool = false) async throws -> [ScorecardTemplate] {
        try await call(ScorecardsService.listTemplates, ListTemplatesRequest(includeArchived: includeArchived)).templates
    }

    public func scorecardTemplate(_ id: UUID) async throws -> ScorecardTemplate {
        try await call(ScorecardsService.getTemplate, TemplateRef(templateID: id))
    }

    public func archiveScorecardTemplate(_ id: UUID, expectedVersion: Int) async throws -> ScorecardTemplate {
        try await call(ScorecardsService.archiveTemplate, ArchiveTemplateRequest(templateID: id, expectedVersion: expectedVersion))
    }

    public func openScoringRound(_ request: OpenRoundRequest) async throws -> ScoringRound {
        try await call(ScorecardsService.openRound, request)
    }

    public func closeScoringRound(accountID: UUID, roundID: UUID, expectedVersion: Int) async throws -> ScoringRound {
        try await call(ScorecardsService.closeRound, CloseRoundRequest(accountID: accountID, roundID: roundID, expectedVersion: expectedVersion))
    }

    public func scoringRounds(accountID: UUID, templateID: UUID? = nil) async throws -> [ScoringRound] {
        try await call(ScorecardsService.listRounds, ListRoundsRequest(accountID: accountID, templateID: templateID)).rounds
    }

    public func scoringRound(accountID: UUID, roundID: UUID) async throws -> RoundDetail {
        try await call(ScorecardsService.getRound, RoundRef(accountID: accountID, roundID: roundID))
    }

    public func answerScorecard(_ request: AnswerRequest) async throws -> ScorecardResponse {
        try await call(ScorecardsService.answer, request)
    }

    public func scorecardResults(accountID: UUID, roundID: UUID) async throws -> RoundResults {
        try await call(ScorecardsService.results, RoundRef(accountID: accountID, roundID: roundID))
    }

    public func scorecardTrend(accountID: UUID, templateID: UUID) async throws -> ScorecardTrend {
        try await call(ScorecardsService.trend, TrendRequest(accountID: accountID, templateID: templateID))
    }
}
