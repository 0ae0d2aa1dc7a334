public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Webhooks`: HTTPS endpoints an admin registers to be told of events as they happen.
/// Each event is POSTed as JSON, signed with the endpoint's secret (`Protocols/webhooks.md` has the
/// recipe and what each event carries), retried with backoff, and logged per attempt.
public enum WebhooksService {
    public static let name = "keyplan.Webhooks"
    /// Registers an endpoint; the answer holds its signing secret, shown only then.
    public static let create = RPCMethod<CreateWebhookRequest, CreatedWebhook>.unary(name, "Create")
    /// The tenant's endpoints (never their secrets).
    public static let list = RPCMethod<Empty, WebhookList>.read(name, "List")
    /// Removes an endpoint with its pending deliveries and its log.
    public static let remove = RPCMethod<WebhookRef, Empty>.unary(name, "Remove")
    /// Sends a `ping` event to the endpoint now, once, and answers how it went.
    public static let test = RPCMethod<WebhookRef, WebhookAttempt>.unary(name, "Test")
    /// The endpoint's delivery log: its attempts, newest first.
    public static let deliveries = RPCMethod<ListWebhookDeliveriesRequest, WebhookDeliveryLog>.read(name, "Deliveries")
    /// Replaces the endpoint's signing secret; the answer holds the new one, shown only then.
    public static let rotateSecret = RPCMethod<WebhookRef, CreatedWebhook>.unary(name, "RotateSecret")
}

/// What an event is about. `ping` is only sent by ``WebhooksService/test``.
public enum WebhookEventKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// A goal was created, changed or deleted.
    case goalChanged = "goal_changed"
    /// An action's status became `done`.
    case actionCompleted = "action_completed"
    /// A customer answered a scorecard (seller-internal).
    case scorecardAnswered = "scorecard_answered"
    /// A strategic account's health fell into risk (seller-internal).
    case healthAtRisk = "health_at_risk"
    case ping

    /// The kinds an endpoint can subscribe to.
    public static let subscribable: [WebhookEventKind] = [.goalChanged, .actionCompleted, .scorecardAnswered, .healthAtRisk]

    /// Whether a customer may read what the event carries — some events of the kind (shared
    /// goals and actions); the others are seller-internal and never reach a customer-facing endpoint.
    public var canBeShared: Bool { self == .goalChanged || self == .actionCompleted || self == .ping }
}

/// A registered endpoint.
@WireMessage
public struct WebhookEndpoint: Codable, Hashable, Sendable {
    public var id: UUID
    /// Unique in the tenant.
    public var name: String
    public var url: String
    public var eventKinds: [WebhookEventKind]
    /// The customer's own system: it receives only what the account's customers could read.
    public var customerFacing: Bool
    /// Only this account's events (required for a customer-facing endpoint); `nil`: every account's.
    public var accountID: UUID?
    public var createdAt: Date

    enum CodingKeys: Int, CodingKey {
        case id = 1, name = 2, url = 3, eventKinds = 4, customerFacing = 5, accountID = 6, createdAt = 7
    }
}

@WireMessage
public struct CreateWebhookRequest: Codable, Hashable, Sendable {
    public var name: String
    /// `https://…`; plain `http` and internal addresses only where the operator allows them.
    public var url: String
    /// One or more of ``WebhookEventKind/subscribable``.
    public var eventKinds: [WebhookEventKind]
    public var customerFacing: Bool
    public var accountID: UUID?

    public init(name: String, url: String, eventKinds: [WebhookEventKind], customerFacing: Bool = false, accountID: UUID? = nil) {
        self.name = name
        self.url = url
        self.eventKinds = eventKinds
        self.customerFacing = customerFacing
        self.accountID = accountID
    }

    enum CodingKeys: Int, CodingKey { case name = 1, url = 2, eventKinds = 3, customerFacing = 4, accountID = 5 }
}

