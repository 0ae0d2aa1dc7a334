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
    private let threads: NIOThreadPool
    private let cancelThreads: NIOThreadPool

    init(handle: LibPQConnection, threads: NIOThreadPool, cancelThreads: NIOThreadPool) {
        self.handle = handle
        self.threads = threads
        self.cancelThreads = cancelThreads
    }

    /// Runs a statement and returns all its rows (empty for statements without results).
    /// - Parameter timeout: cancel the statement if it runs longer (besides the session's `statement_timeout`).
    @discardableResult
    public func query(_ query: PostgresQuery, timeout: Duration? = nil) async throws -> PostgresRows {
        try await run(timeout: timeout) { handle, operation in try handle.execute(query, operation: operation) }
    }

    /// Sends all statements of the batch in one round trip (libpq pipeline mode) and returns
    /// their results in order. Without an explicit BEGIN/COMMIT inside, the batch runs as one
    /// implicit transaction: if a statement fails, the earlier ones are undone and the error thrown.
    public func pipeline(timeout: Duration? = nil, _ build: (inout PostgresPipeline) -> Void) async throws -> [PostgresRows] {
        var pipeline = PostgresPipeline()
        build(&pipeline)
        let queries = pipeline.queries
        guard !queries.isEmpty else { return [] }
        return try await run(timeout: timeout) { handle, operation in try handle.pipeline(queries, operation: operation) }
    }

    /// Runs SQL text that may contain several statements, without parameters (simple query
    /// protocol). Only for trusted text, such as migration files: never build it from values.
    public func executeScript(_ sql: String, timeout: Duration? = nil) async throws {
        try await run(timeout: timeout) { handle, operation in try handle.executeScript(sql, operation: operation) }
    }

    /// Runs `body` in a transaction: `BEGIN`, then (for tenant data) the tenant set with
    /// `set_config('app.tenant_id', …, true)` so it lasts only until the transaction ends,
    /// then `COMMIT`; if `body` throws, `ROLLBACK` and the error is rethrown.
    @discardableResult
    public func withTransaction<Result>(
        tenant: UUID? = nil,
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await query(isolation.beginStatement)
        do {
            if let tenant {
                try await query("SELECT set_config('app.tenant_id', \(tenant.uuidString.lowercased()), true)")
            }
            let result = try await body(self)
            try await query("COMMIT")
            return result
        } catch {
            // Roll back even when the caller was cancelled: the connection must leave clean.
            try? await run(timeout: nil, honoringCancellation: false) { handle, operation in
                _ = try handle.execute("ROLLBACK", operation: operation)
            }
            throw error
        }
    }

    /// The SCRAM-SHA-256 verifier for `password`, to store with `ALTER ROLE … PASSWORD` without
    /// sending the password itself.
    public func passwordVerifier(user: String, password: String) async throws -> String {
        try await threads.runIfActive { [handle] in try handle.passwordVerifier(user: user, password: password) }
    }

    /// Whether the connection is alive, reading input the server may have sent while idle.
    func checkHealth() async -> Bool {
        (try? await threads.runIfActive { [handle] in handle.checkHealth() }) ?? false
    }

    /// Closes the connection on a dedicated thread.
    func close() async {
        _ = try? await threads.runIfActive { [handle] in handle.close() }
    }

    /// Runs a blocking libpq call on the connection's thread pool; cancels its statement with
    /// `PQcancel` when the task is cancelled or `timeout` passes.
    func run<Value: Sendable>(
        timeout: Duration?,
        honoringCancellation: Bool = true,
        _ body: @escaping @Sendable (LibPQConnection, LibPQConnection.Operation) throws -> Value
    ) async throws -> Value {
        let handle = self.handle
        let operation = handle.makeOperation()
        guard honoringCancellation else {
            return try await threads.runIfActive { try body(handle, operation) }
        }
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
    var queries: [PostgresQuery] = []

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

    var beginStatement: PostgresQuery {
        switch self {
        case .readCommitted: "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}
