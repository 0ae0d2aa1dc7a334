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
    }

    /// Checks the current password as sign-in does (the same throttle: a stolen session cannot guess it
    /// faster than a sign-in could), stores the new one, and ends the user's other sessions.
    private func changePassword(_ request: ChangePasswordRequest, _ call: TenantCall) async throws -> Empty {
        let caller = call.principal
        guard request.currentPassword.count <= PasswordHasher.maximumLength else { throw Self.wrongPassword }
        let newPassword = try Validate.newPassword(request.newPassword)
        let users = UserRepository(transaction: call.transaction)
        guard let user = try await users.find(caller.userID), let found = try await users.findByEmail(user.email, locking: true) else {
            throw RPCError(code: .unauthenticated, message: "the user no longer exists")
        }
        let throttle = SignInThrottle(configuration: environment.configuration.throttle)
        let subjects = throttle.subjects(tenant: caller.tenantID.uuidString, email: user.email, clientAddress: call.clientAddress)
        let attempt = try await throttle.claim(subjects, on: environment.database)
        let matches: Bool
        do {
            if let hash = found.passwordHash {
                matches = try await environment.hasher.verify(request.currentPassword, against: hash)
            } else {
                try await environment.hasher.verifyNothing(request.currentPassword)
                matches = false
            }
        } catch {
            try? await throttle.recordFailure(subjects, attempt, on: environment.database)
            throw error
        }
        guard matches else {
            try await throttle.recordFailure(subjects, attempt, on: environment.database)
            throw Self.wrongPassword
        }
        call.transaction.addClosing(throttle.settle(subjects, attempt, succeeded: true))
        try await users.setPasswordHash(user.id, try await environment.hasher.hash(newPassword))
        try await CredentialRepository(transaction: call.transaction).revokeSessions(
            userID: user.id, except: caller.credentialKind == .session ? caller.credentialID : nil)
        environment.forgetCredentials("user:\(user.id)", when: call.transaction)
        return Empty()
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
            _ = try? await database.pipeline { batch in throttle.settle(subjects, attempt, succeeded: true).forEach { batch.append($0) } }
            throw error
        }
    }
}
