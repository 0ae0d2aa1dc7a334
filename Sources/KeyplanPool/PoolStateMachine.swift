import DequeModule

/// The decisions of a bounded connection pool, as a pure value type.
///
/// The state machine never touches a socket, a thread or a clock: the driver (for PostgreSQL,
/// `PostgresClient`) feeds it events, each carrying the current instant where time matters,
/// and carries out the ``Action``s it returns. That keeps every rule of the pool (the bound on
/// connections, waiters with deadlines, replacement of broken connections, shutdown) testable
/// with a manual clock and no database.
///
/// Rules:
/// - At most ``Configuration/maximumConnections`` connections exist, counting those still connecting.
/// - A request is served by an idle connection at once (the most recently used first, so surplus
///   connections stay idle), otherwise it waits in FIFO order until its deadline; a new
///   connection is opened when fewer are connecting than requests wait.
/// - At most ``Configuration/maximumWaiters`` requests wait: the queue is never unbounded.
/// - A connection released as not reusable is closed; if requests wait, a replacement is opened.
/// - A connection that fails to open fails every waiting request with that error: the server is
///   most likely unreachable, and callers learn it now rather than at their deadline.
public struct PoolStateMachine<Instant: InstantProtocol & Sendable>: Sendable {
    /// Identifies a connection for the driver. Assigned by the state machine, never reused.
    public typealias ConnectionID = Int
    /// Identifies one caller's request for a connection. Chosen by the driver, unique while pending.
    public typealias RequestID = Int

    /// Limits of the pool.
    public struct Configuration: Sendable, Hashable {
        /// The most connections open at once, including those still connecting. Default: 8.
        public var maximumConnections: Int
        /// The most requests waiting for a connection at once; one more fails at once. Default: 1,024.
        public var maximumWaiters: Int

        /// Defaults: 8 connections, 1,024 waiters.
        public static var defaults: Configuration {
            Configuration(maximumConnections: 8, maximumWaiters: 1024)
        }

        public init(maximumConnections: Int, maximumWaiters: Int) {
            self.maximumConnections = max(1, maximumConnections)
            self.maximumWaiters = max(0, maximumWaiters)
        }
    }

    /// What the driver must do next.
    public enum Action: Sendable, Hashable {
        /// Hand the connection to the request.
        case lease(ConnectionID, to: RequestID)
        /// Open a new connection and report back with `connectionEstablished` or `connectionFailed`.
        case openConnection(ConnectionID)
        /// Close the connection; the state machine has already forgotten it.
        case closeConnection(ConnectionID)
        /// Fail the request with the error.
        case fail(RequestID, PoolError)
        /// Call ``PoolStateMachine/deadlinePassed(_:now:)`` for the request once the instant has passed.
        case scheduleDeadline(RequestID, Instant)
        /// The pool was shut down and has no connection left.
        case shutdownCompleted
    }

    enum ConnectionState: Sendable, Hashable {
        case connecting
        case idle
        case leased
    }

    struct Waiter: Sendable {
        var request: RequestID
        var deadline: Instant
    }

