import Foundation
import KeyplanAPI
import KeyplanRPC

/// A workspace record under the co-editing rule (``CurrentRecord``): a change or deletion names
/// the version it read, locks the record (`SELECT … FOR UPDATE`) and goes ahead only while it is
/// still at that version; otherwise the caller gets ABORTED with the record as it is now —
/// who changed it last and when included — to merge and retry. No edit is ever lost silently.
protocol VersionedRecord: CoEditedRecord {}

extension VersionedRecord {
    /// ABORTED carrying this record: the caller read `expected`, it is now at ``version``.
    func staleError(expected: Int?) throws -> RPCError {
        let read = expected.map { "you read version \($0), " } ?? ""
        let who = lastChangedBy.map { " by \($0.displayName)" } ?? ""
        return try CurrentRecord.aborted(
            self, version: version,
            message: "the record changed meanwhile: \(read)it is now at version \(version) (changed\(who) at \(lastChangedAt.formatted(.iso8601))); "
                + "nothing was written: merge and retry with version \(version)")
    }
}

extension Optional where Wrapped: VersionedRecord {
    /// The record found (and locked), when it is still at `expected`: missing is NOT_FOUND
    /// (`missing` says what); another version is ABORTED carrying the current record. No
    /// `expected` version skips the check (only creations omit it).
    func unchanged(since expected: Int?, missing: @autoclosure () -> String) throws -> Wrapped {
        guard let record = self else { throw RPCError(code: .notFound, message: missing()) }
        if let expected, expected != record.version { throw try record.staleError(expected: expected) }
        return record
    }
}

extension GoalView: VersionedRecord {}
extension Contact: VersionedRecord {}
extension Relationship: VersionedRecord {}
extension ScorecardResponse: VersionedRecord {}
extension ScoringRound: VersionedRecord {}
extension ScorecardTemplate: VersionedRecord {}
