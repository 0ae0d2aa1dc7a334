import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Accounts`: as much of accounts as identity needs; a customer's view is built here.
struct AccountService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(AccountsService.create) { request, call in
            let caller = call.principal
            var request = request
            request.name = try Validate.name(request.name, field: "name")
            let accounts = AccountRepository(transaction: call.transaction)
            let account = try await accounts.insert(tenantID: caller.tenantID, request)
            try await accounts.setTeamMember(tenantID: caller.tenantID, accountID: account.id, userID: caller.userID, role: .owner)
            CallAudit.record { $0.objectID = account.id }
            return account
        }
        routes.tenant(AccountsService.list) { _, call in
            AccountList(accounts: try await AccountRepository(transaction: call.transaction).list(for: call.principal))
        }
        routes.account(AccountsService.get) { request, call in
            guard let account = try await AccountRepository(transaction: call.transaction).get(request.accountID, for: call.principal) else {
                throw RPCError(code: .notFound, message: "no account \(request.accountID)")
            }
            return account
        }
        routes.account(AccountsService.addTeamMember) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            guard let user = try await UserRepository(transaction: transaction).find(request.userID), user.kind == .seller, !user.disabled else {
                throw RPCError(code: .invalidArgument, message: "\(request.userID) is not an active seller of this tenant")
            }
            let accounts = AccountRepository(transaction: transaction)
            if request.role != .owner, try await accounts.isSoleOwner(user.id, of: request.accountID) {
                throw Self.lastOwner(user.id, of: request.accountID)
            }
            try await accounts.setTeamMember(
                tenantID: caller.tenantID, accountID: request.accountID, userID: user.id, role: request.role)
            return Empty()
        }
        routes.account(AccountsService.removeMember) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            let accounts = AccountRepository(transaction: transaction)
            switch try await accounts.removeMember(request.userID, from: request.accountID) {
            case .removed:
                try await ActionService.unassign(ownedBy: request.userID, in: request.accountID, by: caller, on: transaction)
            case .notAMember:
                throw RPCError(code: .notFound, message: "\(request.userID) is neither on the team of account \(request.accountID) nor one of its customers")
            case .lastOwner:
                throw Self.lastOwner(request.userID, of: request.accountID)
            }
            return Empty()
        }
    }

    private static func lastOwner(_ userID: UUID, of accountID: UUID) -> RPCError {
        RPCError(code: .failedPrecondition, message: "\(userID) is the last owner of account \(accountID): make another seller owner first")
    }
}
