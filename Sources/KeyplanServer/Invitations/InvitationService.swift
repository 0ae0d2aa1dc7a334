import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Invitations`: sellers invite customer contacts into an account workspace with a
/// single-use, expiring token; accepting it creates or links the customer user.
struct InvitationService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.account(InvitationsService.create) { request, call in
            let caller = call.principal
            let email = try Validate.mailAddress(request.email)
            let settings = environment.configuration.invitations
            let lifetime =
                try Validate.lifetime(request.expiresInSeconds, fallback: settings.defaultLifetime, maximum: settings.maximumLifetime)
                ?? settings.defaultLifetime
            let token = SecretToken.generate(.invitation)
            let invitation = try await InvitationRepository(transaction: call.transaction).insert(
                tenantID: caller.tenantID, accountID: request.accountID, email: email, role: request.role,
                token: token, invitedBy: caller.userID, lifetime: lifetime)
            // Mailed, the token goes to the invitee's mailbox only: a seller who saw it could accept in the
            // customer's name. Handed over (asked for, or no relay), the caller delivers it; with a relay,
            // only an admin may ask for that.
            if environment.mail != nil, request.handOver == true, caller.tenantRole != .admin {
                throw RPCError(
                    code: .permissionDenied,
                    message:
                        "only an admin may take an invitation's token instead of having it mailed: leave out the hand-over, and the server mails it")
            }
            if let mail = environment.mail, request.handOver != true {
                let mailID = try await Self.queueMail(of: invitation, token: token, by: caller, on: call.transaction, mail)
                return CreatedInvitation(invitation: invitation, token: "", mailID: mailID)
            }
            return CreatedInvitation(invitation: invitation, token: token.text, mailID: nil)
        }
        routes.account(InvitationsService.list) { request, call in
            return InvitationList(invitations: try await InvitationRepository(transaction: call.transaction).list(accountID: request.accountID))
        }
        routes.account(InvitationsService.revoke) { request, call in
            let revoked = try await InvitationRepository(transaction: call.transaction).revoke(request.invitationID, accountID: request.accountID)
            guard revoked else { throw RPCError(code: .notFound, message: "no invitation \(request.invitationID)") }
            // An unsent invitation mail goes no further, and its token leaves the database.
            try await MailOutbox(transaction: call.transaction).cancel(invitation: request.invitationID)
            return Empty()
        }
        routes.anonymous(InvitationsService.accept) { request, call in try await accept(request, call) }
    }

    /// Queues the invitation mail to the invitee, in the invitation's own transaction: it goes
    /// exactly when the invitation exists. The link carries the token, so the mail is rendered now.
    private static func queueMail(
        of invitation: Invitation, token: SecretToken, by caller: Principal, on transaction: TenantTransaction, _ mail: MailSender
    ) async throws -> UUID {
        let rows = try await transaction.query(
            """
            SELECT u.display_name, u.email, a.name AS account_name, t.name AS tenant_name
            FROM users u, accounts a, tenants t
            WHERE u.id = \(caller.userID) AND a.id = \(invitation.accountID) AND t.id = app_current_tenant()
            """)
        guard let row = rows.first else { throw RPCError(code: .internal, message: "internal error") }
        let composer = MailComposer(configuration: mail.configuration, tenantName: try row.decode(String.self, column: "tenant_name"))
        let content = composer.invitation(
            .init(
                inviterName: try row.decode(String.self, column: "display_name"), inviterEmail: try row.decode(String.self, column: "email"),
                accountName: try row.decode(String.self, column: "account_name"), role: invitation.role, token: token.text,
                expiresAt: invitation.expiresAt))
        let id = try await MailOutbox(transaction: transaction).queue(
            .invitation, to: invitation.email, name: nil, recipientID: nil, invitationID: invitation.id, mail: content,
            messageIDDomain: mail.configuration.messageIDDomain)
        mail.wake(when: transaction)
        return id
    }

    private static let unusable = RPCError(code: .unauthenticated, message: "the invitation is invalid, used, revoked or expired")

    private func accept(_ request: AcceptInvitationRequest, _ call: AnonymousCall) async throws -> SessionGrant {
        let password = try Validate.newPassword(request.password)
        let database = environment.database
        guard let (tenantID, invitationID) = try await InvitationRepository.resolve(tokenHash: SecretToken.hash(of: request.token), on: database)
        else {
            throw Self.unusable
        }
        CallAudit.record {
            $0.tenantID = tenantID
            $0.objectID = invitationID
        }
        // What accepting will meet, read first, so that the password is checked (or hashed)
        // outside any transaction: a slow hash must not hold a connection or a lock.
        let (invitation, existing) = try await database.inTenant(tenantID, shape: .eachRoundTrip, durability: .deferred) { transaction in
            guard let invitation = try await InvitationRepository(transaction: transaction).acceptable(invitationID, locking: false) else {
                throw Self.unusable
            }
            return (invitation, try await UserRepository(transaction: transaction).findByEmail(invitation.email, locking: false))
        }
        let throttle = SignInThrottle(configuration: environment.configuration.throttle)
        var attempt: (subjects: SignInThrottle.Subjects, claimed: SignInThrottle.Attempt)?
        var newHash: String?
        var displayName: String?
        if let (user, storedHash) = existing {
            guard user.kind == .customer, !user.disabled else {
                throw RPCError(code: .failedPrecondition, message: "this email belongs to a user who cannot accept invitations")
            }
            if let storedHash {
                // An existing customer proves who they are, as at sign-in (and throttled alike):
                // the invitation alone does not reset their password.
                let subjects = throttle.subjects(tenant: tenantID.uuidString, email: invitation.email, clientAddress: call.clientAddress)
                let claimed = try await throttle.claim(subjects, on: database)
                let right: Bool
                do {
                    right = try await environment.hasher.verify(password, against: storedHash)
                } catch {
                    try? await throttle.recordFailure(subjects, claimed, on: database)
                    throw error
                }
                guard right else {
                    try await throttle.recordFailure(subjects, claimed, on: database)
                    throw RPCError(code: .unauthenticated, message: "this email already has a password: enter it to accept")
                }
                attempt = (subjects, claimed)
            } else {
                newHash = try await environment.hasher.hash(password)
            }
        } else {
            displayName = try Validate.name(request.displayName, field: "displayName")
            newHash = try await environment.hasher.hash(password)
        }
        do {
            return try await call.write(in: tenantID, on: database) { transaction in
                let invitations = InvitationRepository(transaction: transaction)
                let users = UserRepository(transaction: transaction)
                guard let invitation = try await invitations.acceptable(invitationID, locking: true) else { throw Self.unusable }
                // Checked against what was read above: a concurrent acceptance or password change means try again.
                let current = try await users.findByEmail(invitation.email, locking: true)
                guard current?.user.id == existing?.user.id, current?.passwordHash == existing?.passwordHash else {
                    throw RPCError(code: .aborted, message: "the invitation's user changed meanwhile: accept it again")
                }
                let userID: UUID
                if let (user, _) = current {
                    if let newHash { try await users.setPasswordHash(user.id, newHash) }
                    userID = user.id
                } else {
                    userID = try await users.insert(
                        tenantID: tenantID, email: invitation.email, displayName: displayName ?? invitation.email, kind: .customer,
                        role: nil, passwordHash: newHash
                    ).id
                }
                try await AccountRepository(transaction: transaction).setCustomer(
                    tenantID: tenantID, accountID: invitation.accountID, userID: userID, role: invitation.role)
                try await invitations.markAccepted(invitationID, by: userID)
                if let attempt { transaction.addClosing(throttle.settle(attempt.subjects, attempt.claimed, succeeded: true)) }
                CallAudit.record { $0.userID = userID }
                return try await environment.startSession(tenantID: tenantID, userID: userID, clientAddress: call.clientAddress, on: transaction)
            }
        } catch {
            // The password was right: the attempt must not turn into a failure later.
            if let attempt { await throttle.recordSuccess(attempt.subjects, attempt.claimed, on: database) }
            throw error
        }
    }
}
