import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Sessions` and `keyplan.APIKeys`: a caller manages their own credentials; an admin
/// those of the whole tenant.
struct CredentialService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(SessionsService.list) { request, call in try await list(.session, request, call) }
        routes.tenant(SessionsService.revoke) { request, call in try await revoke(.session, request, call) }
        routes.tenant(APIKeysService.list) { request, call in try await list(.apiKey, request, call) }
        routes.tenant(APIKeysService.revoke) { request, call in try await revoke(.apiKey, request, call) }
        routes.tenant(APIKeysService.create) { request, call in
            let caller = call.principal
            // A leaked key must not be able to mint its own successors.
            guard caller.credentialKind == .session else {
                throw RPCError(code: .permissionDenied, message: "an API key cannot create API keys: sign in")
            }
            let name = try Validate.name(request.name, field: "name")
            guard caller.isAdmin || request.role == caller.tenantRole else {
                throw RPCError(code: .permissionDenied, message: "an API key may act only with your own role")
            }
            let maximum = environment.configuration.apiKeys.maximumLifetime
            let lifetime = try Validate.lifetime(request.expiresInSeconds, fallback: maximum, maximum: maximum)
            let token = SecretToken.generate(.apiKey)
            let credential = try await CredentialRepository(transaction: call.transaction).insertAPIKey(
                tenantID: caller.tenantID, userID: caller.userID, name: name, role: request.role, token: token, lifetime: lifetime)
            CallAudit.record { $0.objectID = credential.id }
            return CreatedAPIKey(credential: credential, token: token.text)
        }
    }

    private func list(_ kind: CredentialKind, _ request: ListCredentialsRequest, _ call: TenantCall) async throws -> CredentialList {
        let caller = call.principal
        guard !request.allUsers || caller.isAdmin else {
            throw RPCError(code: .permissionDenied, message: "only admins list every user's credentials")
        }
        let userID = request.allUsers ? nil : caller.userID
        return CredentialList(credentials: try await CredentialRepository(transaction: call.transaction).list(kind: kind, userID: userID))
    }

    private func revoke(_ kind: CredentialKind, _ request: CredentialRef, _ call: TenantCall) async throws -> Empty {
        let caller = call.principal
        CallAudit.record { $0.objectID = request.credentialID }
        let revoked = try await CredentialRepository(transaction: call.transaction).revoke(
            request.credentialID, kind: kind, userID: caller.isAdmin ? nil : caller.userID)
        guard revoked else { throw RPCError(code: .notFound, message: "no \(kind.rawValue) \(request.credentialID)") }
        environment.forgetCredentials("credential:\(request.credentialID)", when: call.transaction)
        return Empty()
    }
}
