public import Foundation
public import KeyplanWire

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

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, templateID = 3, templateName = 4, period = 5, scale = 6, openedBy = 7, openedAt = 8
        case closesAt = 9, closedAt = 10, isOpen = 11, version = 12, answeredByMe = 13
        case responseCount = 14, updatedBy = 15, updatedAt = 16
    }
}

/// One criterion's score in a response.
@WireMessage
public struct CriterionScore: Codable, Hashable, Sendable {
    public var criterionID: UUID
    public var score: Int

    enum CodingKeys: Int, CodingKey { case criterionID = 1, score = 2 }
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

    enum CodingKeys: Int, CodingKey {
        case id = 1, roundID = 2, respondentID = 3, respondentName = 4, answers = 5, comment = 6, submittedAt = 7
        case updatedAt = 8, version = 9
    }
}

/// A round with its criteria and the responses the caller may see: a customer gets the criteria
/// without weights and only their own response; sellers get everything.
@WireMessage
public struct RoundDetail: Codable, Hashable, Sendable {
    public var round: ScoringRound
    public var criteria: [ScorecardCriterion]
    public var responses: [ScorecardResponse]

    enum CodingKeys: Int, CodingKey { case round = 1, criteria = 2, responses = 3 }
}
