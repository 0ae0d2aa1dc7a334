public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Health`: each account's explained health score and its trend, and the risk list.
/// Seller-internal: no customer ever receives any of it.
public enum HealthService {
    public static let name = "keyplan.Health"
    /// One account's health, every signal explained, with its history.
    public static let get = RPCMethod<AccountRef, AccountHealth>.read(name, "Get")
    /// The accounts at risk in the caller's scope, lowest score first: strategic accounts below the
    /// risk threshold or fallen by the drop threshold (``HealthSettings/isAtRisk(score:earlierScore:)``).
    public static let risks = RPCMethod<RiskQuery, RiskList>.read(name, "Risks")
    public static let settings = RPCMethod<Empty, HealthSettings>.read(name, "Settings")
    public static let updateSettings = RPCMethod<HealthSettings, HealthSettings>.unary(name, "UpdateSettings")
}

/// A tenant's health weights and what counts as at risk.
@WireMessage
public struct HealthSettings: Codable, Hashable, Sendable {
    public var weights: HealthWeights
    /// Below this score (0–100) an account is at risk; default 50.
    public var riskThreshold: Double
    /// A fall of at least this many points within ``dropWindowDays`` puts an account at risk; default 15.
    public var dropThreshold: Double
    /// Default 30 days.
    public var dropWindowDays: Int

    public static var defaults: HealthSettings {
        HealthSettings(weights: .defaults, riskThreshold: 50, dropThreshold: 15, dropWindowDays: 30)
    }

    /// `nil` when valid, else what is wrong.
    public var problem: String? {
        if let problem = weights.problem { return problem }
        guard riskThreshold.isFinite, (0...100).contains(riskThreshold) else { return "the risk threshold must be between 0 and 100" }
        guard dropThreshold.isFinite, dropThreshold > 0, dropThreshold <= 100 else { return "the drop threshold must be above 0 and at most 100" }
        guard (1...365).contains(dropWindowDays) else { return "the drop window must be 1 to 365 days" }
        return nil
    }

    enum CodingKeys: Int, CodingKey { case weights = 1, riskThreshold = 2, dropThreshold = 3, dropWindowDays = 4 }
}

/// An account's health as last computed, with its history.
@WireMessage
public struct AccountHealth: Codable, Hashable, Sendable {
    public var accountID: UUID
    public var accountName: String
    public var report: HealthReport
    public var computedAt: Date
    /// Oldest first.
    public var history: [HealthPoint]
    /// Whether the account is at risk and why — the very entry the risk list holds for it; `nil`
    /// when it is not on that list, even if some signals are weak (``HealthReport/reasons``).
    public var atRisk: AccountRisk?

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, accountName = 2, report = 3, computedAt = 4, history = 5, atRisk = 6
    }
}

@WireMessage
public struct HealthPoint: Codable, Hashable, Sendable {
    public var at: Date
    public var score: Double

    enum CodingKeys: Int, CodingKey { case at = 1, score = 2 }
}

@WireMessage
public struct RiskQuery: Codable, Hashable, Sendable {
    /// At most this many accounts (default and maximum 500).
    public var limit: Int?
    /// Only accounts planned for this objective; `nil` for all.
    public var objective: AccountObjective?

    public init(limit: Int? = nil, objective: AccountObjective? = nil) {
        self.limit = limit
        self.objective = objective
    }

    enum CodingKeys: Int, CodingKey { case limit = 1, objective = 2 }
}

/// An account at risk and why, in words.
@WireMessage
public struct AccountRisk: Codable, Hashable, Sendable {
    public var accountID: UUID
    public var accountName: String
    public var score: Double
    public var band: HealthReport.Band
    /// The score at the start of the drop window, when there was one.
    public var earlierScore: Double?
    public var reasons: [String]
    /// The account's objective, so that the list can be grouped by it; `nil` when none is set.
    public var objective: AccountObjective?

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, accountName = 2, score = 3, band = 4, earlierScore = 5, reasons = 6, objective = 7
    }
}

@WireMessage
public struct RiskList: Codable, Hashable, Sendable {
    public var accounts: [AccountRisk]

    public init(accounts: [AccountRisk]) { self.accounts = accounts }

    enum CodingKeys: Int, CodingKey { case accounts = 1 }
}

extension KeyplanClient {
    public func health(of accountID: UUID) async throws -> AccountHealth {
        try await call(HealthService.get, AccountRef(accountID: accountID))
    }

    public func risks(limit: Int? = nil, objective: AccountObjective? = nil) async throws -> [AccountRisk] {
        try await call(HealthService.risks, RiskQuery(limit: limit, objective: objective)).accounts
    }

    public func healthSettings() async throws -> HealthSettings {
        try await call(HealthService.settings, Empty())
    }

    public func updateHealthSettings(_ settings: HealthSettings) async throws -> HealthSettings {
        try await call(HealthService.updateSettings, settings)
    }
}
