public import KeyplanWire

/// Where a leader's coaching matters most on one account: the facts, and the prompts they make.
@WireMessage
public struct CoachingInputs: Codable, Hashable, Sendable {
    /// Goals on the plan, and how many of them the customer's people wrote or edited since: a
    /// goal the customer reworked is theirs too, whoever typed it first.
    public var goals: Int
    public var coAuthoredGoals: Int
    /// Days since the next roadmap review was due (`nil`: none is overdue).
    public var reviewOverdueDays: Int?
    /// Whether a roadmap review was ever held with the customer.
    public var reviewHeld: Bool
    /// Key contacts (decision makers, high influence) without a strong relationship, and how
    /// long the oldest of these gaps has been open (days since the contact was mapped).
    public var coverageGaps: Int
    public var oldestGapDays: Int
    /// Open actions past due, and actions whose due date was moved later.
    public var overdueActions: Int
    public var postponedActions: Int

    public init(
        goals: Int = 0, coAuthoredGoals: Int = 0, reviewOverdueDays: Int? = nil, reviewHeld: Bool = false,
        coverageGaps: Int = 0, oldestGapDays: Int = 0, overdueActions: Int = 0, postponedActions: Int = 0
    ) {
        self.goals = goals
        self.coAuthoredGoals = coAuthoredGoals
        self.reviewOverdueDays = reviewOverdueDays
        self.reviewHeld = reviewHeld
        self.coverageGaps = coverageGaps
        self.oldestGapDays = oldestGapDays
        self.overdueActions = overdueActions
        self.postponedActions = postponedActions
    }

    enum CodingKeys: Int, CodingKey {
        case goals = 1, coAuthoredGoals = 2, reviewOverdueDays = 3, reviewHeld = 4, coverageGaps = 5, oldestGapDays = 6
        case overdueActions = 7, postponedActions = 8
    }
}

/// One coaching prompt: what to talk about, and how much it weighs in the ranking.
@WireMessage
public struct CoachingPrompt: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case noCustomerGoal = "no_customer_goal"
        case reviewOverdue = "review_overdue"
        case coverageGapOpen = "coverage_gap_open"
        case slippingActions = "slipping_actions"
    }

    public var kind: Kind
    public var text: String
    /// Ranking weight: the larger, the more urgent.
    public var points: Int

    enum CodingKeys: Int, CodingKey { case kind = 1, text = 2, points = 3 }

    /// A coverage gap becomes a coaching matter once it has been open this long.
    public static let gapAgeDays = 14

    /// The prompts for one account, most urgent first. Points: a plan without a goal the
    /// customer wrote or edited 30; a roadmap review overdue 20 plus a point a day (at most 40); coverage
    /// gaps open two weeks or more 25 plus 5 a gap (at most 45); slipping actions 10 each (at most 40).
    public static func prompts(for inputs: CoachingInputs) -> [CoachingPrompt] {
        var prompts: [CoachingPrompt] = []
        if inputs.coAuthoredGoals == 0 {
            let text =
                switch inputs.goals {
                case 0: "the plan has no goals: write them with the customer"
                case 1: "the plan's one goal was written without the customer: co-author the goals"
                default: "none of the \(inputs.goals) goals was written or edited by the customer: co-author them"
                }
            prompts.append(CoachingPrompt(kind: .noCustomerGoal, text: text, points: 30))
        }
        if let overdue = inputs.reviewOverdueDays, overdue > 0 {
            prompts.append(
                CoachingPrompt(
                    kind: .reviewOverdue, text: "the roadmap review with the customer is \(HealthEvaluation.days(overdue)) overdue",
                    points: min(40, 20 + overdue)))
        } else if !inputs.reviewHeld {
            prompts.append(CoachingPrompt(kind: .reviewOverdue, text: "no roadmap review was ever held with the customer", points: 20))
        }
        if inputs.coverageGaps > 0, inputs.oldestGapDays >= gapAgeDays {
            let gaps = inputs.coverageGaps == 1 ? "a key contact has" : "\(inputs.coverageGaps) key contacts have"
            prompts.append(
                CoachingPrompt(
                    kind: .coverageGapOpen, text: "\(gaps) had no strong relationship for \(inputs.oldestGapDays / 7) weeks",
                    points: min(45, 25 + 5 * inputs.coverageGaps)))
        }
        let slipping = inputs.overdueActions + inputs.postponedActions
        if slipping > 0 {
            var parts: [String] = []
            if inputs.overdueActions > 0 {
                parts.append(inputs.overdueActions == 1 ? "1 action is overdue" : "\(inputs.overdueActions) actions are overdue")
            }
            if inputs.postponedActions > 0 {
                let noun = parts.isEmpty ? (inputs.postponedActions == 1 ? " action" : " actions") : ""
                parts.append("\(inputs.postponedActions)\(noun) \(inputs.postponedActions == 1 ? "was" : "were") postponed")
            }
            prompts.append(
                CoachingPrompt(kind: .slippingActions, text: "actions are slipping: " + parts.joined(separator: ", "), points: min(40, 10 * slipping))
            )
        }
        return prompts.sorted { ($0.points, $1.kind.rawValue) > ($1.points, $0.kind.rawValue) }
    }
}
