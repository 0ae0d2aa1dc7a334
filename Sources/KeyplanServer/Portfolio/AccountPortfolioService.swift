import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Portfolio`: account profiles, assessments, the portfolio page, the Pareto view and
/// the tenant's scoring settings. Seller-internal throughout (see the policy).
struct AccountPortfolioService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(PortfolioService.updateProfile) { request, call in
            let request = try Validate.profile(request)
            let transaction = call.transaction
            if let owner = request.ownerID {
                guard let user = try await UserRepository(transaction: transaction).find(owner), user.kind == .seller, !user.disabled else {
                    throw RPCError(code: .invalidArgument, message: "the owner \(owner) is not an active seller of this tenant")
                }
            }
            guard let account = try await PortfolioRepository(transaction: transaction).updateProfile(request) else {
                throw RPCError(code: .notFound, message: "no account \(request.accountID)")
            }
            return account
        }
        routes.account(PortfolioService.assess) { request, call in
            let caller = call.principal
            if let problem = request.answers.problem { throw RPCError(code: .invalidArgument, message: problem) }
            guard request.notes.count <= 4000 else { throw RPCError(code: .invalidArgument, message: "notes must have at most 4000 characters") }
            let transaction = call.transaction
            let portfolio = PortfolioRepository(transaction: transaction)
            let score = try await portfolio.settings().score(request.answers)
            return try await portfolio.insertAssessment(
                tenantID: caller.tenantID, accountID: request.accountID, by: caller.userID, answers: request.answers, score: score,
                notes: request.notes)
        }
        routes.account(PortfolioService.assessments) { request, call in
            return AssessmentList(assessments: try await PortfolioRepository(transaction: call.transaction).assessments(of: request.accountID))
        }
        routes.account(PortfolioService.recordRevenue) { request, call in
            let caller = call.principal
            try Validate.month(request.period)
            try Validate.amount(request.amount, "revenue")
            let transaction = call.transaction
            let portfolio = PortfolioRepository(transaction: transaction)
            try await portfolio.recordRevenue(tenantID: caller.tenantID, request)
            return try await portfolio.revenueHistory(of: request.accountID)
        }
        routes.account(PortfolioService.revenueHistory) { request, call in
            return try await PortfolioRepository(transaction: call.transaction).revenueHistory(of: request.accountID)
        }
        routes.tenant(PortfolioService.list) { query, call in
            let caller = call.principal
            guard (1...500).contains(query.pageSize) else { throw RPCError(code: .invalidArgument, message: "the page size must be 1 to 500") }
            var cursor: PortfolioCursor?
            if let token = query.cursor {
                guard let decoded = PortfolioCursor(token: token), decoded.sort == query.sort,
                    (decoded.sort == .name) == (decoded.text != nil), (decoded.sort == .name) != (decoded.number != nil)
                else { throw RPCError(code: .invalidArgument, message: "the cursor is not one of this sort's pages") }
                cursor = decoded
            }
            let transaction = call.transaction
            let portfolio = PortfolioRepository(transaction: transaction)
            let settings = try await portfolio.settings()
            return try await portfolio.page(query, cursor: cursor, for: caller, reviewIntervalDays: settings.reviewIntervalDays)
        }
        routes.tenant(PortfolioService.pareto) { _, call in
            let caller = call.principal
            return try await PortfolioRepository(transaction: call.transaction).paretoReport(for: caller)
        }
        routes.tenant(PortfolioService.settings) { _, call in
            return try await PortfolioRepository(transaction: call.transaction).settings()
        }
        routes.tenant(PortfolioService.updateSettings) { settings, call in
            let caller = call.principal
            if let problem = settings.problem { throw RPCError(code: .invalidArgument, message: problem) }
            let transaction = call.transaction
            let portfolio = PortfolioRepository(transaction: transaction)
            try await portfolio.saveSettings(tenantID: caller.tenantID, settings)
            return try await portfolio.settings()
        }
    }
}

extension Validate {
    /// Trims the profile's text, checks its lengths, the currency code and the amounts.
    static func profile(_ request: UpdateProfileRequest) throws -> UpdateProfileRequest {
        var request = request
        func text(_ value: String?, _ field: String, max: Int) throws -> String? {
            try value.map { try Validate.text($0, field: field, characters: 0...max) }
        }
        request.industry = try text(request.industry, "industry", max: 100)
        request.region = try text(request.region, "region", max: 100)
        request.growthIndicators = try text(request.growthIndicators, "growth indicators", max: 2000)
        request.externalID = try text(request.externalID, "external id", max: 100)
        if request.externalID == "" { throw RPCError(code: .invalidArgument, message: "the external id must not be empty") }
        if let currency = request.currency {
            request.currency = try Self.currency(currency)
        }
        try amount(request.annualRevenue, "annual revenue")
        try amount(request.potentialRevenue, "potential revenue")
        return request
    }

    /// A calendar month, `YYYY-MM`.
    static func month(_ text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let year = Int(parts[0]), let month = Int(parts[1]), year >= 1, (1...12).contains(month)
        else { throw RPCError(code: .invalidArgument, message: "the period must be a month, YYYY-MM") }
    }

    /// An ISO 4217 currency code: three letters, upper-cased.
    static func currency(_ text: String) throws -> String {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            throw RPCError(code: .invalidArgument, message: "the currency must be an ISO 4217 code of three letters")
        }
        return code
    }

    /// A money amount: not negative, at most two decimals, below 10^16 (see 0004_portfolio.sql).
    static func amount(_ value: Decimal?, _ field: String) throws {
        guard let value else { return }
        guard value >= 0, value < Self.amountLimit, value.rounded(2) == value else {
            throw RPCError(code: .invalidArgument, message: "\(field) must be an amount from 0 to below 10^16 with at most two decimals")
        }
    }

    static let amountLimit = Decimal(sign: .plus, exponent: 16, significand: 1)
}
