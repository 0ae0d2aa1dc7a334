import Foundation
import KeyplanWire

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

    public init(
        id: Int64, accountID: UUID, at: Date, actor: Actor, entity: WorkspaceEntity, entityID: UUID,
        operation: Operation, version: Int?, visibility: Visibility, summary: String, fields: [FieldChange]
    ) {
        self.id = id
        self.accountID = accountID
        self.at = at
        self.actor = actor
        self.entity = entity
        self.entityID = entityID
        self.operation = operation
        self.version = version
        self.visibility = visibility
        self.summary = summary
        self.fields = fields
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID, at, actor, entity, entityID, operation, version, visibility, summary, fields
    }

    /// A person of the workspace — who made a change, who owns an action — a seller or one of
    /// the customer's people, as people know them: by name and email.
    @WireMessage
    public struct Actor: Codable, Hashable, Sendable {
        public var userID: UUID
        public var kind: UserKind
        public var displayName: String
        public var email: String

        public init(userID: UUID, kind: UserKind, displayName: String, email: String) {
            self.userID = userID
            self.kind = kind
            self.displayName = displayName
            self.email = email
        }

        enum CodingKeys: Int, CodingKey { case userID = 1, kind, displayName, email }

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

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }

    enum CodingKeys: Int, CodingKey { case field = 1, before, after }
}
