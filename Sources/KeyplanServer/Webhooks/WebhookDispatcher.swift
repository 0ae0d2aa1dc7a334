import Foundation
import KeyplanAPI
import KeyplanPostgres
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers queued webhook events, at least once, in every server process: each looks for due
/// deliveries of any tenant every ``WebhookConfiguration/pollInterval``, leases them
/// (`claim_webhook_deliveries`: `FOR UPDATE SKIP LOCKED`, so processes share the work and never
/// send one attempt twice while a lease holds), and sends each in a task of its own, up to
/// ``WebhookConfiguration/concurrentDeliveries`` at once and a few per endpoint, so a slow receiver
/// delays only its own events. A delivery is read and settled in its tenant's transactions; the
/// HTTP request runs between them, holding no database connection.
final class WebhookDispatcher: Sendable {
    let database: PostgresClient
    let configuration: WebhookConfiguration
    private let inFlight = Mutex(0)

    init(database: PostgresClient, configuration: WebhookConfiguration) {
        self.database = database
        self.configuration = configuration
    }

    /// Delivers until graceful shutdown (or cancellation). Shutdown stops the claiming and lets the
    /// attempts in flight finish and settle (each within ``WebhookConfiguration/attemptTimeout``),
    /// rather than abandoning them to be sent again after their lease.
    func run(logger: Logger) async {
        let stopping = Mutex(false)
        await withGracefulShutdownHandler {
            await deliver(until: stopping, logger: logger)
        } onGracefulShutdown: {
            stopping.withLock { $0 = true }
        }
    }

    private func deliver(until stopping: borrowing Mutex<Bool>, logger: Logger) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !stopping.withLock({ $0 }) {
                let free = configuration.concurrentDeliveries - inFlight.withLock { $0 }
                var claimed: [(tenantID: UUID, deliveryID: UUID, claim: UUID)] = []
                if free > 0 {
                    do {
                        claimed = try await claim(limit: free)
                    } catch {
                        logger.warning("could not claim webhook deliveries; will retry", metadata: ["error": "\(error)"])
                    }
                }
                for delivery in claimed {
                    inFlight.withLock { $0 += 1 }
                    group.addTask { [self] in
                        await deliver(delivery.deliveryID, of: delivery.tenantID, claim: delivery.claim, logger: logger)
                        inFlight.withLock { $0 -= 1 }
                    }
                }
                // A full batch suggests more are due: look again at once.
                if claimed.isEmpty || claimed.count < free {
                    guard (try? await Task.sleep(for: configuration.pollInterval)) != nil else { break }
                }
            }
        }
    }

    private func claim(limit: Int) async throws -> [(tenantID: UUID, deliveryID: UUID, claim: UUID)] {
        let lease = configuration.lease.seconds
        return try await database.query(
            """
            SELECT * FROM claim_webhook_deliveries(\(limit)::int4, \(configuration.concurrentDeliveriesPerEndpoint)::int4, make_interval(secs => \(lease)))
            """
        ).map {
            (
                try $0.decode(UUID.self, column: "tenant_id"), try $0.decode(UUID.self, column: "delivery_id"),
                try $0.decode(UUID.self, column: "claim")
            )
        }
    }

    /// One attempt of a claimed delivery, then its settlement: delivered on a 2xx answer, dead
    /// after the last attempt, else due again after the backoff.
    func deliver(_ deliveryID: UUID, of tenantID: UUID, claim: UUID, logger: Logger) async {
        do {
            guard
                let delivery = try await database.inTenant(
                    tenantID, shape: .eachRoundTrip, durability: .deferred,
                    {
                        try await WebhookRepository(transaction: $0).claimed(deliveryID, claim: claim)
                    })
            else { return }
            // Counted when claimed: attempts whose process died before settling count too.
            let attempt = delivery.attempts
            let attemptedAt = Date()
            let outcome =
                attempt > configuration.maximumAttempts
                ? WebhookSender.Outcome(statusCode: nil, error: "not sent: the server stopped during the last attempts", latencyMilliseconds: 0)
                : await WebhookSender(configuration: configuration).send(
                    .init(
                        url: delivery.url, secret: delivery.secret, eventID: delivery.event.id, kind: delivery.event.kind, attempt: attempt,
                        body: delivery.event.json))
            let state: WebhookDeliveryState = outcome.succeeded ? .delivered : attempt >= configuration.maximumAttempts ? .dead : .pending
            let retryAfter = state == .pending ? configuration.retry.delay(after: attempt) : nil
            try await database.inTenant(tenantID) {
                try await WebhookRepository(transaction: $0).record(
                    outcome, of: delivery, claim: claim, attemptedAt: attemptedAt, state: state, retryAfter: retryAfter)
            }
            logger.debug(
                "webhook attempt",
                metadata: [
                    "webhook.delivery": "\(deliveryID)", "webhook.attempt": "\(attempt)", "webhook.state": "\(state.rawValue)",
                    "webhook.status": "\(outcome.statusCode.map(String.init) ?? "-")",
                ])
        } catch {
            // The lease runs out and another attempt follows: at least once.
            logger.warning(
                "could not settle a webhook delivery; it will be retried", metadata: ["webhook.delivery": "\(deliveryID)", "error": "\(error)"])
        }
    }
}
