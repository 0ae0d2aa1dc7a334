import DequeModule
import Foundation
import KeyplanPool
import Metrics
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// A pool of PostgreSQL connections: the way the server talks to PostgreSQL.
///
/// The pool's rules live in `PoolStateMachine` (module KeyplanPool); this class carries out its
/// actions. All of its background work — opening and closing connections on the dedicated
/// threads, failing waiters whose deadline passed — runs inside ``run()``, a swift-service-lifecycle
/// `Service`, as child tasks of one task group (as postgres-nio's `PostgresClient` does): run it
/// in the server's `ServiceGroup`, or use ``withClient(configuration:_:)``. Leases made before
/// `run()` starts wait for it; once it has returned, they fail.
///
///     let client = PostgresClient(configuration: try PostgresConfiguration(connectionString: url))
///     // in a ServiceGroup with the other services, or:
///     try await PostgresClient.withClient(configuration: configuration) { client in
///         let rows = try await client.query("SELECT name FROM accounts WHERE id = \(id)")
///     }
///
/// Before a caller gets a connection that sat idle, the connection reads what the server sent
/// meanwhile (a non-blocking read): after a PostgreSQL restart it finds the socket closed and is
/// replaced, so the next queries succeed without restarting the server.
public final class PostgresClient: Service, Sendable {
    public let configuration: PostgresConfiguration
    /// One thread per pooled connection, so a blocking libpq call never waits for a thread and
    /// never runs on an event loop or the cooperative pool; plus one, so closing a replaced
    /// connection never waits behind busy ones.
    private let threads: NIOThreadPool
    /// `PQcancel` blocks while it connects to the server: it runs here.
    private let cancelThreads: NIOThreadPool
    private let state: Mutex<State>
    private let listener: Mutex<PostgresListener?> = Mutex(nil)
    /// Round trips and statements sent, for the server's metrics and the benchmarks.
    let traffic: PostgresTraffic

    private typealias StateMachine = PoolStateMachine<ContinuousClock.Instant>

    private struct State: ~Copyable {
        var machine: StateMachine
        var connections: [StateMachine.ConnectionID: PostgresConnection] = [:]
        var waiters: [StateMachine.RequestID: CheckedContinuation<(StateMachine.ConnectionID, PostgresConnection), any Error>] = [:]
        var nextRequestID = 0
        /// Work for ``run()``, in order; `run` takes it from here.
        var work: Deque<BackgroundWork> = []
        var workWaiter: CheckedContinuation<BackgroundWork?, Never>?
        /// Waiters' deadlines, earliest first (each is its request's time plus the one lease
        /// timeout, so they arrive in order), kept by one task of ``run()``.
        var deadlines: Deque<(instant: ContinuousClock.Instant, request: StateMachine.RequestID)> = []
        var deadlineKeeperWaiter: CheckedContinuation<Void, Never>?
        /// Whether ``run()`` has started: it runs once.
        var started = false
    }

    private enum BackgroundWork {
        case open(StateMachine.ConnectionID)
        case close(PostgresConnection)
    }

    public init(configuration: PostgresConfiguration) {
        self.configuration = configuration
        self.threads = NIOThreadPool(numberOfThreads: max(1, configuration.pool.maximumConnections) + 1)
        self.cancelThreads = NIOThreadPool(numberOfThreads: 1)
        self.threads.start()
        self.cancelThreads.start()
        self.state = Mutex(State(machine: StateMachine(configuration: configuration.poolStateMachineConfiguration)))
        self.traffic = PostgresTraffic()
    }

