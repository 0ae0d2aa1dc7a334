import Foundation
import KeyplanAPI
import KeyplanPostgres
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
            // Who it is, read first: the slow hashing of a seller's new password runs outside any transaction.
            let found = try await environment.database.inTenant(caller.tenantID, shape: .eachRoundTrip, durability: .deferred) { transaction in
                try await UserRepository(transaction: transaction).find(request.userID)
            }
            guard let user = found else { throw RPCError(code: .notFound, message: "no user \(request.userID)") }
            guard !user.disabled else { throw RPCError(code: .failedPrecondition, message: "\(user.displayName) is disabled") }
            let transaction = call.transaction
            // A customer's sign-in is theirs alone: a seller who could set it could act in the customer's name.
            // The customer is mailed a link to choose a new one instead.
            if user.kind == .customer {
                return CreatedUser(user: user, mailID: try await mailPasswordReset(to: user, by: caller, on: transaction, given: request.password))
            }
            let generated = request.password == nil ? SecretToken.randomPassword() : nil
            let hash = try await environment.hasher.hash(try Validate.newPassword(request.password ?? generated ?? ""))
            let users = UserRepository(transaction: transaction)
            try await users.setPasswordHash(user.id, hash)
            transaction.addClosing([
                SignInThrottle(configuration: environment.configuration.throttle).forgetFailures(tenant: caller.tenantID, email: user.email)
            ])
            try await CredentialRepository(transaction: transaction).revokeSessions(userID: user.id, except: nil)
            environment.forgetCredentials("user:\(user.id)", when: transaction)
            return CreatedUser(user: user, generatedPassword: generated)
        }
    }

    /// Queues a customer's password-reset mail, with a link that works once within the hour, in the
    /// request's transaction; the mail's id.
    private func mailPasswordReset(
        to user: User, by caller: Principal, on transaction: TenantTransaction, given password: String?
    ) async throws -> UUID {
        guard password == nil else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(user.displayName) is a customer and chooses their own password: leave the password out, and they are mailed a link")
        }
        guard let mail = environment.mail else {
            throw RPCError(
                code: .failedPrecondition,
                message: "\(user.displayName) is a customer: their new password is chosen through a mailed link, and this server sends no mail")
        }
        let token = SecretToken.generate(.passwordReset)
        guard let link = mail.configuration.link("/reset-password/\(token.text)") else {
            throw RPCError(
                code: .failedPrecondition,
                message:
                    "\(user.displayName) is a customer: their new password is chosen on the portal, and this server has no portal address to link to")
        }
        _ = try await PasswordResetRepository(transaction: transaction).insert(userID: user.id, token: token, requestedBy: caller.userID)
        let names = try await transaction.query(
            "SELECT u.display_name, t.name AS tenant_name FROM users u, tenants t WHERE u.id = \(caller.userID) AND t.id = app_current_tenant()"
        ).first
        let composer = MailComposer(
            configuration: mail.configuration, tenantName: try names?.decode(String.self, column: "tenant_name") ?? "your supplier")
        let content = composer.passwordReset(
            name: user.displayName, requestedBy: try names?.decode(String.self, column: "display_name") ?? "An admin", link: link)
        let id = try await MailOutbox(transaction: transaction).queue(
            .passwordReset, to: user.email, name: user.displayName, recipientID: user.id, mail: content,
            messageIDDomain: mail.configuration.messageIDDomain)
        mail.wake(when: transaction)
        return id
    }
}