    public let configuration: Configuration
    private var connections: [ConnectionID: ConnectionState] = [:]
    /// Idle connections, the most recently released last.
    private var idle: [ConnectionID] = []
    private var waiters: Deque<Waiter> = []
    private var nextConnectionID: ConnectionID = 0
    private var shuttingDown = false
    private var connectingCount = 0

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
    }

    // MARK: Observations (for drivers' metrics and for tests)

    /// Connections open or opening.
    public var connectionCount: Int { connections.count }
    /// Connections waiting to be leased.
    public var idleCount: Int { idle.count }
    /// Requests waiting for a connection.
    public var waiterCount: Int { waiters.count }
    /// Whether ``shutdown()`` was called.
    public var isShutDown: Bool { shuttingDown }

    // MARK: Events

    /// A caller asks for a connection and will wait at most until `deadline`.
    public mutating func leaseRequested(_ request: RequestID, deadline: Instant, now: Instant) -> [Action] {
        if shuttingDown {
            return [.fail(request, .shutDown)]
        }
        if let connection = idle.popLast() {
            connections[connection] = .leased
            return [.lease(connection, to: request)]
        }
        if deadline <= now {
            return [.fail(request, .leaseTimeout)]
        }
        guard waiters.count < configuration.maximumWaiters else {
            return [.fail(request, .tooManyWaiters)]
        }
        waiters.append(Waiter(request: request, deadline: deadline))
        var actions: [Action] = [.scheduleDeadline(request, deadline)]
        actions += openConnectionsForWaiters()
        return actions
    }

    /// The connection opened by ``Action/openConnection(_:)`` is ready.
    public mutating func connectionEstablished(_ connection: ConnectionID) -> [Action] {
        guard connections[connection] == .connecting else { return [] }
        connectingCount -= 1
        if shuttingDown {
            connections[connection] = nil
            return [.closeConnection(connection)] + shutdownCompletedIfEmpty()
        }
        return makeAvailable(connection)
    }

    /// Opening the connection failed; every waiting request fails with `error`.
    public mutating func connectionFailed(_ connection: ConnectionID, error: PoolError) -> [Action] {
        guard connections[connection] == .connecting else { return [] }
        connectingCount -= 1
        connections[connection] = nil
        var actions = waiters.map { Action.fail($0.request, error) }
        waiters.removeAll()
        if shuttingDown { actions += shutdownCompletedIfEmpty() }
        return actions
    }

    /// The leaseholder gives the connection back. A connection that is not `reusable` (broken,
    /// or left in an unknown state) is closed and, if requests wait, replaced.
    public mutating func connectionReleased(_ connection: ConnectionID, reusable: Bool) -> [Action] {
        guard connections[connection] == .leased else { return [] }
        if shuttingDown || !reusable {
            connections[connection] = nil
            var actions: [Action] = [.closeConnection(connection)]
            actions += shuttingDown ? shutdownCompletedIfEmpty() : openConnectionsForWaiters()
            return actions
        }
        return makeAvailable(connection)
    }

    /// The request's deadline has passed: if it still waits, it fails with ``PoolError/leaseTimeout``.
    public mutating func deadlinePassed(_ request: RequestID, now: Instant) -> [Action] {
        guard let index = waiters.firstIndex(where: { $0.request == request }),
            waiters[index].deadline <= now
        else { return [] }
        waiters.remove(at: index)
        return [.fail(request, .leaseTimeout)]
    }

    /// The caller gave up (its task was cancelled): if it still waits, it fails with ``PoolError/cancelled``.
    public mutating func requestCancelled(_ request: RequestID) -> [Action] {
        guard let index = waiters.firstIndex(where: { $0.request == request }) else { return [] }
        waiters.remove(at: index)
        return [.fail(request, .cancelled)]
    }

    /// Stop the pool: waiting requests fail, idle connections close, leased connections close
    /// when they are released, and ``Action/shutdownCompleted`` follows the last one.
    public mutating func shutdown() -> [Action] {
        guard !shuttingDown else { return [] }
        shuttingDown = true
        var actions = waiters.map { Action.fail($0.request, .shutDown) }
        waiters.removeAll()
        for connection in idle {
            connections[connection] = nil
            actions.append(.closeConnection(connection))
        }
        idle.removeAll()
        return actions + shutdownCompletedIfEmpty()
    }

    // MARK: Helpers

    private mutating func makeAvailable(_ connection: ConnectionID) -> [Action] {
        if let waiter = waiters.popFirst() {
            connections[connection] = .leased
            return [.lease(connection, to: waiter.request)]
        }
        connections[connection] = .idle
        idle.append(connection)
        return []
    }

    /// Opens connections while fewer are connecting than requests wait, within the bound.
    private mutating func openConnectionsForWaiters() -> [Action] {
        var actions: [Action] = []
        while connectingCount < waiters.count, connections.count < configuration.maximumConnections {
            let connection = nextConnectionID
            nextConnectionID += 1
            connections[connection] = .connecting
            connectingCount += 1
            actions.append(.openConnection(connection))
        }
        return actions
    }

    private func shutdownCompletedIfEmpty() -> [Action] {
        connections.isEmpty ? [.shutdownCompleted] : []
    }
}
