import Foundation
import KeyplanAPI
import KeyplanRPC

/// Optimistic concurrency for the workspace's versioned records: an update or deletion locks the
/// record (`SELECT … FOR UPDATE`), and goes ahead only when the record is still at the version
/// the caller read; otherwise the caller gets ABORTED with the record as it is now.
enum RecordVersion {
    /// `current` when it is at `expected`. A missing record is NOT_FOUND (`missing` says what);
    /// another version throws ABORTED carrying `current` (see ``CurrentRecord``).
    static func check<Record: Encodable>(_ current: Record?, at version: (Record) -> Int, expected: Int, missing: @autoclosure () -> String) throws -> Record {
        guard let current else { throw RPCError(code: .notFound, message: missing()) }
        let actual = version(current)
        guard actual == expected else {
            throw try CurrentRecord.aborted(
                current, version: actual,
                message: "the record changed meanwhile: you read version \(expected), it is now at version \(actual); nothing was written, merge and retry")
        }
        return current
    }
}
