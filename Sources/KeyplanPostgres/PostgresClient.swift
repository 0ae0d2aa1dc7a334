import Foundation
import KeyplanPool
import NIOPosix
import Synchronization

/// A pool of PostgreSQL connections: the way the server talks to PostgreSQL.
///
/// The pool's rules live in `PoolStateMachine` (module KeyplanPool); this class carries out its
/// actions: it opens and closes libpq connections on the dedicated threads, resumes waiting
/// callers, and arms their deadlines. Before a caller gets a connection that sat idle, the
/// connection reads what the server sent meanwhile: after a PostgreSQL restart it finds the
/// socket closed and is replaced, so the next queries succeed without restarting the server.
///
///     let client = try PostgresClient(configuration: PostgresConfiguration(connectionString: url))
///     let rows = try await client.query("SELECT name FROM accounts WHERE id = \(id)")
///     try await client.withTransaction(tenant: tenantID) { connection in ... }
///     await client.shutdown()
///
/// Call ``shutdown()`` when done: it closes the connections and stops the threads.
public final class PostgresClient: Sendable {
    public let configuration: PostgresConfiguration
    /// One thread per pooled connection, so a blocking libpq call never waits for a thread and
    /// never runs on an event loop or the cooperative pool; plus one, so closing a replaced
    /// connection never waits behind busy ones.
    private let threads: NIOThreadPool
    /// `PQcancel` blocks while it connects to the server: it runs here.
    private let cancelThreads: NIOThreadPool
    private let state: Mutex<State>
    private let listener: Mutex<PostgresListener?> = Mutex(nil)

    private typealias StateMachine = PoolStateMachine<ContinuousClock.Instant>

    private struct State: ~Copyable {
        var machine: StateMachine
        var connections: [StateMachine.ConnectionID: PostgresConnection] = [:]
        var waiters: [StateMachine.RequestID: Waiter] = [:]
        var nextRequestID = 0
        /// Connections being closed, awaited by shutdown before the threads stop.
        var closing: [StateMachine.ConnectionID: Task<Void, Never>] = [:]
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
        var isShutdownComplete = false
    }

    private struct Waiter {
        var continuation: CheckedContinuation<(StateMachine.ConnectionID, PostgresConnection), any Error>
        var deadlineTimer: Task<Void, Never>?
    }

    public init(configuration: PostgresConfiguration) {
        self.configuration = configuration
        self.threads = NIOThreadPool(numberOfThreads: max(1, configuration.pool.maximumConnections) + 1)
        self.cancelThreads = NIOThreadPool(numberOfThreads: 1)
        self.threads.start()
        self.cancelThreads.start()
        self.state = Mutex(State(machine: StateMachine(configuration: configuration.poolStateMachineConfiguration)))
    }

