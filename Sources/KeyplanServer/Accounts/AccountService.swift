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
        routes.account(AccountsService.participants) { request, call in
            ParticipantList(participants: try await AccountParticipants(transaction: call.transaction, accountID: request.accountID).list())
        }
        routes.account(AccountsService.addTeamMember) { request, call in
            let caller = call.principal
            let transaction = call.transaction
            let users = UserRepository(transaction: transaction)
            let found: User?
            switch (request.userID, request.email) {
            case (let id?, nil): found = try await users.find(id)
            case (nil, let email?): found = try await users.find(email: try Validate.email(email))
            default: throw RPCError(code: .invalidArgument, message: "name the seller by their id or by their email (one of the two)")
            }
            guard let user = found, user.kind == .seller, !user.disabled else {
                throw RPCError(
                    code: .invalidArgument,
                    message:
                        "no active seller of this tenant has that \(request.email == nil ? "id" : "email"): only sellers can join an account's team")
            }
            let accounts = AccountRepository(transaction: transaction)
            if request.role != .owner, try await accounts.isSoleOwner(user.id, of: request.accountID) {
                throw Self.lastOwner
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
                throw RPCError(code: .notFound, message: "that person is neither on this account's team nor one of its customers")
            case .lastOwner:
                throw Self.lastOwner
            }
            return Empty()
        }
    }

    private static let lastOwner = RPCError(
        code: .failedPrecondition, message: "that seller is the account's last owner: make another seller an owner first")
}
