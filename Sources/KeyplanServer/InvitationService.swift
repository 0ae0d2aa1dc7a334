import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Invitations`: sellers invite customer contacts into an account workspace with a
/// single-use, expiring token; accepting it creates or links the customer user.
struct InvitationService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.unary(InvitationsService.create) { request, call in
            let caller = try call.caller()
            let email = try Validate.email(request.email)
            let settings = environment.configuration.invitations
            let lifetime = try Validate.lifetime(request.expiresInSeconds, fallback: settings.defaultLifetime, maximum: settings.maximumLifetime)
                ?? settings.defaultLifetime
            let token = SecretToken.generate(.invitation)
            let invitation = try await environment.inTenant(caller.tenantID) {
                try await InvitationRepository(connection: $0).insert(
                    tenantID: caller.tenantID, accountID: request.accountID, email: email, role: request.role,
                    token: token, invitedBy: caller.userID, lifetime: lifetime)
            }
            return CreatedInvitation(invitation: invitation, token: token.text)
        }
        routes.unary(InvitationsService.list) { request, call in
            let caller = try call.caller()
            return InvitationList(invitations: try await environment.inTenant(caller.tenantID) {
                try await InvitationRepository(connection: $0).list(accountID: request.accountID)
            })
        }
        routes.unary(InvitationsService.revoke) { request, call in
            let caller = try call.caller()
            let revoked = try await environment.inTenant(caller.tenantID) {
                try await InvitationRepository(connection: $0).revoke(request.invitationID, accountID: request.accountID)
            }
            guard revoked else { throw RPCError(code: .notFound, message: "no invitation \(request.invitationID)") }
            return Empty()
        }
        routes.unary(InvitationsService.accept) { request, call in try await accept(request, call) }
    }

    private static let unusable = RPCError(code: .unauthenticated, message: "the invitation is invalid, used, revoked or expired")

    private func accept(_ request: AcceptInvitationRequest, _ call: CallContext) async throws -> SessionGrant {
        let password = try Validate.newPassword(request.password)
        guard let (tenantID, invitationID) = try await environment.database.withConnection({
            try await InvitationRepository.resolve(tokenHash: SecretToken.hash(of: request.token), on: $0)
        }) else { throw Self.unusable }
        CallAudit.record { $0.tenantID = tenantID; $0.objectID = invitationID }
        let hasher = environment.hasher
        let throttle = SignInThrottle(configuration: environment.configuration.throttle)
        let outcome = try await environment.inTenant(tenantID) { connection -> Acceptance in
            let invitations = InvitationRepository(connection: connection)
            let users = UserRepository(connection: connection)
            guard let invitation = try await invitations.lockAcceptable(invitationID) else { throw Self.unusable }
            let userID: UUID
            if let (user, storedHash) = try await users.findByEmail(invitation.email) {
                guard user.kind == .customer, !user.disabled else {
                    throw RPCError(code: .failedPrecondition, message: "this email belongs to a user who cannot accept invitations")
                }
                if let storedHash {
                    // An existing customer proves who they are, as at sign-in (and throttled
                    // alike): the invitation alone does not reset their password.
                    let subjects = throttle.subjects(tenant: tenantID.uuidString, email: invitation.email, clientAddress: call.clientAddress)
                    // Claimed in this transaction: its advisory lock holds until the commit,
                    // so a concurrent attempt sees this one counted.
                    let attempt = try await throttle.claim(subjects, on: connection)
                    guard try await hasher.verify(password, against: storedHash) else { return .wrongPassword }
                    try await throttle.recordSuccess(subjects, attempt, on: connection)
                } else {
                    try await users.setPasswordHash(user.id, try await hasher.hash(password))
                }
                userID = user.id
            } else {
                let displayName = try Validate.name(request.displayName, field: "displayName")
                userID = try await users.insert(
                    tenantID: tenantID, email: invitation.email, displayName: displayName, kind: .customer,
                    role: nil, passwordHash: try await hasher.hash(password)
                ).id
            }
            try await AccountRepository(connection: connection).setCustomer(
                tenantID: tenantID, accountID: invitation.accountID, userID: userID, role: invitation.role)
            try await invitations.markAccepted(invitationID, by: userID)
            CallAudit.record { $0.userID = userID }
            return .accepted(try await environment.startSession(tenantID: tenantID, userID: userID, clientAddress: call.clientAddress, on: connection))
        }
        switch outcome {
        case .accepted(let grant):
            return grant
        case .wrongPassword:
            // The transaction committed the counted attempt and left the invitation unused.
            throw RPCError(code: .unauthenticated, message: "this email already has a password: enter it to accept")
        }
    }

    private enum Acceptance: Sendable {
        case accepted(SessionGrant)
        case wrongPassword
    }
}
