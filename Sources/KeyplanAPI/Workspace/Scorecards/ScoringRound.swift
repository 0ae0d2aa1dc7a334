import Foundation
import KeyplanWire

/// A scoring round: the account's invited customers score one template for one period (e.g.
/// "2026-Q4"). Open until a seller closes it or its ``closesAt`` passes; answers can be given
/// and replaced only while it is open.
@WireMessage
public struct ScoringRound: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var templateID: UUID
    public var templateName: String
    public var period: String
    public var scale: ScoreScale
    public var openedBy: WorkspaceChange.Actor
    public var openedAt: Date
    /// When the round closes by itself, if set.
    public var closesAt: Date?
    /// When it was closed (by a seller, or at ``closesAt`` when a seller closed it after that).
    public var closedAt: Date?
    /// Whether answers are taken now: not closed, and ``closesAt`` (if any) not passed.
    public var isOpen: Bool
    public var version: Int
    /// Who changed the round last (opened or closed it), and when.
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date
    /// Whether the caller has answered (always false for sellers, who do not answer).
    public var answeredByMe: Bool
    /// Seller-internal: how many customers have answered; `nil` in a customer's view.
    public var responseCount: Int?

    public init(
        id: UUID, accountID: UUID, templateID: UUID, templateName: String, period: String, scale: ScoreScale, openedBy: WorkspaceChange.Actor,
        openedAt: Date, closesAt: Date?, closedAt: Date?, isOpen: Bool, version: Int,
        updatedBy: WorkspaceChange.Actor, updatedAt: Date, answeredByMe: Bool, responseCount: Int?
    ) {
        self.id = id
        self.accountID = accountID
        self.templateID = templateID
        self.templateName = templateName
        self.period = period
        self.scale = scale
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.closesAt = closesAt
        self.closedAt = closedAt
        self.isOpen = isOpen
        self.version = version
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.answeredByMe = answeredByMe
        self.responseCount = responseCount
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID, templateID, templateName, period, scale, openedBy, openedAt, closesAt, closedAt, isOpen, version, answeredByMe
        case responseCount, updatedBy, updatedAt
    }
}

/// One criterion's score in a response.
@WireMessage
public struct CriterionScore: Codable, Hashable, Sendable {
    public var criterionID: UUID
    public var score: Int

    public init(criterionID: UUID, score: Int) {
        self.criterionID = criterionID
        self.score = score
    }

    enum CodingKeys: Int, CodingKey { case criterionID = 1, score }
}

/// One customer's answers to a round. A customer only ever receives their own.
@WireMessage
public struct ScorecardResponse: Codable, Hashable, Sendable {
    public var id: UUID
    public var roundID: UUID
    public var respondentID: UUID
    public var respondentName: String
    /// In the template's criterion order; criteria the respondent skipped are absent.
    public var answers: [CriterionScore]
    public var comment: String
    public var submittedAt: Date
    public var updatedAt: Date
    public var version: Int

    public init(
        id: UUID, roundID: UUID, respondentID: UUID, respondentName: String, answers: [CriterionScore], comment: String,
        submittedAt: Date, updatedAt: Date, version: Int
    ) {
        self.id = id
        self.roundID = roundID
        self.respondentID = respondentID
        self.respondentName = respondentName
        self.answers = answers
        self.comment = comment
        self.submittedAt = submittedAt
        self.updatedAt = updatedAt
        self.version = version
    }

    enum CodingKeys: Int, CodingKey { case id = 1, roundID, respondentID, respondentName, answers, comment, submittedAt, updatedAt, version }
}

/// A round with its criteria and the responses the caller may see: a customer gets the criteria
/// without weights and only their own response; sellers get everything.
@WireMessage
public struct RoundDetail: Codable, Hashable, Sendable {
    public var round: ScoringRound
    public var criteria: [ScorecardCriterion]
    public var responses: [ScorecardResponse]

    public init(round: ScoringRound, criteria: [ScorecardCriterion], responses: [ScorecardResponse]) {
        self.round = round
        self.criteria = criteria
        self.responses = responses
    }

    enum CodingKeys: Int, CodingKey { case round = 1, criteria, responses }
}
