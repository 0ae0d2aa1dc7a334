public import Foundation
public import KeyplanRPC
import KeyplanWire

/// The current state of a record, carried by an `ABORTED` answer to a stale change.
///
/// **The co-editing rule**, the same for every versioned record of a workspace (goals and their
/// metrics, actions, process steps, reviews, contacts, relationships, scoring rounds and their
/// responses, scorecard templates):
/// - A record carries a `version`, raised by one on every change, and who changed it last and when.
/// - Creating names no version. Every other change — an update, a deletion, closing, archiving,
///   replacing one's answers — names the version it read (`expectedVersion`; `--version` in the CLI).
/// - An update names only the fields it changes: a field left out (`nil`) keeps its value, a
///   field listed in the request's `clear` is emptied; naming a field in both is refused.
/// - A version that is no longer the record's is refused with `ABORTED`, nothing is written, and
///   the answer carries the record as it is now (this detail), so the caller can merge and retry.
public enum CurrentRecord {
    /// The status detail's type name.
    public static let detailType = "keyplan.CurrentRecord"

    /// An `ABORTED` error carrying `record` (binary encoded) as a detail.
    public static func aborted<Record: Encodable & Sendable>(_ record: Record, version: Int, message: String? = nil) throws -> RPCError {
        let bytes = try BinaryEncoder().encode(record)
        return RPCError(
            code: .aborted,
            message: message ?? "the record changed meanwhile: it is now at version \(version); merge and retry",
            details: [RPCError.Detail(typeName: detailType, value: bytes)],
            detailValues: .init([detailType: record]))
    }
}

extension RPCError {
    /// The current record an `ABORTED` answer carries, decoded as `Record`; `nil` when it carries none.
    public func currentRecord<Record: Decodable>(as type: Record.Type) throws -> Record? {
        guard code == .aborted, let detail = details.first(where: { $0.typeName == CurrentRecord.detailType }) else { return nil }
        return try BinaryDecoder().decode(Record.self, from: detail.value)
    }
}

/// A record under the co-editing rule, as every client shows a refusal: its version, and who
/// changed it last and when.
public protocol CoEditedRecord: Codable, Sendable {
    var version: Int { get }
    /// Who changed the record last; `nil` when not known.
    var lastChangedBy: WorkspaceChange.Actor? { get }
    var lastChangedAt: Date { get }
}

/// A co-edited record whose last change is its `updatedBy` and `updatedAt`, as most are.
public protocol UpdatedRecord: CoEditedRecord {
    var updatedBy: WorkspaceChange.Actor { get }
    var updatedAt: Date { get }
}

extension UpdatedRecord {
    public var lastChangedBy: WorkspaceChange.Actor? { updatedBy }
    public var lastChangedAt: Date { updatedAt }
}

extension GoalView: UpdatedRecord {}
extension PlanAction: UpdatedRecord {}
extension ProcessStep: UpdatedRecord {}
extension RoadmapReview: UpdatedRecord {}
extension BuyingStage: UpdatedRecord {}
extension ScoringRound: UpdatedRecord {}
extension ScorecardTemplate: UpdatedRecord {}
extension Solution: UpdatedRecord {}
extension WhitespaceCell: UpdatedRecord {}

/// Contacts and relationships written before who-changed-last was kept have no `updatedBy`.
extension Contact: CoEditedRecord {
    public var lastChangedBy: WorkspaceChange.Actor? { updatedBy }
    public var lastChangedAt: Date { updatedAt }
}

extension Relationship: CoEditedRecord {
    public var lastChangedBy: WorkspaceChange.Actor? { updatedBy }
    public var lastChangedAt: Date { updatedAt }
}

extension ScorecardResponse: CoEditedRecord {
    /// Only its respondent changes a response.
    public var lastChangedBy: WorkspaceChange.Actor? { nil }
    public var lastChangedAt: Date { updatedAt }
}