    /// Runs `body` with a client and shuts it down afterwards, also when `body` throws.
    @discardableResult
    public static func withClient<Result>(
        configuration: PostgresConfiguration,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: configuration)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    // MARK: Convenience over a leased connection

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery, timeout: Duration? = nil) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query, timeout: timeout) }
    }

    /// Runs `body` in a transaction on a pooled connection; see ``PostgresConnection/withTransaction(tenant:isolation:_:)``.
    /// Every transaction on tenant data passes its `tenant`.
    @discardableResult
    public func withTransaction<Result>(
        tenant: UUID? = nil,
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { try await $0.withTransaction(tenant: tenant, isolation: isolation, body) }
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
    /// and listens again after a connection loss (notifications sent meanwhile are lost).
    public func listen(channel: String) async throws -> AsyncStream<PostgresNotification> {
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

    // MARK: Leasing

    /// Leases a connection for `body`, waiting at most the pool's lease timeout for one, and
    /// returns it afterwards; a connection left broken or inside a transaction is replaced.
    @discardableResult
    public func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let deadline = ContinuousClock.now.advanced(by: configuration.pool.leaseTimeout)
        var (id, connection) = try await lease(deadline: deadline)
        while !(await connection.checkHealth()) {
            release(id, reusable: false)
            (id, connection) = try await lease(deadline: deadline)
        }
        do {
            let result = try await body(connection)
            release(id, reusable: connection.handle.isReusable)
            return result
        } catch {
            release(id, reusable: connection.handle.isReusable)
            throw error
        }
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
                    state.waiters[requestID] = Waiter(continuation: continuation)
                    return state.machine.leaseRequested(requestID, deadline: deadline, now: .now)
                }
                perform(actions)
            }
        } onCancel: {
            perform(state.withLock { $0.machine.requestCancelled(requestID) })
        }
    }

    private func release(_ id: StateMachine.ConnectionID, reusable: Bool) {
        perform(state.withLock { $0.machine.connectionReleased(id, reusable: reusable) })
    }

    /// Carries out the state machine's decisions; called outside the lock.
    private func perform(_ actions: [StateMachine.Action]) {
        for action in actions {
            switch action {
            case .lease(let id, let requestID):
                let (waiter, connection) = state.withLock { ($0.waiters.removeValue(forKey: requestID), $0.connections[id]) }
                waiter?.deadlineTimer?.cancel()
                if let waiter, let connection {
                    waiter.continuation.resume(returning: (id, connection))
                } else {
                    // Nobody to hand it to (cannot happen while waiters register before they
                    // request): give it back rather than lose it.
                    waiter?.continuation.resume(throwing: PostgresError(.leaseTimeout))
                    release(id, reusable: connection != nil)
                }

            case .fail(let requestID, let error):
                let waiter = state.withLock { $0.waiters.removeValue(forKey: requestID) }
                waiter?.deadlineTimer?.cancel()
                waiter?.continuation.resume(throwing: PostgresError(error))

            case .scheduleDeadline(let requestID, let deadline):
                let timer = Task { [weak self] in
                    guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil, let self else { return }
                    self.perform(self.state.withLock { $0.machine.deadlinePassed(requestID, now: .now) })
                }
                state.withLock { $0.waiters[requestID]?.deadlineTimer = timer }

            case .openConnection(let id):
                open(id)

            case .closeConnection(let id):
                state.withLock { state in
                    guard let connection = state.connections.removeValue(forKey: id) else { return }
                    state.closing[id] = Task {
                        await connection.close()
                        _ = self.state.withLock { $0.closing.removeValue(forKey: id) }
                    }
                }

            case .shutdownCompleted:
                let waiters = state.withLock { state in
                    state.isShutdownComplete = true
                    defer { state.shutdownWaiters = [] }
                    return state.shutdownWaiters
                }
                waiters.forEach { $0.resume() }
            }
        }
    }

    private func open(_ id: StateMachine.ConnectionID) {
        let parameters = configuration.libpqParameters
        Task {
            do {
                let handle = try await threads.runIfActive { try LibPQConnection.connect(parameters: parameters) }
                let connection = PostgresConnection(handle: handle, threads: threads, cancelThreads: cancelThreads)
                perform(state.withLock { state in
                    state.connections[id] = connection
                    return state.machine.connectionEstablished(id)
                })
            } catch {
                let message = (error as? PostgresError)?.message ?? "\(error)"
                perform(state.withLock {
                    $0.machine.connectionFailed(id, error: .connectionFailed("could not connect to \(configuration.endpointDescription): \(message)"))
                })
            }
        }
    }

    // MARK: Shutdown

    /// Fails waiting callers, closes idle connections, waits for leased ones to come back and
    /// close, then stops the threads. Idempotent.
    public func shutdown() async {
        let listener = self.listener.withLock { $0 }
        await listener?.shutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let actions = state.withLock { state -> [StateMachine.Action]? in
                if state.isShutdownComplete { return nil }
                state.shutdownWaiters.append(continuation)
                return state.machine.shutdown()
            }
            if let actions {
                perform(actions)
            } else {
                continuation.resume()
            }
        }
        for closing in state.withLock({ Array($0.closing.values) }) {
            await closing.value
        }
        try? await threads.shutdownGracefully()
        try? await cancelThreads.shutdownGracefully()
    }
}
