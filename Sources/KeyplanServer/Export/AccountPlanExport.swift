import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// Builds an account's plan document from the same repositories the workspace's methods read.
/// The customer's version is read as a customer reads: the reader is made a customer, so every
/// principal-aware read (the account's view, the actions) filters as for one, internal comments
/// are not read, and the seller-internal parts are never gathered.
struct AccountPlanExport {
    let transaction: TenantTransaction

    func document(of accountID: UUID, view: AccountPlanDocument.View, for caller: Principal) async throws -> AccountPlanDocument {
        var reader = caller
        if view == .customer { reader.kind = .customer }
        guard let account = try await AccountRepository(transaction: transaction).get(accountID, for: reader) else {
            throw RPCError(code: .notFound, message: "no account \(accountID)")
        }
        let goals = try await GoalRepository(transaction: transaction).list(in: accountID)
        let actions = try await ActionRepository(transaction: transaction).list(
            ListActionsRequest(accountID: accountID), limit: Self.maximumRecords, for: reader)
        let steps = try await ProcessStepRepository(transaction: transaction).map(of: accountID)
        let reviews = try await RoadmapReviewRepository(transaction: transaction).list(of: accountID)
        // Only comments on what the document holds: a shared comment left on an action since made
        // internal stays out of the customer's version with its action.
        let subjects = Set(goals.map(\.id) + actions.map(\.id) + reviews.map(\.id))
        let comments = try await CommentRepository(transaction: transaction).list(
            in: accountID, includingInternal: view == .seller, limit: Self.maximumRecords
        ).filter { subjects.contains($0.subject.id) }
        return AccountPlanDocument(
            view: view, exportedAt: Date(), account: account, goals: GoalTree(arranging: goals), actions: actions,
            processMap: ProcessMap(steps: steps), reviews: reviews, comments: comments,
            sellerInternal: view == .seller ? try await sellerInternals(of: accountID, for: caller) : nil)
    }

    private func sellerInternals(of accountID: UUID, for caller: Principal) async throws -> SellerPlanInternals {
        let portfolio = PortfolioRepository(transaction: transaction)
        guard let profile = try await portfolio.account(accountID) else { throw RPCError(code: .notFound, message: "no account \(accountID)") }
        let map = RelationshipMapRepository(transaction: transaction)
        let health = HealthRepository(transaction: transaction)
        let settings = try await health.settings()
        try await health.refresh(where: "a.id = \(accountID)", tenantID: caller.tenantID, settings: settings)
        return SellerPlanInternals(
            portfolio: profile, assessments: try await portfolio.assessments(of: accountID),
            relationshipMap: RelationshipMap(
                accountID: accountID, contacts: try await map.contacts(of: accountID), relationships: try await map.relationships(of: accountID)),
            health: try await health.health(of: accountID, settings: settings))
    }

    /// Actions and comments per document, at most (the list methods' own limit).
    static let maximumRecords = 1000
}
