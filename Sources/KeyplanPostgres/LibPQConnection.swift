import CLibPQ
import Foundation
import Synchronization

/// One libpq connection, driven with libpq's *blocking* calls.
///
/// Every method except ``requestCancel()`` blocks the calling thread and must only run on one of
/// the client's dedicated threads (see ``PostgresConnection``), never on a NIO event loop or
/// Swift's cooperative pool. Calls are serialized by the owner (one leaseholder, each call
/// awaited); ``begin(_:)``/``end()`` turn accidental concurrent use into an error instead of
/// undefined behaviour inside libpq.
///
/// Cancellation is per ``Operation``: a cancel request names the operation it is for, so a late
/// request (a deadline timer firing just after its statement finished) never cancels the next
/// caller's statement.
final class LibPQConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    private let state: Mutex<State>

    /// `@unchecked`: the cancel handle is a C pointer, used only under the mutex.
    private struct State: @unchecked Sendable {
        /// libpq's cancel handle: `PQcancel` with it is thread-safe. `nil` once closed.
        var cancelHandle: OpaquePointer?
        /// The operation whose statement is running.
        var inFlight: Operation?
        /// The latest operation whose caller asked to cancel it.
        var cancelled: Operation?
        var nextOperation = 0
        /// Set when the connection's protocol state is unknown (a pipeline that failed half-way).
        var poisoned = false
    }

    private init(connection: OpaquePointer) {
        self.connection = connection
        self.state = Mutex(State(cancelHandle: PQgetCancel(connection)))
    }

    /// Opens a connection; blocks up to the `connect_timeout` parameter.
    static func connect(parameters: [(String, String)]) throws -> LibPQConnection {
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { keywordPointers in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 0)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connectionFailed, message: "could not allocate a libpq connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).singleLine
            PQfinish(connection)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr; drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        return LibPQConnection(connection: connection)
    }

    /// One call on the connection, named so that a cancel request reaches only it.
    struct Operation: Hashable, Sendable {
        fileprivate let id: Int
    }

    /// A new operation identity, to pass to a statement method and to ``requestCancel(_:)``.
    func makeOperation() -> Operation {
        state.withLock { state in
            defer { state.nextOperation += 1 }
            return Operation(id: state.nextOperation)
        }
    }

    // MARK: Statements

    /// Statements prepared on this session (named `keyplan_<n>`), by their text and parameter
    /// types. Touched only by the operation in flight (``begin(_:)``/``end()`` make that one at a time).
    private var prepared: [PreparedKey: String] = [:]
    private var nextPreparedName = 0

    /// At most this many statements are kept prepared per session; later ones run unnamed.
    /// Keyplan's statements are string literals, so the set is small; text built at run time
    /// (a filter, a list of columns) can vary without bound, and the cap keeps the server's
    /// memory per session bounded.
    static let maximumPreparedStatements = 512

    private struct PreparedKey: Hashable {
        var sql: String
        var types: [Oid]
    }

    /// Runs one statement with parameters (extended protocol), results in binary; prepared on first use.
    func execute(_ query: PostgresQuery, operation: Operation) throws -> PostgresRows {
        try pipeline([query], operation: operation)[0]
    }

    /// Runs SQL text that may hold several statements (simple protocol, no parameters).
    /// Only for trusted text such as migration files.
    func executeScript(_ sql: String, operation: Operation) throws {
        try begin(operation)
        defer { end() }
        _ = try consume(PQexec(connection, sql))
    }

    /// Sends every statement, then one sync, and reads all results: one round trip. The batch
    /// is one implicit transaction unless it contains its own BEGIN/COMMIT, so a failing
    /// statement undoes the earlier ones and aborts the later ones; the first failure is thrown.
    ///
    /// Each statement is prepared on its first use in the session (the `Parse` travels in the same
    /// round trip as its first execution) and executed by name afterwards, so the server parses
    /// and plans Keyplan's statements once per session rather than once per call.
    ///
    /// A prepared statement can go stale: after DDL that changes its result's columns the server
    /// refuses its cached plan (0A000). The statement is then prepared anew on its next use; and
    /// when the failed batch was a transaction of its own (the connection idle before and after,
    /// so everything it did was rolled back), it is sent once more at once. Inside an explicit
    /// transaction the failure reaches the caller, as the transaction is lost.
    ///
    /// The socket stays in blocking mode: fine for batches whose statements and results fit
    /// in the socket buffers (hundreds of KiB); a larger batch could stall both sides.
    func pipeline(_ queries: [PostgresQuery], operation: Operation) throws -> [PostgresRows] {
        try begin(operation)
        defer { end() }
        let wasIdle = PQtransactionStatus(connection) == PQTRANS_IDLE
        do {
            return try sendPipeline(queries)
        } catch let error as PostgresError where wasIdle && PQtransactionStatus(connection) == PQTRANS_IDLE && Self.isStalePreparedStatement(error) {
            return try sendPipeline(queries)
        }
    }

    private static func isStalePreparedStatement(_ error: PostgresError) -> Bool {
        error.sqlState == "0A000" || error.sqlState == "26000"
    }

    private func sendPipeline(_ queries: [PostgresQuery]) throws -> [PostgresRows] {
        guard PQenterPipelineMode(connection) == 1 else { throw connectionError() }
        // What was sent for each statement: a name it is being prepared under, if any.
        var preparing: [(key: PreparedKey, name: String)?] = []
        preparing.reserveCapacity(queries.count)
        for query in queries {
            let key = PreparedKey(sql: query.sql, types: query.binds.map { Oid($0.type.oid) })
            let sent: Bool
            if let name = prepared[key] {
                sent = sendPrepared(name, query)
                preparing.append(nil)
            } else if prepared.count < Self.maximumPreparedStatements {
                let name = "keyplan_\(nextPreparedName)"
                nextPreparedName += 1
                sent =
                    key.types.withUnsafeBufferPointer { types in
                        PQsendPrepare(connection, name, query.sql, Int32(types.count), types.baseAddress) == 1
                    } && sendPrepared(name, query)
                preparing.append((key, name))
            } else {
                sent =
                    query.withLibPQParameters { count, types, values, lengths, formats in
                        PQsendQueryParams(connection, query.sql, count, types, values, lengths, formats, PostgresFormat.binary.rawValue)
                    } == 1
                preparing.append(nil)
            }
            guard sent else { throw poison() }
        }
        guard PQpipelineSync(connection) == 1 else { throw poison() }
        var results: [Result<PostgresRows, PostgresError>] = []
        results.reserveCapacity(queries.count)
        for (index, preparation) in preparing.enumerated() {
            var prepareFailure: PostgresError?
            if let preparation {
                guard let result = PQgetResult(connection) else { throw poison() }
                switch PQresultStatus(result) {
                case PGRES_COMMAND_OK: prepared[preparation.key] = preparation.name
                case PGRES_PIPELINE_ABORTED: break
                default: prepareFailure = error(from: result)
                }
                PQclear(result)
                while let extra = PQgetResult(connection) { PQclear(extra) }
            }
            guard let result = PQgetResult(connection) else { throw poison() }
            if let prepareFailure {
                PQclear(result)
                results.append(.failure(prepareFailure))
            } else if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                PQclear(result)
                results.append(.failure(PostgresError(kind: .server, message: "not run: an earlier statement of the pipeline failed")))
            } else {
                do {
                    results.append(.success(try consume(result)))
                } catch {
                    forgetPreparedStatement(after: error, queries[index])
                    results.append(.failure(error))
                }
            }
            // Each statement's results end with a NULL.
            while let extra = PQgetResult(connection) { PQclear(extra) }
        }
        // Then the sync point, after which the connection leaves pipeline mode.
        if let sync = PQgetResult(connection) { PQclear(sync) }
        guard PQexitPipelineMode(connection) == 1 else { throw poison() }
        return try results.map { try $0.get() }
    }

    /// Executes a prepared statement by name, results in binary.
    private func sendPrepared(_ name: String, _ query: PostgresQuery) -> Bool {
        query.withLibPQParameters { count, _, values, lengths, formats in
            PQsendQueryPrepared(connection, name, count, values, lengths, formats, PostgresFormat.binary.rawValue)
        } == 1
    }

    /// Drops a statement from the session's prepared set when the server no longer has it
    /// (26000) or its cached plan cannot serve any more (0A000: the result type changed under
    /// it, after a migration): its next use prepares it again.
    private func forgetPreparedStatement(after error: PostgresError, _ query: PostgresQuery) {
        guard Self.isStalePreparedStatement(error) else { return }
        prepared[PreparedKey(sql: query.sql, types: query.binds.map { Oid($0.type.oid) })] = nil
    }

    /// Marks the connection unusable (its protocol state is unknown) and returns the error to throw.
    private func poison() -> PostgresError {
        state.withLock { $0.poisoned = true }
        return connectionError()
    }

    // MARK: Health

    /// Reads whatever the server sent while the connection was idle, without blocking (libpq
    /// keeps its socket non-blocking and only waits in its own calls that get results), so it may
    /// run on any thread; only the leaseholder calls it. A server that restarted has closed the socket, which makes the
    /// status `CONNECTION_BAD`: such a connection is replaced before a caller gets it.
    func checkHealth() -> Bool {
        guard !isPoisoned, PQstatus(connection) == CONNECTION_OK else { return false }
        // A terminated backend first sends its FATAL error, then closes: the first read takes
        // the message (parsed by PQisBusy), the second sees the end of the stream.
        for _ in 0..<2 {
            guard PQconsumeInput(connection) == 1 else { return false }
            _ = PQisBusy(connection)
        }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Whether the connection can go back to the pool: alive, no transaction left open.
    /// Reads only libpq's memory (no I/O), so it may run on any thread.
    var isReusable: Bool {
        !isPoisoned && PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE
    }

    private var isPoisoned: Bool { state.withLock { $0.poisoned } }

    /// Whether a transaction block is open or failed. Reads only libpq's memory (no I/O).
    var isInTransaction: Bool {
        let status = PQtransactionStatus(connection)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The socket, for waiting on notifications.
    var socket: Int32 { PQsocket(connection) }

    /// Reads pending input and returns the notifications received. Non-blocking.
    func takeNotifications() throws -> [PostgresNotification] {
        guard PQconsumeInput(connection) == 1 else { throw connectionError() }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(connection) {
            notifications.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    processID: notify.pointee.be_pid
                ))
            PQfreemem(notify)
        }
        return notifications
    }

    /// Quotes an identifier (a channel name) the way libpq does; for statements that take no parameters.
    func escapeIdentifier(_ identifier: String) throws -> String {
        let utf8 = Array(identifier.utf8)
        guard let escaped = PQescapeIdentifier(connection, identifier, utf8.count) else { throw connectionError() }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// The SCRAM-SHA-256 verifier of a password, computed here so the password itself never
    /// reaches the server (as psql's `\password` does).
    func passwordVerifier(user: String, password: String) throws -> String {
        guard let verifier = PQencryptPasswordConn(connection, password, user, "scram-sha-256") else {
            throw connectionError()
        }
        defer { PQfreemem(verifier) }
        return String(cString: verifier)
    }

    // MARK: Cancellation

    /// Asks the server to cancel the operation's statement (`PQcancel`). Thread-safe; it opens a
    /// short connection to the server, so call it on a thread that may block. A request that
    /// arrives before the statement starts makes ``begin(_:)`` fail instead.
    func requestCancel(_ operation: Operation) {
        state.withLock { state in
            state.cancelled = operation
            guard state.inFlight == operation, let handle = state.cancelHandle else { return }
            var errorBuffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &errorBuffer, Int32(errorBuffer.count))
        }
    }

    private func begin(_ operation: Operation) throws(PostgresError) {
        try state.withLock { state throws(PostgresError) in
            guard state.inFlight == nil else {
                throw PostgresError(kind: .misuse, message: "the connection is already running a statement for another task")
            }
            guard state.cancelled != operation else {
                throw PostgresError(kind: .cancelled, message: "cancelled before the statement started")
            }
            state.inFlight = operation
        }
    }

    private func end() {
        state.withLock { $0.inFlight = nil }
    }

    /// Closes the connection (sends Terminate). Blocks briefly.
    func close() {
        let handle = state.withLock { state in
            defer { state.cancelHandle = nil }
            return state.cancelHandle
        }
        if let handle { PQfreeCancel(handle) }
        PQfinish(connection)
    }

    // MARK: Results and errors

    /// Copies a result into ``PostgresRows`` and frees it, or throws its error.
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard
            status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY
                || status == PGRES_SINGLE_TUPLE
        else {
            throw error(from: result)
        }
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { column in
            PostgresColumn(name: String(cString: PQfname(result, column)), type: PostgresDataType(oid: PQftype(result, column)))
        }
        let rowCount = PQntuples(result)
        var cells: [[[UInt8]?]] = []
        cells.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var rowCells: [[UInt8]?] = []
            rowCells.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    rowCells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = PQgetvalue(result, row, column).map {
                        UnsafeRawBufferPointer(start: $0, count: length)
                    }
                    rowCells.append(bytes.map { Array($0) } ?? [])
                }
            }
            cells.append(rowCells)
        }
        let affected = Int(String(cString: PQcmdTuples(result)))
        return PostgresRows(columns: columns, cells: cells, affectedRows: affected)
    }

    private func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).singleLine
        var kind = sqlState.map(PostgresError.kind(forSQLState:)) ?? .server
        if PQstatus(connection) == CONNECTION_BAD { kind = .connectionLost }
        // A connection to a server that went read-only is of no use to a writer again.
        if kind == .readOnly { state.withLock { $0.poisoned = true } }
        return PostgresError(
            kind: kind, sqlState: sqlState, message: message, detail: field("D"), hint: field("H"),
            constraint: field("n"), table: field("t"), column: field("c")
        )
    }

    private func connectionError() -> PostgresError {
        let message = String(cString: PQerrorMessage(connection)).singleLine
        let kind: PostgresError.Kind = PQstatus(connection) == CONNECTION_BAD ? .connectionLost : .server
        return PostgresError(kind: kind, message: message.isEmpty ? "the connection failed" : message)
    }
}

extension PostgresQuery {
    /// Lays the parameters out as libpq's parallel arrays, valid during `body`.
    func withLibPQParameters<Result>(
        _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Result
    ) -> Result {
        // All values in one buffer (plus one byte, so even empty values get a non-NULL pointer).
        var storage: [UInt8] = []
        var offsets: [Int?] = []
        for bind in binds {
            if let bytes = bind.bytes {
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                // libpq reads a text-format value up to its NUL and ignores its length.
                if bind.format == .text { storage.append(0) }
            } else {
                offsets.append(nil)
            }
        }
        storage.append(0)
        let types = binds.map { Oid($0.type.oid) }
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = binds.map { $0.format.rawValue }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            }
            return body(Int32(binds.count), types, values, lengths, formats)
        }
    }
}
