public import Foundation
public import KeyplanWire

/// One change to a record of an account workspace, as the journal keeps it: the history of a
/// record, the account's activity feed and the live updates of ``WorkspaceService/watch`` are
/// all made of these. A customer only ever receives changes whose ``visibility`` is `shared`.
@WireMessage
public struct WorkspaceChange: Codable, Hashable, Sendable {
    /// Increasing per tenant, and within an account in commit order: a watcher resumes after the
    /// highest id it saw and misses nothing.
    public var id: Int64
    public var accountID: UUID
    public var at: Date
    public var actor: Actor
    public var entity: WorkspaceEntity
    public var entityID: UUID
    public var operation: Operation
    /// The record's version after the change (`nil` for records without one, and for deletions).
    public var version: Int?
    public var visibility: Visibility
    /// One line for people ("Goal “Grow EMEA” updated").
    public var summary: String
    /// Each changed field, before and after.
    public var fields: [FieldChange]

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, at = 3, actor = 4, entity = 5, entityID = 6, operation = 7, version = 8
        case visibility = 9, summary = 10, fields = 11
    }

    /// A person of the workspace — who made a change, who owns an action — a seller or one of
    /// the customer's people, as people know them: by name and email.
    @WireMessage
    public struct Actor: Codable, Hashable, Sendable {
        public var userID: UUID
        public var kind: UserKind
        public var displayName: String
        public var email: String

        enum CodingKeys: Int, CodingKey { case userID = 1, kind = 2, displayName = 3, email = 4 }

        /// "Dana Diaz <dana@globex.example>".
        public var label: String { email.isEmpty ? displayName : "\(displayName) <\(email)>" }
    }

    public enum Operation: String, Codable, Hashable, Sendable, CaseIterable {
        case created, updated, deleted
    }
}

/// The kinds of workspace records that changes are about.
public enum WorkspaceEntity: String, Codable, Hashable, Sendable, CaseIterable {
    case goal
    case goalSolution = "goal_solution"
    case comment
    case contact
    case relationship
    case scoringRound = "scoring_round"
    case scorecardResponse = "scorecard_response"
    case action
    case processStep = "process_step"
    case review
    case buyingStage = "buying_stage"
    case whitespaceCell = "whitespace_cell"
}

/// Who may read a workspace record or a change to it.
public enum Visibility: String, Codable, Hashable, Sendable, CaseIterable {
    /// The account's invited customers too.
    case shared
    /// Sellers only.
    case `internal`
}

/// One field of a change: its value before and after, as text (`nil`: absent).
@WireMessage
public struct FieldChange: Codable, Hashable, Sendable {
    public var field: String
    public var before: String?
    public var after: String?

    enum CodingKeys: Int, CodingKey { case field = 1, before = 2, after = 3 }
}
