public import Foundation
public import KeyplanWire

/// One account's whole plan as one document, for another tool or an archive: the shared plan
/// (the account, goals, the mutual action plan, the process map, roadmap reviews, comments) and,
/// in the seller's view only, the seller-internal parts. The server builds both; the customer's
/// is read through the customer's own views, so it holds nothing a customer could not read.
@WireMessage
public struct AccountPlanDocument: Codable, Hashable, Sendable {
    public enum View: String, Codable, Hashable, Sendable, CaseIterable {
        /// Everything the account team sees.
        case seller
        /// What the customer's invited people see.
        case customer
    }

    public var view: View
    public var exportedAt: Date
    /// In the customer's view, the name only.
    public var account: AccountView
    public var goals: GoalTree
    /// In the customer's view, the shared actions only.
    public var actions: [PlanAction]
    public var processMap: ProcessMap
    public var reviews: [RoadmapReview]
    /// On the goals, actions and reviews above, oldest first; in the customer's view, shared ones only.
    public var comments: [CommentView]
    /// `nil` in the customer's view.
    public var sellerInternal: SellerPlanInternals?

    public init(
        view: View, exportedAt: Date, account: AccountView, goals: GoalTree, actions: [PlanAction], processMap: ProcessMap,
        reviews: [RoadmapReview], comments: [CommentView], sellerInternal: SellerPlanInternals?
    ) {
        self.view = view
        self.exportedAt = exportedAt
        self.account = account
        self.goals = goals
        self.actions = actions
        self.processMap = processMap
        self.reviews = reviews
        self.comments = comments
        self.sellerInternal = sellerInternal
    }

    enum CodingKeys: Int, CodingKey {
        case view = 1, exportedAt = 2, account = 3, goals = 4, actions = 5, processMap = 6, reviews = 7, comments = 8, sellerInternal = 9
    }
}

/// The seller-internal parts of a plan: never in a customer's document.
@WireMessage
public struct SellerPlanInternals: Codable, Hashable, Sendable {
    /// Profile, objective, latest assessment's scores, quadrant and priority.
    public var portfolio: PortfolioAccount
    /// Newest first.
    public var assessments: [Assessment]
    public var relationshipMap: RelationshipMap
    /// `nil` before the score was first computed.
    public var health: AccountHealth?

    public init(portfolio: PortfolioAccount, assessments: [Assessment], relationshipMap: RelationshipMap, health: AccountHealth?) {
        self.portfolio = portfolio
        self.assessments = assessments
        self.relationshipMap = relationshipMap
        self.health = health
    }

    enum CodingKeys: Int, CodingKey { case portfolio = 1, assessments = 2, relationshipMap = 3, health = 4 }
}
