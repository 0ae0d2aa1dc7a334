import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Users`: admins create, list and disable the tenant's seller users.
struct UserService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(UsersService.create) { request, call in
            let caller = try call.caller()
            let email = try Validate.email(request.email)
            let displayName = try Validate.name(request.displayName, field: "displayName")
            let generated = request.password == nil ? SecretToken.randomPassword() : nil
            let password = try Validate.newPassword(request.password ?? generated ?? "")
            let hash = try await environment.hasher.hash(password)
            let user = try await environment.inTenant(caller.tenantID) {
                try await UserRepository(connection: $0).insert(
                    tenantID: caller.tenantID, email: email, displayName: displayName, kind: .seller,
                    role: request.role, passwordHash: hash)
            }
            CallAudit.record { $0.objectID = user.id }
            return CreatedUser(user: user, generatedPassword: generated)
        }
        routes.unary(UsersService.list) { _, call in
            let caller = try call.caller()
            return UserList(users: try await environment.inTenant(caller.tenantID) { try await UserRepository(connection: $0).list() })
        }
        routes.unary(UsersService.disable) { request, call in
            let caller = try call.caller()
            CallAudit.record { $0.objectID = request.userID }
            guard request.userID != caller.userID else {
                throw RPCError(code: .failedPrecondition, message: "you cannot disable yourself")
            }
            return try await environment.inTenant(caller.tenantID) { connection in
                guard let user = try await UserRepository(connection: connection).disable(request.userID) else {
                    throw RPCError(code: .notFound, message: "no user \(request.userID)")
                }
                try await CredentialRepository(connection: connection).revokeAll(userID: user.id)
                return user
            }
        }
    }
}
