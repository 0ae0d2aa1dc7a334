public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Portfolio`: choosing strategic accounts. Everything here is seller-internal: the
/// policy refuses customers every method (PERMISSION_DENIED for tenant-wide methods, NOT_FOUND or
/// PERMISSION_DENIED for one account, as for any account method).
public enum PortfolioService {
    public static let name = "keyplan.Portfolio"
    /// Sets an account's portfolio profile (industry, region, revenue, objective, status...).
    public static let updateProfile = RPCMethod<UpdateProfileRequest, PortfolioAccount>.unary(name, "UpdateProfile")
    /// Records a dated assessment; the account's latest scores, quadrant and priority follow it.
    public static let assess = RPCMethod<AssessRequest, Assessment>.unary(name, "Assess")
    /// Every assessment of one account, newest first.
    public static let assessments = RPCMethod<AccountRef, AssessmentList>.read(name, "Assessments")
    /// One page of the portfolio: filtered, sorted, keyset-paginated.
    public static let list = RPCMethod<PortfolioQuery, PortfolioPage>.read(name, "List")
    /// The Pareto view of current annual revenue, per currency.
    public static let pareto = RPCMethod<Empty, ParetoReport>.read(name, "Pareto")
    /// Sets one month's revenue of an account; answers its revenue history.
    public static let recordRevenue = RPCMethod<RecordRevenueRequest, RevenueHistory>.unary(name, "RecordRevenue")
    /// An account's revenue by month, oldest first.
    public static let revenueHistory = RPCMethod<AccountRef, RevenueHistory>.read(name, "RevenueHistory")
    public static let settings = RPCMethod<Empty, PortfolioSettings>.read(name, "Settings")
    public static let updateSettings = RPCMethod<PortfolioSettings, PortfolioSettings>.unary(name, "UpdateSettings")
}

/// Why an account is planned: the account objective of the planning method.
public enum AccountObjective: String, Codable, Hashable, Sendable, CaseIterable {
    case retention
    case revenueGrowth = "revenue_growth"
    case verticalPenetration = "vertical_penetration"
    case competitiveDifferentiation = "competitive_differentiation"
}

/// Where an account stands in the portfolio.
public enum AccountStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case candidate, strategic, archived
}

/// The seller-internal portfolio fields of an account. Never part of a customer's view: only
/// ``PortfolioService`` methods return it, and the policy refuses them to customers.
@WireMessage
public struct PortfolioAccount: Codable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var industry: String
    public var region: String
    /// ISO 4217 code of both revenue amounts.
    public var currency: String
    public var annualRevenue: Decimal?
    public var potentialRevenue: Decimal?
    public var growthIndicators: String
    public var objective: AccountObjective?
    public var ownerID: UUID?
    public var externalID: String?
    public var status: AccountStatus
    /// From the latest assessment, `nil` before the first.
    public var valueScore: Decimal?
    public var relationshipScore: Decimal?
    public var quadrant: Quadrant?
    public var priority: Int?
    public var assessedAt: Date?
    /// The account team's user ids.
    public var team: [UUID]

    public init(
        id: UUID, name: String, industry: String = "", region: String = "", currency: String = "USD",
        annualRevenue: Decimal? = nil, potentialRevenue: Decimal? = nil, growthIndicators: String = "",
        objective: AccountObjective? = nil, ownerID: UUID? = nil, externalID: String? = nil, status: AccountStatus = .candidate,
        valueScore: Decimal? = nil, relationshipScore: Decimal? = nil, quadrant: Quadrant? = nil, priority: Int? = nil,
        assessedAt: Date? = nil, team: [UUID] = []
    ) {
        self.id = id
        self.name = name
        self.industry = industry
        self.region = region
        self.currency = currency
        self.annualRevenue = annualRevenue
        self.potentialRevenue = potentialRevenue
        self.growthIndicators = growthIndicators
        self.objective = objective
        self.ownerID = ownerID
        self.externalID = externalID
        self.status = status
        self.valueScore = valueScore
        self.relationshipScore = relationshipScore
        self.quadrant = quadrant
        self.priority = priority
        self.assessedAt = assessedAt
        self.team = team
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, name = 2, industry = 3, region = 4, currency = 5, annualRevenue = 6, potentialRevenue = 7
        case growthIndicators = 8, objective = 9
        case ownerID = 10, externalID = 11, status = 12, valueScore = 13, relationshipScore = 14, quadrant = 15
        case priority = 16, assessedAt = 17, team = 18
    }
}

/// The profile fields to set; a `nil` field is left as it is.
@WireMessage
public struct UpdateProfileRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var industry: String?
    public var region: String?
    public var currency: String?
    public var annualRevenue: Decimal?
    public var potentialRevenue: Decimal?
    public var growthIndicators: String?
    public var objective: AccountObjective?
    public var ownerID: UUID?
    public var externalID: String?
    public var status: AccountStatus?

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, industry = 2, region = 3, currency = 4, annualRevenue = 5, potentialRevenue = 6
        case growthIndicators = 7, objective = 8, ownerID = 9, externalID = 10, status = 11
    }
}

/// A new assessment: every question answered on the scale ``AssessmentAnswers/scale``.
@WireMessage
public struct AssessRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var answers: AssessmentAnswers
    public var notes: String

    public init(accountID: UUID, answers: AssessmentAnswers, notes: String = "") {
        self.accountID = accountID
        self.answers = answers
        self.notes = notes
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, answers = 2, notes = 3 }
}

/// One recorded assessment with the scores and classification it got when it was taken.
@WireMessage
public struct Assessment: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var assessedAt: Date
    public var assessedBy: UUID
    public var answers: AssessmentAnswers
    public var score: AssessmentScore
    public var notes: String

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, assessedAt = 3, assessedBy = 4, answers = 5, score = 6, notes = 7
    }
}

@WireMessage
public struct AssessmentList: Codable, Hashable, Sendable {
    public var assessments: [Assessment]

    public init(assessments: [Assessment]) { self.assessments = assessments }

    enum CodingKeys: Int, CodingKey { case assessments = 1 }
}

extension KeyplanClient {
    public func updateProfile(_ request: UpdateProfileRequest) async throws -> PortfolioAccount {
        try await call(PortfolioService.updateProfile, request)
    }

    public func assess(_ request: AssessRequest) async throws -> Assessment {
        try await call(PortfolioService.assess, request)
    }

    public func assessments(of accountID: UUID) async throws -> [Assessment] {
        try await call(PortfolioService.assessments, AccountRef(accountID: accountID)).assessments
    }

    public func portfolio(_ query: PortfolioQuery) async throws -> PortfolioPage {
        try await call(PortfolioService.list, query)
    }

    public func pareto() async throws -> ParetoReport {
        try await call(PortfolioService.pareto, Empty())
    }

    public func portfolioSettings() async throws -> PortfolioSettings {
        try await call(PortfolioService.settings, Empty())
    }

    public func updatePortfolioSettings(_ settings: PortfolioSettings) async throws -> PortfolioSettings {
        try await call(PortfolioService.updateSettings, settings)
    }
}
