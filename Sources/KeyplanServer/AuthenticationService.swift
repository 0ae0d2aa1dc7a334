import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Auth`: sign-in with throttling, sign-out, who-am-I.
struct AuthenticationService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(AuthService.signIn) { request, call in try await signIn(request, call) }
        routes.unary(AuthService.signOut) { _, call in
            let caller = try call.caller()
            guard caller.credentialKind == .session else {
                throw RPCError(code: .failedPrecondition, message: "an API key does not sign out: revoke it with APIKeys.Revoke")
            }
            _ = try await environment.inTenant(caller.tenantID) {
                try await CredentialRepository(connection: $0).revoke(caller.credentialID, kind: .session, userID: caller.userID)
            }
            return Empty()
        }
        routes.unary(AuthService.whoAmI) { _, call in
            let caller = try call.caller()
            return try await environment.inTenant(caller.tenantID) { connection in
                guard let user = try await UserRepository(connection: connection).find(caller.userID) else {
                    throw RPCError(code: .unauthenticated, message: "the user no longer exists")
                }
                return Identity(
                    userID: user.id, tenantID: caller.tenantID, email: user.email, displayName: user.displayName,
                    kind: user.kind, tenantRole: caller.tenantRole, credentialID: caller.credentialID,
                    credentialKind: caller.credentialKind)
            }
        }
    }

    private static let refusal = RPCError(code: .unauthenticated, message: "wrong tenant, email or password")

    private func signIn(_ request: SignInRequest, _ call: CallContext) async throws -> SessionGrant {
        let slug = request.tenantSlug.lowercased()
        let email = try Validate.email(request.email)
        guard request.password.count <= PasswordHasher.maximumLength else { throw Self.refusal }
        let throttle = SignInThrottle(configuration: environment.configuration.throttle)
        let database = environment.database

        let (tenantID, candidate, subjects, attempt) = try await database.withConnection { connection in
            let tenantID = try await connection.query("SELECT tenant_for_slug(\(slug)) AS id").single(UUID?.self, column: "id")
            let subjects = throttle.subjects(tenant: tenantID?.uuidString ?? "slug:\(slug)", email: email, clientAddress: call.clientAddress)
            CallAudit.record { $0.tenantID = tenantID }
            let attempt = try await throttle.claim(subjects, on: connection)
            let candidate = try await connection.query("SELECT * FROM sign_in_candidate(\(slug), \(email))").first.map { row in
                (userID: try row.decode(UUID.self, column: "user_id"), hash: try row.decode(String.self, column: "password_hash"))
            }
            CallAudit.record { $0.userID = candidate?.userID }
            return (tenantID, candidate, subjects, attempt)
        }
        let matches: Bool
        if let candidate {
            matches = try await environment.hasher.verify(request.password, against: candidate.hash)
        } else {
            try await environment.hasher.verifyNothing(request.password)
            matches = false
        }
        // A failure is already counted: the attempt was claimed before the password was checked.
        guard matches, let tenantID, let candidate else { throw Self.refusal }
        return try await environment.inTenant(tenantID) { connection in
            try await throttle.recordSuccess(subjects, attempt, on: connection)
            return try await environment.startSession(tenantID: tenantID, userID: candidate.userID, clientAddress: call.clientAddress, on: connection)
        }
    }
}
