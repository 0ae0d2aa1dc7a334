import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Users`: admins create, list and disable the tenant's seller users, and reset a user's password.
struct UserService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(UsersService.create) { request, call in
            let caller = call.principal
            let email = try Validate.mailAddress(request.email)
            let displayName = try Validate.name(request.displayName, field: "displayName")
            let generated = request.password == nil ? SecretToken.randomPassword() : nil
            let password = try Validate.newPassword(request.password ?? generated ?? "")
            let hash = try await environment.hasher.hash(password)
            let user = try await UserRepository(transaction: call.transaction).insert(
                tenantID: caller.tenantID, email: email, displayName: displayName, kind: .seller,
                role: request.role, passwordHash: hash)
            CallAudit.record { $0.objectID = user.id }
            return CreatedUser(user: user, generatedPassword: generated)
        }
        routes.tenant(UsersService.list) { _, call in
            return UserList(users: try await UserRepository(transaction: call.transaction).list())
        }
        routes.tenant(UsersService.disable) { request, call in
            let caller = call.principal
            CallAudit.record { $0.objectID = request.userID }
            guard request.userID != caller.userID else {
                throw RPCError(code: .failedPrecondition, message: "you cannot disable yourself")
            }
            let transaction = call.transaction
            guard let user = try await UserRepository(transaction: transaction).disable(request.userID) else {
                throw RPCError(code: .notFound, message: "no user \(request.userID)")
            }
            try await CredentialRepository(transaction: transaction).revokeAll(userID: user.id)
            environment.forgetCredentials("user:\(user.id)", when: transaction)
            return user
        }
        routes.tenant(UsersService.resetPassword) { request, call in
            let caller = call.principal
            CallAudit.record { $0.objectID = request.userID }
            // One's own password is changed with the current one (Auth/ChangePassword): a stolen admin session
            // must not take the password over unchecked.
            guard request.userID != caller.userID else {
                throw RPCError(code: .failedPrecondition, message: "change your own password with the current one (keyplan password)")
            }
            let generated = request.password == nil ? SecretToken.randomPassword() : nil
            let password = try Validate.newPassword(request.password ?? generated ?? "")
            let hash = try await environment.hasher.hash(password)
            let transaction = call.transaction
            let users = UserRepository(transaction: transaction)
            guard let user = try await users.find(request.userID) else { throw RPCError(code: .notFound, message: "no user \(request.userID)") }
            guard !user.disabled else { throw RPCError(code: .failedPrecondition, message: "\(user.displayName) is disabled") }
            // A customer's sign-in is theirs alone: a seller who could set it could act in the customer's name.
            guard user.kind == .seller else {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "\(user.displayName) is a customer: only a seller's password can be reset; a customer's is changed by its owner")
            }
            try await users.setPasswordHash(user.id, hash)
            transaction.addClosing([
                SignInThrottle(configuration: environment.configuration.throttle).forgetFailures(tenant: caller.tenantID, email: user.email)
            ])
            try await CredentialRepository(transaction: transaction).revokeSessions(userID: user.id, except: nil)
            environment.forgetCredentials("user:\(user.id)", when: transaction)
            return CreatedUser(user: user, generatedPassword: generated)
        }
    }
}
