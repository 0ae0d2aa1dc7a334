public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Mail`: the tenant's outgoing mail (invitations, notifications, digests) as its
/// admins see it: what was sent, what waits for a retry, what failed for good — and a failed mail
/// queued again.
public enum MailService {
    public static let name = "keyplan.Mail"
    /// The tenant's mail, newest first.
    public static let list = RPCMethod<ListMailRequest, MailPage>.read(name, "List")
    /// Queues a failed mail again, to be sent at once.
    public static let retry = RPCMethod<MailRef, MailDelivery>.unary(name, "Retry")
}

/// What a mail is.
public enum MailKind: String, Codable, Hashable, Sendable, CaseIterable {
    case invitation
    case notification
    case digest
    /// A customer's password-reset link, asked for by an admin.
    case passwordReset = "password_reset"
}

/// Where a mail is on its way out.
public enum MailState: String, Codable, Hashable, Sendable, CaseIterable {
    /// Waiting to be sent (again: see ``MailDelivery/attempts`` and ``MailDelivery/lastError``).
    case queued
    /// The relay accepted it.
    case sent
    /// Given up: the relay refused it for good, or every attempt failed.
    case failed
    /// Not sent because its cause went away (a revoked invitation).
    case cancelled
}

/// One mail of the tenant. Its body is not kept once sent (an invitation's carries its token).
@WireMessage
public struct MailDelivery: Codable, Hashable, Sendable {
    public var id: UUID
    public var kind: MailKind
    public var state: MailState
    public var toAddress: String
    public var toName: String?
    public var subject: String
    /// The `Message-ID` header, the same in every attempt: a duplicate after a crash is recognisable by it.
    public var messageID: String
    public var attempts: Int
    /// When the next attempt is due (queued mail).
    public var nextAttemptAt: Date?
    /// What went wrong last (the relay's reply, or the connection error).
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    enum CodingKeys: Int, CodingKey {
        case id = 1, kind = 2, state = 3, toAddress = 4, toName = 5, subject = 6, messageID = 7, attempts = 8
        case nextAttemptAt = 9, lastError = 10, createdAt = 11, sentAt = 12
    }
}

/// Newest first; pass the previous page's `nextCursor` as `cursor` for the next page.
@WireMessage
public struct ListMailRequest: Codable, Hashable, Sendable {
    /// Only mail in this state.
    public var state: MailState?
    /// At most this many (1–500, default 100).
    public var limit: Int?
    public var cursor: String?

    enum CodingKeys: Int, CodingKey { case state = 1, limit = 2, cursor = 3 }
}

@WireMessage
public struct MailPage: Codable, Hashable, Sendable {
    public var deliveries: [MailDelivery]
    public var nextCursor: String?

    enum CodingKeys: Int, CodingKey { case deliveries = 1, nextCursor = 2 }
}

@WireMessage
public struct MailRef: Codable, Hashable, Sendable {
    public var id: UUID

    enum CodingKeys: Int, CodingKey { case id = 1 }
}

extension KeyplanClient {
    public func mail(_ request: ListMailRequest = ListMailRequest()) async throws -> MailPage {
        try await call(MailService.list, request)
    }

    public func retryMail(_ id: UUID) async throws -> MailDelivery {
        try await call(MailService.retry, MailRef(id: id))
    }
}
