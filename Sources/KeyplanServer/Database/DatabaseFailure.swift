import Foundation
import KeyplanPostgres
import KeyplanRPC

/// How database failures reach a caller: one table, so every method answers alike.
enum DatabaseFailure {
    /// The status for an error thrown by database work; errors that are not database errors
    /// pass through. Integrity violations become what the caller can fix, an unreachable or
    /// restarting database UNAVAILABLE (clients retry it), a conflict between concurrent
    /// transactions ABORTED; anything else stays an internal error.
    static func status(for error: any Error) -> any Error {
        guard let error = error as? PostgresError else { return error }
        switch error.kind {
        case .uniqueViolation:
            return RPCError(code: .alreadyExists, message: "it already exists")
        case .checkViolation:
            return RPCError(code: .invalidArgument, message: "a value is out of range")
        case .foreignKeyViolation:
            return RPCError(code: .failedPrecondition, message: "a referenced object does not exist")
        case .serializationFailure, .deadlockDetected:
            return RPCError(code: .aborted, message: "a concurrent change got in the way: try again")
        case _ where error.meansUnreachable:
            return RPCError(code: .unavailable, message: "the database is unreachable at the moment: try again shortly")
        case .poolShutDown:
            return RPCError(code: .unavailable, message: "the server is shutting down: try again shortly")
        default:
            return error
        }
    }
}
