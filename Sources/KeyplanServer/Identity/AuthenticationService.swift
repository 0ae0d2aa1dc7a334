import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Auth`: sign-in with throttling, sign-out, who-am-I.
struct AuthenticationService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.anonymous(AuthService.signIn) { request, call in try await signIn(request, call) }
        routes.tenant(AuthService.signOut) { _, call in
            let caller = call.principal
            guard caller.credentialKind == .session else {
                throw RPCError(code: .failedPrecondition, message: "an API key does not sign out: revoke it with APIKeys.Revoke")
            }
            _ = try await CredentialRepository(transaction: call.transaction).revoke(caller.credentialID, kind: .session, userID: caller.userID)
            environment.forgetCredentials("credential:\(caller.credentialID)", when: call.transaction)
            return Empty()
        }
        routes.tenant(AuthService.whoAmI) { _, call in
            let caller = call.principal
            guard
                let identity = try await UserRepository(transaction: call.transaction).identity(
                    of: caller.userID, tenantRole: caller.tenantRole, credentialID: caller.credentialID, credentialKind: caller.credentialKind)
            else {
                throw RPCError(code: .unauthenticated, message: "the user no longer exists")
            }
            return identity
        }
        routes.tenant(AuthService.changePassword) { request, call in try await changePassword(request, call) }
        routes.anonymous(AuthService.resetPassword) { request, call in try await resetPassword(request, call) }
    }

    private static let unusableReset = RPCError(
        code: .notFound, message: "this password link does not work any more (used, expired or unknown): ask the account team for a new one")

    /// A customer's mailed reset link, used: the new password set (hashed before the write), the link spent,
    /// the user's sessions ended and a sign-in lockout lifted.
    private func resetPassword(_ request: PasswordResetRequest, _ call: AnonymousCall) async throws -> Empty {
        let newPassword = try Validate.newPassword(request.newPassword)
        let database = environment.database
        guard request.token.utf8.count <= 200,
            let (tenantID, resetID) = try await PasswordResetRepository.resolve(
                tokenHash: SecretToken.hash(of: request.token), on: database)
        else { throw Self.unusableReset }
        let hash = try await environment.hasher.hash(newPassword)
        CallAudit.record { $0.tenantID = tenantID }
        return try await call.write(in: tenantID, on: database) { transaction in
            guard let userID = try await PasswordResetRepository(transaction: transaction).use(resetID) else { throw Self.unusableReset }
            let users = UserRepository(transaction: transaction)
            guard let user = try await users.find(userID), !user.disabled else { throw Self.unusableReset }
            CallAudit.record { $0.userID = userID }
            try await users.setPasswordHash(userID, hash)
            try await CredentialRepository(transaction: transaction).revokeSessions(userID: userID, except: nil)
            transaction.addClosing([
                SignInThrottle(configuration: environment.configuration.throttle).forgetFailures(tenant: tenantID, email: user.email)
            ])
            environment.forgetCredentials("user:\(userID)", when: transaction)
            return Empty()
        }
    }

    /// Checks the current password as sign-in does (the same throttle: a stolen session cannot guess it
    /// faster than a sign-in could), stores the new one, and ends the user's other sessions. As at an
    /// invitation's acceptance, the slow hashing runs outside any transaction, holding no connection or
    /// lock: the stored hash is read first, and the write replaces it only if it is still the same.
    private func changePassword(_ request: ChangePasswordRequest, _ call: TenantCall) async throws -> Empty {
        let caller = call.principal
        guard request.currentPassword.count <= PasswordHasher.maximumLength else { throw Self.wrongPassword }
        let newPassword = try Validate.newPassword(request.newPassword)
        let database = environment.database
        let stored = try await database.inTenant(caller.tenantID, shape: .eachRoundTrip, durability: .deferred) { transaction in
            try await transaction.query("SELECT email, password_hash FROM users WHERE id = \(caller.userID)").first.map {
                (email: try $0.decode(String.self, column: "email"), hash: try $0.decode(String?.self, column: "password_hash"))
            }
        }
        guard let stored else { throw RPCError(code: .unauthenticated, message: "the user no longer exists") }
        let throttle = SignInThrottle(configuration: environment.configuration.throttle)
        let subjects = throttle.subjects(tenant: caller.tenantID.uuidString, email: stored.email, clientAddress: call.clientAddress)
        let attempt = try await throttle.claim(subjects, on: database)
        let newHash: String
        do {
            let matches: Bool
            if let hash = stored.hash {
                matches = try await environment.hasher.verify(request.currentPassword, against: hash)
            } else {
                try await environment.hasher.verifyNothing(request.currentPassword)
                matches = false
            }
            guard matches else {
                try await throttle.recordFailure(subjects, attempt, on: database)
                throw Self.wrongPassword
            }
            newHash = try await environment.hasher.hash(newPassword)
        } catch let error as RPCError where error == Self.wrongPassword {
            throw error
        } catch {
            // Not a wrong password (it was never judged, or it was right): the attempt must not count as a failure.
            await throttle.recordSuccess(subjects, attempt, on: database)
            throw error
        }
        do {
            let changed = try await call.transaction.query(
                "UPDATE users SET password_hash = \(newHash) WHERE id = \(caller.userID) AND password_hash IS NOT DISTINCT FROM \(stored.hash) RETURNING id"
            ).first
            guard changed != nil else {
                throw RPCError(
                    code: .aborted, message: "your password was changed meanwhile, elsewhere: sign in again and retry if you still want to")
            }
            call.transaction.addClosing(throttle.settle(subjects, attempt, succeeded: true))
            try await CredentialRepository(transaction: call.transaction).revokeSessions(
                userID: caller.userID, except: caller.credentialKind == .session ? caller.credentialID : nil)
            try await PasswordResetRepository(transaction: call.transaction).spendAll(of: caller.userID)
            environment.forgetCredentials("user:\(caller.userID)", when: call.transaction)
            return Empty()
        } catch {
            await throttle.recordSuccess(subjects, attempt, on: database)
            throw error
        }
    }

    private static let wrongPassword = RPCError(code: .invalidArgument, message: "the current password is not right")

    private static let refusal = RPCError(code: .unauthenticated, message: "wrong tenant, email or password")

    private func signIn(_ request: SignInRequest, _ call: AnonymousCall) async throws -> SessionGrant {
        let slug = request.tenantSlug.lowercased()
        let email = try Validate.email(request.email)
        guard request.password.count <= PasswordHasher.maximumLength else { throw Self.refusal }
        let throttle = SignInThrottle(configuration: environment.configuration.throttle)
        let database = environment.database

        let found = try await database.pipeline { batch in
            batch.append("SELECT tenant_for_slug(\(slug)) AS id")
            batch.append("SELECT * FROM sign_in_candidate(\(slug), \(email))")
        }
        let tenantID = try found[0].single(UUID?.self, column: "id")
        let candidate = try found[1].first.map { row in
            (userID: try row.decode(UUID.self, column: "user_id"), hash: try row.decode(String.self, column: "password_hash"))
        }
        CallAudit.record {
            $0.tenantID = tenantID
            $0.userID = candidate?.userID
        }
        let subjects = throttle.subjects(tenant: tenantID?.uuidString ?? "slug:\(slug)", email: email, clientAddress: call.clientAddress)
        let attempt = try await throttle.claim(subjects, on: database)
        let matches: Bool
        do {
            if let candidate {
                matches = try await environment.hasher.verify(request.password, against: candidate.hash)
            } else {
                try await environment.hasher.verifyNothing(request.password)
                matches = false
            }
        } catch {
            try? await throttle.recordFailure(subjects, attempt, on: database)
            throw error
        }
        guard matches, let tenantID, let candidate else {
            try await throttle.recordFailure(subjects, attempt, on: database)
            throw Self.refusal
        }
        do {
            return try await call.write(in: tenantID, on: database) { transaction in
                transaction.addClosing(throttle.settle(subjects, attempt, succeeded: true))
                return try await environment.startSession(
                    tenantID: tenantID, userID: candidate.userID, clientAddress: call.clientAddress, on: transaction)
            }
        } catch {
            // The password was right: the attempt must not turn into a failure later.
            await throttle.recordSuccess(subjects, attempt, on: database)
            throw error
        }
    }
}