/// An endpoint with its signing secret: the only answers that carry it.
@WireMessage
public struct CreatedWebhook: Codable, Hashable, Sendable {
    public var endpoint: WebhookEndpoint
    /// `whsec_…`: the HMAC key, exactly these characters as UTF-8 bytes.
    public var secret: String

    public init(endpoint: WebhookEndpoint, secret: String) {
        self.endpoint = endpoint
        self.secret = secret
    }

    enum CodingKeys: Int, CodingKey { case endpoint = 1, secret = 2 }
}

@WireMessage
public struct WebhookList: Codable, Hashable, Sendable {
    /// By name.
    public var endpoints: [WebhookEndpoint]

    public init(endpoints: [WebhookEndpoint]) { self.endpoints = endpoints }

    enum CodingKeys: Int, CodingKey { case endpoints = 1 }
}

@WireMessage
public struct WebhookRef: Codable, Hashable, Sendable {
    public var id: UUID

    public init(id: UUID) { self.id = id }

    enum CodingKeys: Int, CodingKey { case id = 1 }
}

/// Where a delivery stands.
public enum WebhookDeliveryState: String, Codable, Hashable, Sendable, CaseIterable {
    /// Not yet delivered; another attempt is due.
    case pending
    /// A 2xx answer.
    case delivered
    /// Given up after the last attempt.
    case dead
}

/// One attempt to deliver an event to an endpoint.
@WireMessage
public struct WebhookAttempt: Codable, Hashable, Sendable {
    public var deliveryID: UUID
    public var eventID: UUID
    public var eventKind: WebhookEventKind
    /// 1 for the first attempt.
    public var attempt: Int
    public var attemptedAt: Date
    /// The receiver's HTTP status; `nil` when none came (refused address, timeout, connection failure).
    public var statusCode: Int?
    public var latencyMilliseconds: Int
    /// Why the attempt failed, in words; `nil` for a 2xx answer.
    public var error: String?
    /// The delivery's state now.
    public var state: WebhookDeliveryState
    /// When the next attempt is due, while pending.
    public var nextAttemptAt: Date?

    enum CodingKeys: Int, CodingKey {
        case deliveryID = 1, eventID = 2, eventKind = 3, attempt = 4, attemptedAt = 5, statusCode = 6, latencyMilliseconds = 7
        case error = 8, state = 9, nextAttemptAt = 10
    }

    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

@WireMessage
public struct ListWebhookDeliveriesRequest: Codable, Hashable, Sendable {
    public var endpointID: UUID
    /// At most this many attempts (1–500, default 50).
    public var limit: Int?

    public init(endpointID: UUID, limit: Int? = nil) {
        self.endpointID = endpointID
        self.limit = limit
    }

    enum CodingKeys: Int, CodingKey { case endpointID = 1, limit = 2 }
}

@WireMessage
public struct WebhookDeliveryLog: Codable, Hashable, Sendable {
    /// Newest first.
    public var attempts: [WebhookAttempt]

    public init(attempts: [WebhookAttempt]) { self.attempts = attempts }

    enum CodingKeys: Int, CodingKey { case attempts = 1 }
}

extension KeyplanClient {
    public func createWebhook(_ request: CreateWebhookRequest) async throws -> CreatedWebhook {
        try await call(WebhooksService.create, request)
    }

    public func listWebhooks() async throws -> [WebhookEndpoint] {
        try await call(WebhooksService.list, Empty()).endpoints
    }

    public func removeWebhook(_ id: UUID) async throws {
        _ = try await call(WebhooksService.remove, WebhookRef(id: id))
    }

    public func testWebhook(_ id: UUID) async throws -> WebhookAttempt {
        try await call(WebhooksService.test, WebhookRef(id: id))
    }

    public func webhookDeliveries(_ request: ListWebhookDeliveriesRequest) async throws -> [WebhookAttempt] {
        try await call(WebhooksService.deliveries, request).attempts
    }

    public func rotateWebhookSecret(_ id: UUID) async throws -> CreatedWebhook {
        try await call(WebhooksService.rotateSecret, WebhookRef(id: id))
    }
}
