public import Foundation
public import KeyplanWire

/// The answer scale of a scorecard: whole scores from ``minimum`` to ``maximum`` (e.g. 1–10).
@WireMessage
public struct ScoreScale: Codable, Hashable, Sendable {
    public var minimum: Int
    public var maximum: Int

    /// 1 to 10.
    public static var defaults: ScoreScale { ScoreScale(minimum: 1, maximum: 10) }

    public func contains(_ score: Int) -> Bool { (minimum...maximum).contains(score) }

    /// Why this scale is unusable, or `nil`: scores lie within 0...100 and the scale spans at least two.
    public var problem: String? {
        guard minimum >= 0, maximum <= 100, minimum < maximum else {
            return "the scale must run from a lower to a higher whole number within 0 to 100"
        }
        return nil
    }

    enum CodingKeys: Int, CodingKey { case minimum = 1, maximum = 2 }
}

/// One question of a scorecard: what the customer scores, and how much it counts.
@WireMessage
public struct ScorecardCriterion: Codable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var description: String
    /// Seller-internal: how much the criterion counts in the overall score. `nil` in a customer's
    /// view: respondents score each criterion on its own, without seeing the weights.
    public var weight: Double?

    public init(id: UUID, name: String, description: String = "", weight: Double?) {
        self.id = id
        self.name = name
        self.description = description
        self.weight = weight
    }

    enum CodingKeys: Int, CodingKey { case id = 1, name = 2, description = 3, weight = 4 }
}

/// A tenant's scorecard: weighted criteria on one scale. A template cannot be edited (to
/// change one, create another and archive the old): every round's answers keep their meaning.
/// Archived templates open no new rounds.
@WireMessage
public struct ScorecardTemplate: Codable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var scale: ScoreScale
    /// In their order on the scorecard.
    public var criteria: [ScorecardCriterion]
    public var createdAt: Date
    public var archivedAt: Date?
    /// 1, and 2 once archived: archiving names the version read.
    public var version: Int
    /// Who changed the template last (created or archived it), and when.
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date
    /// Whether a round uses the template (it is locked either way; this tells whether archiving
    /// it affects history).
    public var inUse: Bool

    enum CodingKeys: Int, CodingKey {
        case id = 1, name = 2, scale = 3, criteria = 4, createdAt = 5, archivedAt = 6, inUse = 7, version = 8
        case updatedBy = 9, updatedAt = 10
    }
}

/// A criterion of a template being created.
@WireMessage
public struct CriterionDraft: Codable, Hashable, Sendable {
    public var name: String
    public var description: String
    /// Above 0, at most 1,000, at most two decimals. Weights are relative: 2 counts twice as much as 1.
    public var weight: Double

    public init(name: String, description: String = "", weight: Double) {
        self.name = name
        self.description = description
        self.weight = weight
    }

    enum CodingKeys: Int, CodingKey { case name = 1, description = 2, weight = 3 }
}

@WireMessage
public struct CreateTemplateRequest: Codable, Hashable, Sendable {
    /// The limits of a template.
    public static let criteriaCount = 1...50
    public static let maximumWeight = 1000.0

    public var name: String
    public var scale: ScoreScale
    public var criteria: [CriterionDraft]

    public init(name: String, scale: ScoreScale = .defaults, criteria: [CriterionDraft]) {
        self.name = name
        self.scale = scale
        self.criteria = criteria
    }

    /// Names and descriptions without surrounding white space.
    public var trimmed: CreateTemplateRequest {
        var request = self
        request.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        request.criteria = criteria.map {
            CriterionDraft(
                name: $0.name.trimmingCharacters(in: .whitespacesAndNewlines),
                description: $0.description.trimmingCharacters(in: .whitespacesAndNewlines), weight: $0.weight)
        }
        return request
    }

    /// Why this template cannot be created, or `nil`: a name of 1–200 characters, a valid scale,
    /// 1–50 criteria with distinct names (ignoring case) of 1–200 characters, descriptions of at
    /// most 2,000, and positive weights of at most 1,000 with at most two decimals.
    public var problem: String? {
        if !(1...200).contains(name.count) { return "the template's name must have 1 to 200 characters" }
        if let problem = scale.problem { return problem }
        if !Self.criteriaCount.contains(criteria.count) {
            return "a template has \(Self.criteriaCount.lowerBound) to \(Self.criteriaCount.upperBound) criteria, got \(criteria.count)"
        }
        var seen = Set<String>()
        for criterion in criteria {
            if !(1...200).contains(criterion.name.count) { return "a criterion's name must have 1 to 200 characters" }
            if !seen.insert(criterion.name.lowercased()).inserted { return "the criterion “\(criterion.name)” is named twice" }
            if criterion.description.count > 2000 { return "the description of “\(criterion.name)” must have at most 2000 characters" }
            let hundredths = criterion.weight * 100
            guard criterion.weight.isFinite, criterion.weight > 0, criterion.weight <= Self.maximumWeight,
                abs(hundredths - hundredths.rounded()) < 1e-6
            else { return "the weight of “\(criterion.name)” must be above 0 and at most 1000, with at most two decimals" }
        }
        return nil
    }

    enum CodingKeys: Int, CodingKey { case name = 1, scale = 2, criteria = 3 }
}
