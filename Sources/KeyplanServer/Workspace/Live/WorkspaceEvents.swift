import Foundation
import KeyplanPostgres
import KeyplanRPC
import Synchronization

/// The process's one subscription to the workspace journal's notifications, fanned out to the
/// watchers of each account.
///
/// Every journal insert notifies channel `keyplan_workspace` with "tenant/account/change id" when
/// its transaction commits, in whichever server process made it. This hub listens once (one
/// dedicated listening connection, however many watchers) and routes each id to the watchers of
/// that (tenant, account) as a ``Signal``; the watchers load the changes themselves, under their
/// own principal, so each sees only what its role may. It also sends every watcher a periodic
/// ``Signal/tick``, on which the watcher catches up from the journal and re-checks its access:
/// notifications sent while the listening connection reconnects are lost, the journal is not.
///
/// A watcher's inbox is bounded (``Configuration-swift.struct/bufferSize``): a watcher whose
/// client reads too slowly is cut off (``Subscription/overflowed``) rather than buffering without
/// bound.
final class WorkspaceEvents: Sendable {
    /// The journal's notification channel (see `Schema/0006_workspace.sql`).
    static let channel = "keyplan_workspace"

    struct Configuration: Sendable {
        /// Signals a watcher may have waiting before it is cut off. Default 4,096 (about
        /// 64 KB): a burst of changes to one account larger than this, committed while a
        /// watcher is busy, also cuts it off (it resumes with `after`).
        var bufferSize: Int
        /// How often each watcher catches up from the journal and re-checks its access even
        /// without notifications. Default 5 s.
        var tickInterval: Duration

        static var defaults: Configuration { Configuration(bufferSize: 4096, tickInterval: .seconds(5)) }
    }

    /// What wakes a watcher.
    enum Signal: Sendable, Equatable {
        /// A change of the watched account committed.
        case change(Int64)
        /// Time to catch up and re-check access.
        case tick
    }

    /// Who is watched: one account of one tenant.
    struct Topic: Hashable, Sendable {
        var tenantID: UUID
        var accountID: UUID
    }

    /// One watcher's inbox. Dropping it (or ``cancel()``) unsubscribes.
    final class Subscription: Sendable {
        let signals: AsyncStream<Signal>
        fileprivate let continuation: AsyncStream<Signal>.Continuation
        fileprivate let flags = Mutex(Flags())

        fileprivate struct Flags {
            var overflowed = false
            var tickPending = false
        }

        fileprivate init(bufferSize: Int) {
            (signals, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingOldest(bufferSize))
        }

        /// Whether the inbox filled up and was closed: the watcher fell behind.
        var overflowed: Bool { flags.withLock { $0.overflowed } }

        /// The watcher took a tick from the inbox; the next one may be queued.
        func tickTaken() { flags.withLock { $0.tickPending = false } }

        func cancel() { continuation.finish() }

        /// Queues `signal`; closes the inbox when it is full.
        fileprivate func send(_ signal: Signal) {
            if signal == .tick {
                let queued = flags.withLock { flags in
                    defer { flags.tickPending = true }
                    return flags.tickPending
                }
                if queued { return }
            }
            if case .dropped = continuation.yield(signal) {
                flags.withLock { $0.overflowed = true }
                continuation.finish()
            }
        }
    }

    private struct State {
        var watchers: [Topic: [Int: Subscription]] = [:]
        var nextID = 0
        /// Listening (or starting to): ends once `LISTEN` is confirmed.
        var listening: Task<Void, any Error>?
    }

    private let database: PostgresClient
    let configuration: Configuration
    private let state = Mutex(State())

    init(database: PostgresClient, configuration: Configuration = .defaults) {
        self.database = database
        self.configuration = configuration
    }

    /// Subscribes to the changes of `topic`. When this returns, the hub is listening: every
    /// change committed from now on reaches the subscription.
    func subscribe(to topic: Topic) async throws -> Subscription {
        let subscription = Subscription(bufferSize: configuration.bufferSize)
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        subscription.continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.watchers[topic]?[id] = nil
                if state.watchers[topic]?.isEmpty == true { state.watchers[topic] = nil }
            }
        }
        let listening = state.withLock { state in
            state.watchers[topic, default: [:]][id] = subscription
            return startListening(&state)
        }
        do {
            try await listening.value
        } catch {
            subscription.cancel()
            state.withLock { if $0.listening == listening { $0.listening = nil } }
            throw RPCError(code: .unavailable, message: "live updates are unavailable: the database cannot be listened to; retry")
        }
        return subscription
    }

    /// The number of subscriptions of `topic` (for tests and metrics).
    func watcherCount(of topic: Topic) -> Int {
        state.withLock { $0.watchers[topic]?.count ?? 0 }
    }

    /// The task that listens, started on first use; once listening, it starts routing and ticking.
    private func startListening(_ state: inout State) -> Task<Void, any Error> {
        if let listening = state.listening { return listening }
        let listening = Task { [database, interval = configuration.tickInterval] in
            let notifications = try await database.listen(channel: Self.channel)
            let ticker = Task { [weak self] in
                while (try? await Task.sleep(for: interval)) != nil {
                    guard let self else { return }
                    self.broadcast(.tick)
                }
            }
            Task {
                await self.route(notifications)
                ticker.cancel()
            }
        }
        state.listening = listening
        return listening
    }

    /// Routes each notification to its account's watchers, until the client shuts down; then
    /// closes every inbox (the watchers end their calls).
    private func route(_ events: AsyncStream<PostgresListenEvent>) async {
        for await event in events {
            guard case .notification(let notification) = event else {
                // Listening again after a loss: what was notified meanwhile is found by catching up now.
                broadcast(.tick)
                continue
            }
            guard let parsed = Self.parse(notification.payload) else { continue }
            let (topic, changeID) = parsed
            let watchers = state.withLock { $0.watchers[topic].map { Array($0.values) } ?? [] }
            for watcher in watchers { watcher.send(.change(changeID)) }
        }
        let watchers = state.withLock { state in
            defer { state.listening = nil }
            return state.watchers.values.flatMap(\.values)
        }
        for watcher in watchers { watcher.cancel() }
    }

    private func broadcast(_ signal: Signal) {
        let watchers = state.withLock { $0.watchers.values.flatMap(\.values) }
        for watcher in watchers { watcher.send(signal) }
    }

    /// "tenant/account/change id", as the journal's trigger writes it.
    static func parse(_ payload: String) -> (Topic, Int64)? {
        let parts = payload.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let tenantID = UUID(uuidString: String(parts[0])), let accountID = UUID(uuidString: String(parts[1])),
            let changeID = Int64(parts[2])
        else { return nil }
        return (Topic(tenantID: tenantID, accountID: accountID), changeID)
    }
}