    /// Runs `body` with a running client, then shuts the client down (also when `body` throws).
    @discardableResult
    public static func withClient<Result>(
        configuration: PostgresConfiguration,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    // MARK: The background work

    /// Carries out the pool's background work until the service group shuts it down (graceful
    /// shutdown) or the task is cancelled: then waiting callers fail, idle connections close,
    /// leased ones close when they come back, and the threads stop.
    public func run() async {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.keepDeadlines() }
                while let work = await self.nextWork() {
                    switch work {
                    case .open(let id): group.addTask { await self.open(id) }
                    case .close(let connection): group.addTask { await connection.close() }
                    }
                }
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            self.beginShutdown()
        }
        let listener = self.listener.withLock { $0 }
        await listener?.shutdown()
        try? await threads.shutdownGracefully()
        try? await cancelThreads.shutdownGracefully()
    }

    /// The next piece of work, or `nil` once the pool has shut down and nothing is left.
    /// Not cancellation-sensitive: connections must be closed even when `run` is cancelled.
    private func nextWork() async -> BackgroundWork? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> BackgroundWork?? in
                if let work = state.work.popFirst() { return .some(work) }
                if state.machine.isShutDown, state.machine.connectionCount == 0 { return .some(nil) }
                state.workWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func enqueue(_ work: BackgroundWork) {
        let waiter = state.withLock { state -> CheckedContinuation<BackgroundWork?, Never>? in
            guard let waiter = state.workWaiter else {
                state.work.append(work)
                return nil
            }
            state.workWaiter = nil
            return waiter
        }
        waiter?.resume(returning: work)
    }

    /// Fails waiters whose deadline passed; sleeps until the earliest one.
    private func keepDeadlines() async {
        while !Task.isCancelled {
            let next = state.withLock { state in
                // A request served (or failed) meanwhile needs no deadline. Dropping those first keeps the
                // keeper asleep until a deadline that can still pass: otherwise, with leases granted by the
                // thousand per second, it woke for each of their stale deadlines in turn.
                while let first = state.deadlines.first, state.waiters[first.request] == nil {
                    state.deadlines.removeFirst()
                }
                return state.deadlines.first
            }
            guard let next else {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let empty = state.withLock { state in
                            guard state.deadlines.isEmpty, !Task.isCancelled else { return false }
                            state.deadlineKeeperWaiter = continuation
                            return true
                        }
                        if !empty { continuation.resume() }
                    }
                } onCancel: {
                    state.withLock { state in
                        defer { state.deadlineKeeperWaiter = nil }
                        return state.deadlineKeeperWaiter
                    }?.resume()
                }
                continue
            }
            guard (try? await Task.sleep(until: next.instant, clock: .continuous)) != nil else { return }
            let now = ContinuousClock.now
            perform(
                state.withLock { state in
                    var actions: [StateMachine.Action] = []
                    while let first = state.deadlines.first, first.instant <= now {
                        state.deadlines.removeFirst()
                        actions += state.machine.deadlinePassed(first.request, now: now)
                    }
                    return actions
                })
        }
    }

    private func beginShutdown() {
        perform(state.withLock { $0.machine.shutdown() })
    }

    private func open(_ id: StateMachine.ConnectionID) async {
        let parameters = configuration.libpqParameters
        do {
            let handle = try await threads.runIfActive { try LibPQConnection.connect(parameters: parameters) }
            let connection = PostgresConnection(handle: handle, id: id, threads: threads, cancelThreads: cancelThreads, traffic: traffic)
            perform(
                state.withLock { state in
                    state.connections[id] = connection
                    return state.machine.connectionEstablished(id)
                })
        } catch {
            let message = (error as? PostgresError)?.message ?? "\(error)"
            perform(
                state.withLock {
                    $0.machine.connectionFailed(id, error: .connectionFailed("could not connect to \(configuration.endpointDescription): \(message)"))
                })
        }
    }

    // MARK: Convenience over a leased connection

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery, timeout: Duration? = nil) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query, timeout: timeout) }
    }

    /// Runs `body` in a transaction on a pooled connection; see ``PostgresConnection/withTransaction(isolation:_:)``.
    @discardableResult
    public func withTransaction<Result>(
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { try await $0.withTransaction(isolation: isolation, body) }
    }

    /// Sends a batch of statements in one round trip; see ``PostgresConnection/pipeline(timeout:_:)``.
    public func pipeline(timeout: Duration? = nil, _ build: (inout PostgresPipeline) -> Void) async throws -> [PostgresRows] {
        try await withConnection { try await $0.pipeline(timeout: timeout, build) }
    }

    /// Sends a notification (`pg_notify`), delivered when the surrounding transaction commits.
    public func notify(channel: String, payload: String = "") async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Notifications on `channel`, until the stream's consumer stops or the client shuts down.
    /// They arrive on one dedicated listening connection outside the pool, which reconnects
    /// and listens again after a connection loss; notifications sent meanwhile are lost, and the
    /// stream says so with ``PostgresListenEvent/resumed``.
    public func listen(channel: String) async throws -> AsyncStream<PostgresListenEvent> {
        let listener = try self.listener.withLock { listener throws(PostgresError) in
            if state.withLock({ $0.machine.isShutDown }) {
                throw PostgresError(kind: .poolShutDown, message: PoolError.shutDown.description)
            }
            if let listener { return listener }
            let new = try PostgresListener(parameters: configuration.libpqParameters)
            listener = new
            return new
        }
        return try await listener.subscribe(channel: channel)
    }

    /// Round trips and statements this client has sent so far.
    public var trafficSnapshot: PostgresTraffic.Snapshot { traffic.snapshot }

    // MARK: Leasing

    /// Leases a connection for `body`, waiting at most the pool's lease timeout for one, and
    /// returns it afterwards; a connection left broken or inside a transaction is replaced.
    @discardableResult
    public func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await leaseConnection()
        do {
            let result = try await body(connection)
            releaseConnection(connection)
            return result
        } catch {
            releaseConnection(connection)
            throw error
        }
    }

    /// Leases a connection, waiting at most the pool's lease timeout for one. The caller must
    /// give it back with ``releaseConnection(_:)`` exactly once, whatever happens: prefer
    /// ``withConnection(_:)``, which does.
    public func leaseConnection() async throws -> PostgresConnection {
        let deadline = ContinuousClock.now.advanced(by: configuration.pool.leaseTimeout)
        while true {
            let (id, connection) = try await lease(deadline: deadline)
            // A non-blocking read of what the server sent while the connection sat idle.
            if connection.handle.checkHealth() { return connection }
            perform(state.withLock { $0.machine.connectionReleased(id, reusable: false) })
        }
    }

    /// Gives a leased connection back; one left broken or inside a transaction is closed and replaced.
    public func releaseConnection(_ connection: PostgresConnection) {
        perform(state.withLock { $0.machine.connectionReleased(connection.id, reusable: connection.handle.isReusable) })
    }

    private func lease(deadline: ContinuousClock.Instant) async throws -> (StateMachine.ConnectionID, PostgresConnection) {
        if Task.isCancelled {
            throw PostgresError(kind: .cancelled, message: PoolError.cancelled.description)
        }
        let requestID = state.withLock { state in
            defer { state.nextRequestID += 1 }
            return state.nextRequestID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let actions = state.withLock { state in
                    state.waiters[requestID] = continuation
                    return state.machine.leaseRequested(requestID, deadline: deadline, now: .now)
                }
                perform(actions)
            }
        } onCancel: {
            perform(state.withLock { $0.machine.requestCancelled(requestID) })
        }
    }

    /// Carries out the state machine's decisions; called outside the lock.
    private func perform(_ actions: [StateMachine.Action]) {
        for action in actions {
            switch action {
            case .lease(let id, let requestID):
                let (waiter, connection) = state.withLock { ($0.waiters.removeValue(forKey: requestID), $0.connections[id]) }
                if let waiter, let connection {
                    waiter.resume(returning: (id, connection))
                } else {
                    // Nobody to hand it to (cannot happen while waiters register before they
                    // request): give it back rather than lose it.
                    waiter?.resume(throwing: PostgresError(.leaseTimeout))
                    perform(state.withLock { $0.machine.connectionReleased(id, reusable: connection != nil) })
                }

            case .fail(let requestID, let error):
                state.withLock { $0.waiters.removeValue(forKey: requestID) }?.resume(throwing: PostgresError(error))

            case .scheduleDeadline(let requestID, let deadline):
                let keeper = state.withLock { state in
                    if let last = state.deadlines.last, last.instant > deadline {
                        // Out of order (a retry after an unhealthy connection keeps its first
                        // deadline): placed where it belongs.
                        let index = state.deadlines.firstIndex { $0.instant > deadline } ?? state.deadlines.endIndex
                        state.deadlines.insert((deadline, requestID), at: index)
                    } else {
                        state.deadlines.append((deadline, requestID))
                    }
                    defer { state.deadlineKeeperWaiter = nil }
                    return state.deadlineKeeperWaiter
                }
                keeper?.resume()

            case .openConnection(let id):
                enqueue(.open(id))

            case .closeConnection(let id):
                if let connection = state.withLock({ $0.connections.removeValue(forKey: id) }) {
                    enqueue(.close(connection))
                }

            case .shutdownCompleted:
                let waiter = state.withLock { state -> CheckedContinuation<BackgroundWork?, Never>? in
                    guard state.work.isEmpty else { return nil }
                    defer { state.workWaiter = nil }
                    return state.workWaiter
                }
                waiter?.resume(returning: nil)
            }
        }
    }
}

/// Counts of what a client sent, since it started: the cost of a call is visible as round trips
/// (each a wait for the server) and statements (each server work).
public final class PostgresTraffic: Sendable {
    private let counts = Mutex(Snapshot())
    private let roundTripCounter = Counter(label: "keyplan_postgres_round_trips_total")
    private let statementCounter = Counter(label: "keyplan_postgres_statements_total")

    public struct Snapshot: Sendable, Hashable {
        public var roundTrips = 0
        public var statements = 0
    }

    public var snapshot: Snapshot { counts.withLock { $0 } }

    func record(statements: Int) {
        counts.withLock {
            $0.roundTrips += 1
            $0.statements += statements
        }
        roundTripCounter.increment()
        statementCounter.increment(by: statements)
    }
}
