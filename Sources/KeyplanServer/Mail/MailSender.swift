public import Foundation
import KeyplanAPI
public import KeyplanMail
import KeyplanPostgres
public import Logging
import Metrics
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Keyplan's outgoing mail, ready to run: its configuration and the SMTP client for its relay.
public struct OutgoingMail: Sendable {
    public let configuration: MailConfiguration
    let client: SMTPClient

    /// Checks the relay settings and reads its trust roots, on NIO's thread pool (a file read).
    public static func make(_ configuration: MailConfiguration, logger: Logger = Logger(label: "keyplan.mail")) async throws -> OutgoingMail {
        let client = try await NIOThreadPool.singleton.runIfActive {
            try SMTPClient(relay: configuration.relay, logger: logger)
        }
        return OutgoingMail(configuration: configuration, client: client)
    }
}

/// The delivery worker: in every tenant with mail work, turns notifications into mail (one each,
/// or digests), then claims due mail under a lease, sends it through the relay, and marks it —
/// sent, due again after a backoff, or failed.
///
/// Guarantees: a mail is queued in the transaction of its cause, so it is never lost; a process
/// that dies after sending but before marking leaves a claim whose lease runs out, and the mail
/// goes again with the same Message-ID (at least once). Processes share the work through
/// `FOR UPDATE SKIP LOCKED`, so in a normal run each mail goes once. Sending happens outside any
/// transaction, so a slow relay holds no connection or lock; calls that queue mail never wait
/// for the relay.
final class MailSender: Sendable {
    let configuration: MailConfiguration
    private let client: SMTPClient
    private let database: PostgresClient
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    /// Set by graceful shutdown: claim nothing more.
    private let stopping = Mutex(false)

    private static let sent = Counter(label: "keyplan_mail_sent_total")
    private static let retried = Counter(label: "keyplan_mail_retried_total")
    private static let failed = Counter(label: "keyplan_mail_failed_total")

