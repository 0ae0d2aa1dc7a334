public import Foundation
public import KeyplanWire

/// An account plan the size of a real one: an account, revenues, ~10 goals with metrics, ~30 contacts, ~40 actions
/// and a scorecard. Field numbers are declared, as they are for every type that travels.
@WireMessage
public struct AccountPlan: Codable, Equatable, Sendable {
    public var id: UUID
    public var tenantID: UUID
    public var name: String
    public var account: Account
    public var revenues: [Revenue]
    public var goals: [Goal]
    public var contacts: [Contact]
    public var actions: [Action]
    public var scorecard: Scorecard
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    enum CodingKeys: Int, CodingKey {
        case id = 1, tenantID = 2, name = 3, account = 4, revenues = 5, goals = 6, contacts = 7, actions = 8
        case scorecard = 9, createdAt = 10, updatedAt = 11, version = 12
    }
}

@WireMessage
public struct Account: Codable, Equatable, Sendable {
    public var id: UUID
    public var name: String
    public var industry: String
    public var region: String
    public var website: String?
    public var annualRevenue: Money
    public var employeeCount: Int32

    enum CodingKeys: Int, CodingKey {
        case id = 1, name = 2, industry = 3, region = 4, website = 5, annualRevenue = 6, employeeCount = 7
    }
}

@WireMessage
public struct Revenue: Codable, Equatable, Sendable {
    public var period: String
    public var amount: Money
    public var isForecast: Bool

    enum CodingKeys: Int, CodingKey {
        case period = 1, amount = 2, isForecast = 3
    }
}

public enum GoalStatus: Int, Codable, Equatable, Sendable, CaseIterable {
    case draft = 0, onTrack, atRisk, offTrack, achieved
}

@WireMessage
public struct Goal: Codable, Equatable, Sendable {
    public var id: UUID
    public var title: String
    public var summary: String
    public var ownerID: UUID
    public var dueDate: Date
    public var status: GoalStatus
    public var metrics: [Metric]

    enum CodingKeys: Int, CodingKey {
        case id = 1, title = 2, summary = 3, ownerID = 4, dueDate = 5, status = 6, metrics = 7
    }
}

@WireMessage
public struct Metric: Codable, Equatable, Sendable {
    public var name: String
    public var target: Double
    public var actual: Double
    public var unit: String

    enum CodingKeys: Int, CodingKey {
        case name = 1, target = 2, actual = 3, unit = 4
    }
}

public enum ContactRole: Int, Codable, Equatable, Sendable, CaseIterable {
    case unknown = 0, decisionMaker, influencer, user, blocker, sponsor
}

@WireMessage
public struct Contact: Codable, Equatable, Sendable {
    public var id: UUID
    public var name: String
    public var title: String
    public var email: String
    public var phone: String?
    public var role: ContactRole
    public var influence: Int32
    public var isChampion: Bool

    enum CodingKeys: Int, CodingKey {
        case id = 1, name = 2, title = 3, email = 4, phone = 5, role = 6, influence = 7, isChampion = 8
    }
}

public enum ActionStatus: Int, Codable, Equatable, Sendable, CaseIterable {
    case open = 0, inProgress, blocked, done, cancelled
}

@WireMessage
public struct Action: Codable, Equatable, Sendable {
    public var id: UUID
    public var title: String
    public var goalID: UUID?
    public var ownerID: UUID
    public var dueDate: Date
    public var completedAt: Date?
    public var status: ActionStatus
    public var priority: Int32
    public var notes: String

    enum CodingKeys: Int, CodingKey {
        case id = 1, title = 2, goalID = 3, ownerID = 4, dueDate = 5, completedAt = 6, status = 7, priority = 8
        case notes = 9
    }
}

@WireMessage
public struct Scorecard: Codable, Equatable, Sendable {
    public var overall: Double
    public var criteria: [Criterion]

    enum CodingKeys: Int, CodingKey {
        case overall = 1, criteria = 2
    }
}

@WireMessage
public struct Criterion: Codable, Equatable, Sendable {
    public var name: String
    public var score: Int32
    public var weight: Double
    public var comment: String

    enum CodingKeys: Int, CodingKey {
        case name = 1, score = 2, weight = 3, comment = 4
    }
}
