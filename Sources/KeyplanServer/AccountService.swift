import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Accounts`: as much of accounts as identity needs; a customer's view is built here.
struct AccountService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(AccountsService.create) { request, call in
            let caller = try call.caller()
            var request = request
            request.name = try Validate.name(request.name, field: "name")
            let account = try await environment.inTenant(caller.tenantID) { connection in
                let accounts = AccountRepository(connection: connection)
                let account = try await accounts.insert(tenantID: caller.tenantID, request)
                try await accounts.setTeamMember(tenantID: caller.tenantID, accountID: account.id, userID: caller.userID, role: .owner)
                return account
            }
            CallAudit.record { $0.objectID = account.id }
            return account
        }
        routes.unary(AccountsService.list) { _, call in
            let caller = try call.caller()
            return AccountList(accounts: try await environment.inTenant(caller.tenantID) {
                try await AccountRepository(connection: $0).list(for: caller)
            })
        }
        routes.unary(AccountsService.get) { request, call in
            let caller = try call.caller()
            guard let account = try await environment.inTenant(caller.tenantID, {
                try await AccountRepository(connection: $0).get(request.accountID, for: caller)
            }) else { throw RPCError(code: .notFound, message: "no account \(request.accountID)") }
            return account
        }
        routes.unary(AccountsService.addTeamMember) { request, call in
            let caller = try call.caller()
            try await environment.inTenant(caller.tenantID) { connection in
                guard let user = try await UserRepository(connection: connection).find(request.userID), user.kind == .seller, !user.disabled else {
                    throw RPCError(code: .invalidArgument, message: "\(request.userID) is not an active seller of this tenant")
                }
                let accounts = AccountRepository(connection: connection)
                if request.role != .owner, try await accounts.isSoleOwner(user.id, of: request.accountID) {
                    throw Self.lastOwner(user.id, of: request.accountID)
                }
                try await accounts.setTeamMember(
                    tenantID: caller.tenantID, accountID: request.accountID, userID: user.id, role: request.role)
            }
            return Empty()
        }
        routes.unary(AccountsService.removeMember) { request, call in
            let caller = try call.caller()
            try await environment.inTenant(caller.tenantID) { connection in
                let accounts = AccountRepository(connection: connection)
                switch try await accounts.removeMember(request.userID, from: request.accountID) {
                case .removed:
                    try await ActionService.unassign(ownedBy: request.userID, in: request.accountID, by: caller, on: connection)
                case .notAMember:
                    throw RPCError(code: .notFound, message: "\(request.userID) is neither on the team of account \(request.accountID) nor one of its customers")
                case .lastOwner:
                    throw Self.lastOwner(request.userID, of: request.accountID)
                }
            }
            return Empty()
        }
    }

    private static func lastOwner(_ userID: UUID, of accountID: UUID) -> RPCError {
        RPCError(code: .failedPrecondition, message: "\(userID) is the last owner of account \(accountID): make another seller owner first")
    }
}
