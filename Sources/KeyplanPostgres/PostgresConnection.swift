import Foundation
import NIOPosix

/// A leased connection: run statements, transactions and pipelines on it.
///
/// ## Threading: dedicated threads, not the non-blocking API
/// libpq's calls block. Each call here hops to a `NIOThreadPool` with one thread per pooled
/// connection, so a blocked libpq call never holds a NIO event loop or a thread of Swift's
/// cooperative pool; the caller awaits a continuation. We chose this over libpq's non-blocking
/// API with the socket registered in NIO because every libpq call (connect, results, pipeline)
/// stays straight-line code that is easy to get right, the thread count is bounded by the pool
/// size, and PostgreSQL work is dominated by server time, not by the thread hop.
///
/// Cancellation: when the caller's task is cancelled, or the statement's `timeout` passes, the
/// statement is cancelled with `PQcancel` (which opens a short connection, so it runs on a
/// separate one-thread pool); the statement then fails with ``PostgresError/Kind/queryCanceled``.
///
/// A connection runs one statement at a time: use it from one task.
public final class PostgresConnection: Sendable {
    let handle: LibPQConnection
    /// The pool's name for it.
    let id: Int
    private let threads: NIOThreadPool
    private let cancelThreads: NIOThreadPool
    private let traffic: PostgresTraffic

    init(handle: LibPQConnection, id: Int, threads: NIOThreadPool, cancelThreads: NIOThreadPool, traffic: PostgresTraffic) {
        self.handle = handle
        self.id = id
        self.threads = threads
        self.cancelThreads = cancelThreads
        self.traffic = traffic
    }

    /// Runs a statement and returns all its rows (empty for statements without results).
    /// - Parameter timeout: cancel the statement if it runs longer (besides the session's `statement_timeout`).
    @discardableResult
    public func query(_ query: PostgresQuery, timeout: Duration? = nil) async throws -> PostgresRows {
        traffic.record(statements: 1)
        return try await run(timeout: timeout) { handle, operation in try handle.execute(query, operation: operation) }
    }

    /// Sends all statements of the batch in one round trip (libpq pipeline mode) and returns
    /// their results in order. Without an explicit BEGIN/COMMIT inside, the batch runs as one
    /// implicit transaction: if a statement fails, the earlier ones are undone and the error thrown.
    public func pipeline(timeout: Duration? = nil, _ build: (inout PostgresPipeline) -> Void) async throws -> [PostgresRows] {
        var pipeline = PostgresPipeline()
        build(&pipeline)
        return try await self.pipeline(pipeline.queries, timeout: timeout)
    }

    /// Sends the statements in one round trip; see ``pipeline(timeout:_:)``.
    public func pipeline(_ queries: [PostgresQuery], timeout: Duration? = nil) async throws -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        traffic.record(statements: queries.count)
        return try await run(timeout: timeout) { handle, operation in try handle.pipeline(queries, operation: operation) }
    }

    /// Runs SQL text that may contain several statements, without parameters (simple query
    /// protocol). Only for trusted text, such as migration files: never build it from values.
    public func executeScript(_ sql: String, timeout: Duration? = nil) async throws {
        traffic.record(statements: 1)
        try await run(timeout: timeout) { handle, operation in try handle.executeScript(sql, operation: operation) }
    }

    /// Runs `body` in a transaction: `BEGIN`, then `COMMIT`; if `body` throws, `ROLLBACK` and
    /// the error is rethrown.
    @discardableResult
    public func withTransaction<Result>(
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await query(isolation.beginStatement)
        do {
            let result = try await body(self)
            try await query("COMMIT")
            return result
        } catch {
            await rollBack()
            throw error
        }
    }

    /// `ROLLBACK`, even when the caller was cancelled (the connection must go back to the pool
    /// clean); a failure leaves the connection unusable, which the pool then replaces.
    public func rollBack() async {
        traffic.record(statements: 1)
        let handle = self.handle
        _ = try? await runToCompletion { try handle.execute("ROLLBACK", operation: handle.makeOperation()) }
    }

    /// Whether the connection is inside a transaction block (open or failed), as libpq last saw it.
    public var isInTransaction: Bool { handle.isInTransaction }

    /// The SCRAM-SHA-256 verifier for `password`, to store with `ALTER ROLE … PASSWORD` without
    /// sending the password itself.
    public func passwordVerifier(user: String, password: String) async throws -> String {
        try await threads.runIfActive { [handle] in try handle.passwordVerifier(user: user, password: password) }
    }

    /// Closes the connection on a dedicated thread, also when the caller was cancelled.
    func close() async {
        _ = try? await runToCompletion { [handle] in handle.close() }
    }

    /// Runs `body` on the connection's threads whether or not the calling task is cancelled
    /// (`NIOThreadPool.runIfActive` drops work whose task was cancelled before it started): for
    /// what must happen once begun — a ROLLBACK, closing the connection.
    private func runToCompletion<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            threads.submit { state in
                guard case .active = state else {
                    continuation.resume(throwing: PostgresError(kind: .poolShutDown, message: "the client is shut down"))
                    return
                }
                continuation.resume(with: Result(catching: body))
            }
        }
    }

    /// Runs a blocking libpq call on the connection's thread pool; cancels its statement with
    /// `PQcancel` when the task is cancelled or `timeout` passes.
    func run<Value: Sendable>(
        timeout: Duration?,
        _ body: @escaping @Sendable (LibPQConnection, LibPQConnection.Operation) throws -> Value
    ) async throws -> Value {
        let handle = self.handle
        let operation = handle.makeOperation()
        if Task.isCancelled {
            throw PostgresError(kind: .cancelled, message: "cancelled before the statement started")
        }
        let cancelThreads = self.cancelThreads
        let cancel: @Sendable () -> Void = {
            cancelThreads.submit { _ in handle.requestCancel(operation) }
        }
        let deadline = timeout.map { timeout in
            Task {
                try await Task.sleep(for: timeout)
                cancel()
            }
        }
        defer { deadline?.cancel() }
        return try await withTaskCancellationHandler {
            try await threads.runIfActive { try body(handle, operation) }
        } onCancel: {
            cancel()
        }
    }
}

/// Statements to send in one round trip with ``PostgresConnection/pipeline(timeout:_:)``.
public struct PostgresPipeline: Sendable {
    public private(set) var queries: [PostgresQuery] = []

    public init() {}

    /// Adds a statement to the batch.
    public mutating func append(_ query: PostgresQuery) {
        queries.append(query)
    }
}

/// A transaction's isolation level.
public enum PostgresIsolationLevel: Sendable, Hashable {
    case readCommitted
    case repeatableRead
    case serializable

    /// The statement that opens a transaction at this level.
    public var beginStatement: PostgresQuery {
        switch self {
        case .readCommitted: "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}
