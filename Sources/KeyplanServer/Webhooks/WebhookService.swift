import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Webhooks`: a tenant's admins register endpoints, read their delivery logs and
/// test-send. Events are queued where they happen (the journal's trigger, health) and sent by
/// the ``WebhookDispatcher``.
struct WebhookService: SecuredService {
    let environment: ServiceEnvironment
    let configuration: WebhookConfiguration

    private static func unknown(_ id: UUID) -> RPCError { RPCError(code: .notFound, message: "no webhook \(id)") }

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(WebhooksService.create) { request, call in
            var request = request
            request.name = try Validate.line(request.name, field: "name", characters: 1...100)
            let url = try validate(request)
            let secret = WebhookSignature.generateSecret()
            let endpoint = try await WebhookRepository(transaction: call.transaction).insert(
                request, url: url, secret: secret, tenantID: call.principal.tenantID, createdBy: call.principal.userID)
            return CreatedWebhook(endpoint: endpoint, secret: secret)
        }
        routes.tenant(WebhooksService.list) { _, call in
            WebhookList(endpoints: try await WebhookRepository(transaction: call.transaction).list())
        }
        routes.tenant(WebhooksService.remove) { request, call in
            guard try await WebhookRepository(transaction: call.transaction).remove(request.id) else { throw Self.unknown(request.id) }
            return Empty()
        }
        routes.tenant(WebhooksService.rotateSecret) { request, call in
            let secret = WebhookSignature.generateSecret()
            guard let endpoint = try await WebhookRepository(transaction: call.transaction).rotateSecret(of: request.id, to: secret) else {
                throw Self.unknown(request.id)
            }
            return CreatedWebhook(endpoint: endpoint, secret: secret)
        }
        routes.tenant(WebhooksService.deliveries) { request, call in
            let limit = try Validate.limit(request.limit, maximum: 500, fallback: 50)
            let webhooks = WebhookRepository(transaction: call.transaction)
            guard try await webhooks.find(request.endpointID) != nil else { throw Self.unknown(request.endpointID) }
            return WebhookDeliveryLog(attempts: try await webhooks.log(of: request.endpointID, limit: limit))
        }
        // Each round trip its own transaction: the request to the receiver runs between the
        // endpoint's read and the attempt's record, holding no connection.
        routes.tenant(WebhooksService.test, shape: .eachRoundTrip) { request, call in
            let webhooks = WebhookRepository(transaction: call.transaction)
            guard let (endpoint, secret) = try await webhooks.find(request.id) else { throw Self.unknown(request.id) }
            let data = try JSONEncoder().encode(PingData(endpoint: .init(id: endpoint.id.uuidString.lowercased(), name: endpoint.name)))
            let event = WebhookEventBody(
                id: UUID(), kind: WebhookEventKind.ping.rawValue, accountID: nil, occurredAt: Date(), data: String(decoding: data, as: UTF8.self))
            let attemptedAt = Date()
            let outcome = await WebhookSender(configuration: configuration).send(
                .init(url: endpoint.url, secret: secret, eventID: event.id, kind: event.kind, attempt: 1, body: event.json))
            return try await webhooks.recordTest(
                event, endpointID: endpoint.id, outcome: outcome, attemptedAt: attemptedAt, tenantID: call.principal.tenantID)
        }
    }

    /// The request's URL as it will be stored, once its kinds, scope and address pass.
    private func validate(_ request: CreateWebhookRequest) throws -> String {
        guard !request.eventKinds.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "name at least one event kind: \(Self.kindList(WebhookEventKind.subscribable))")
        }
        if let unsubscribable = request.eventKinds.first(where: { !WebhookEventKind.subscribable.contains($0) }) {
            throw RPCError(code: .invalidArgument, message: "\(unsubscribable.rawValue) is not an event kind to subscribe to")
        }
        if request.customerFacing {
            guard request.accountID != nil else {
                throw RPCError(
                    code: .invalidArgument, message: "a customer-facing webhook must name its account: it receives only that account's events")
            }
            let internalKinds = request.eventKinds.filter { !$0.canBeShared }
            guard internalKinds.isEmpty else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "\(Self.kindList(internalKinds)) carry seller-internal data and cannot go to a customer-facing webhook")
            }
        }
        do {
            return try WebhookAddressPolicy(allowPrivateAddresses: configuration.allowPrivateAddresses).validate(request.url).absoluteString
        } catch let refusal as WebhookAddressPolicy.Refusal {
            throw RPCError(code: .invalidArgument, message: refusal.description)
        }
    }

    private static func kindList(_ kinds: [WebhookEventKind]) -> String { kinds.map(\.rawValue).joined(separator: ", ") }

    /// A `ping` event's data.
    private struct PingData: Encodable {
        struct Endpoint: Encodable {
            var id: String
            var name: String
        }
        var endpoint: Endpoint
        var message = "a test of this webhook from Keyplan"
    }
}
