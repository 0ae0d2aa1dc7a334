import Foundation
import KeyplanPool

/// An error from PostgreSQL, from libpq, or from the pool, classified so callers can react:
/// retry a ``Kind/serializationFailure``, report a ``Kind/uniqueViolation`` to the user,
/// back off after ``Kind/connectionLost``.
///
/// `description` is a single line and never contains a password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as far as a caller needs to tell cases apart.
    public enum Kind: Sendable, Hashable {
        /// The connection string or URL could not be parsed.
        case invalidConfiguration
        /// No connection could be opened: unreachable server, wrong password, unknown database.
        case connectionFailed
        /// The connection broke during the operation (server restart, network, admin shutdown).
        case connectionLost
        /// No connection became free before the pool's lease timeout, or too many callers wait.
        case poolTimeout
        /// The pool was shut down.
        case poolShutDown
        /// The caller was cancelled before the statement started.
        case cancelled
        /// The statement was cancelled by the caller's cancellation or deadline, or `statement_timeout` (57014).
        case queryCanceled
        /// 23505
        case uniqueViolation
        /// 23503
        case foreignKeyViolation
        /// 23502
        case notNullViolation
        /// 23514
        case checkViolation
        /// 40001: retry the transaction.
        case serializationFailure
        /// 40P01: retry the transaction.
        case deadlockDetected
        /// 42501, including a row-level security policy rejecting a write.
        case insufficientPrivilege
        /// 25006: the server takes no writes — a standby, or a primary a failover demoted. The
        /// connection is not reused; a new one finds the primary (`target_session_attrs=read-write`).
        case readOnly
        /// A column could not be decoded into the requested Swift type.
        case decoding
        /// The connection was used in a way libpq does not allow (e.g. by two tasks at once).
        case misuse
        /// Any other error reported by the server; see ``PostgresError/sqlState``.
        case server
    }

    public var kind: Kind
    /// The five-character SQLSTATE code, when the server sent one.
    public var sqlState: String?
    /// The primary, human-readable message.
    public var message: String
    /// The server's DETAIL field. May contain row values: do not log it where data must not go.
    public var detail: String?
    /// The server's HINT field.
    public var hint: String?
    /// The name of the violated constraint, for integrity violations.
    public var constraint: String?
    /// The table involved, when the server names one.
    public var table: String?
    /// The column involved, when the server names one (or the column that failed to decode).
    public var column: String?

    public init(
        kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    public var description: String {
        var line = "PostgreSQL"
        if let sqlState { line += " \(sqlState)" }
        line += ": \(message)"
        if let constraint { line += " (constraint \(constraint))" }
        return line.singleLine
    }

    /// Whether the database could not be reached, or went away: a lost or refused connection, no
    /// connection free in time. Worth trying again shortly; nothing in the request was at fault.
    public var meansUnreachable: Bool {
        switch kind {
        case .connectionFailed, .connectionLost, .poolTimeout, .readOnly: true
        default: false
        }
    }

    /// Classifies a server error by its SQLSTATE.
    static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "23505": .uniqueViolation
        case "23503": .foreignKeyViolation
        case "23502": .notNullViolation
        case "23514": .checkViolation
        case "40001": .serializationFailure
        case "40P01": .deadlockDetected
        case "57014": .queryCanceled
        case "42501": .insufficientPrivilege
        case "25006": .readOnly
        case "57P01", "57P02", "57P03": .connectionLost
        default: state.hasPrefix("08") ? .connectionLost : .server
        }
    }

    init(_ poolError: PoolError) {
        switch poolError {
        case .leaseTimeout, .tooManyWaiters: self.init(kind: .poolTimeout, message: poolError.description)
        case .cancelled: self.init(kind: .cancelled, message: poolError.description)
        case .shutDown: self.init(kind: .poolShutDown, message: poolError.description)
        case .connectionFailed(let message): self.init(kind: .connectionFailed, message: message)
        }
    }
}

extension String {
    /// libpq messages span lines ("connection to server ... failed: \n\tIs the server running..."):
    /// errors here are reported on one line.
    var singleLine: String {
        split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