    init(_ mail: OutgoingMail, database: PostgresClient) {
        self.configuration = mail.configuration
        self.client = mail.client
        self.database = database
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Looks for work at once once `transaction` commits (it queued mail), rather than at the next poll.
    func wake(when transaction: TenantTransaction) {
        transaction.onCommit { [wakeup] in wakeup.yield() }
    }

    /// Works until graceful shutdown (or cancellation): a round at start, then one per poll interval
    /// or wake-up. Shutdown lets the round under way finish what it has claimed — mail the relay
    /// accepted is marked sent, not sent again after the lease — and claims nothing more.
    func run(logger: Logger) async {
        await withGracefulShutdownHandler {
            await work(logger: logger)
        } onGracefulShutdown: { [self] in
            stopping.withLock { $0 = true }
            wakeup.finish()
        }
    }

    private func work(logger: Logger) async {
        var remindersAt: ContinuousClock.Instant?
        let clock = ContinuousClock()
        await withTaskGroup(of: Void.self) { group in
            // Wake-ups arrive through a stream; a timer task adds the polls to it.
            group.addTask { [wakeup, configuration] in
                while (try? await Task.sleep(for: configuration.delivery.pollInterval)) != nil { wakeup.yield() }
            }
            var iterator = wakeups.makeAsyncIterator()
            repeat {
                let withReminders = remindersAt.map { clock.now - $0 >= configuration.delivery.reminderInterval } ?? true
                do {
                    try await round(withReminders: withReminders, logger: logger)
                    if withReminders { remindersAt = clock.now }
                } catch {
                    logger.warning("could not look for mail work; trying again at the next poll", metadata: ["error": "\(error)"])
                }
            } while await iterator.next() != nil && !Task.isCancelled && !stopping.withLock({ $0 })
            group.cancelAll()
        }
    }

    /// One pass over every tenant with mail work. A tenant whose work fails (its data, a database
    /// error) is logged and skipped, so it cannot hold up the others' mail.
    func round(withReminders: Bool, logger: Logger) async throws {
        let tenants = try await database.query(
            """
            SELECT t AS tenant_id FROM mail_work_tenants(make_interval(secs => \(configuration.delivery.notificationHorizon.seconds)), \(withReminders)) AS t
            """
        ).map { try $0.decode(UUID.self, column: "tenant_id") }
        for tenant in tenants where !stopping.withLock({ $0 }) {
            try Task.checkCancellation()
            do {
                try await database.inTenant(tenant) { transaction in
                    if withReminders {
                        try await NotificationRepository(transaction: transaction).materializeReminders()
                        try await MailOutbox(transaction: transaction).prune()
                    }
                    let mailer = NotificationMailer(transaction: transaction, configuration: configuration)
                    _ = try await mailer.mailNotifications()
                    _ = try await mailer.mailDigests()
                }
                while !stopping.withLock({ $0 }), try await sendDue(in: tenant, logger: logger) == configuration.delivery.batchSize {}
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.error(
                    "mail work of a tenant failed; its mail waits for the next round", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
    }

    /// Claims a batch of the tenant's due mail, sends it all at once, marks each; returns the batch's size.
    private func sendDue(in tenant: UUID, logger: Logger) async throws -> Int {
        let delivery = configuration.delivery
        let claimed = try await database.inTenant(tenant) { transaction in
            try await MailOutbox(transaction: transaction).claim(limit: delivery.batchSize, lease: delivery.lease)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for mail in claimed {
                group.addTask { [self] in
                    let outcome = await send(mail)
                    try await database.inTenant(tenant) { transaction in
                        let outbox = MailOutbox(transaction: transaction)
                        switch outcome {
                        case .sent:
                            Self.sent.increment()
                            try await outbox.markSent(mail)
                        case .retry(let error, let delay):
                            Self.retried.increment()
                            logger.notice(
                                "mail not accepted yet; will retry",
                                metadata: ["mail.id": "\(mail.id)", "attempt": "\(mail.attempts)", "error": "\(error)"])
                            try await outbox.markFailed(mail, error: error, retryAfter: delay)
                        case .giveUp(let error):
                            Self.failed.increment()
                            logger.warning(
                                "mail failed for good", metadata: ["mail.id": "\(mail.id)", "attempt": "\(mail.attempts)", "error": "\(error)"])
                            try await outbox.markFailed(mail, error: error, retryAfter: nil)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return claimed.count
    }

    enum Outcome: Equatable {
        case sent
        case retry(String, after: Duration)
        case giveUp(String)
    }

    private func send(_ mail: MailOutbox.Claimed) async -> Outcome {
        let message: MailMessage
        let recipient: MailAddress
        do {
            recipient = try MailAddress(mail.toAddress, displayName: mail.toName)
            message = try MailMessage(
                from: configuration.from, to: [recipient], replyTo: configuration.replyTo, subject: mail.subject, text: mail.text, html: mail.html,
                messageID: mail.messageID, date: mail.createdAt, listUnsubscribe: mail.listUnsubscribe)
        } catch {
            return .giveUp("the mail cannot be sent: \(error)")
        }
        do {
            _ = try await client.send(message, from: configuration.from, to: [recipient])
            return .sent
        } catch {
            return Self.decide(error, attempts: mail.attempts, delivery: configuration.delivery)
        }
    }

    /// Whether a failed attempt is tried again: transient failures up to ``MailConfiguration/Delivery/maxAttempts``,
    /// refusals up to ``MailConfiguration/Delivery/maxRefusals``, each after a growing delay.
    static func decide(_ error: SMTPError, attempts: Int, delivery: MailConfiguration.Delivery) -> Outcome {
        let limit = error.isTransient ? delivery.maxAttempts : delivery.maxRefusals
        guard attempts < limit else { return .giveUp(error.description) }
        return .retry(error.description, after: delivery.retry.delay(after: attempts))
    }
}
