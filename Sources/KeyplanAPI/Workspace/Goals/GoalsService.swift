public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Goals`: the customer's goals, objectives and initiatives with their metrics, co-edited
/// by sellers and customer editors, read by everyone on the account; and our solutions linked to
/// them (sellers only). Every change is journaled (shared) and can be listed with
/// ``WorkspaceService/history``.
///
/// Changes follow the co-editing rule (``CurrentRecord``): they name the version they read and
/// only the fields they change; a stale version answers ABORTED carrying the current ``GoalView``
/// (`error.currentRecord(as: GoalView.self)`), and nothing is written.
public enum GoalsService {
    public static let name = "keyplan.Goals"
    public static let create = RPCMethod<CreateGoalRequest, GoalView>.unary(name, "Create")
    /// Changes the fields the request names.
    public static let update = RPCMethod<UpdateGoalRequest, GoalView>.unary(name, "Update")
    /// Adds or changes one metric of a goal.
    public static let setMetric = RPCMethod<SetGoalMetricRequest, GoalView>.unary(name, "SetMetric")
    /// Removes one metric of a goal.
    public static let removeMetric = RPCMethod<RemoveGoalMetricRequest, GoalView>.unary(name, "RemoveMetric")
    /// Deletes a goal with no objective or initiative under it (FAILED_PRECONDITION otherwise). Actions
    /// linked to it are unlinked, each a version up and in its history, in the same transaction.
    public static let delete = RPCMethod<DeleteGoalRequest, Empty>.unary(name, "Delete")
    /// The account's goals as a tree, oldest first.
    public static let list = RPCMethod<AccountRef, GoalTree>.read(name, "List")
    public static let get = RPCMethod<GoalRef, GoalView>.read(name, "Get")
    /// Links one of our solutions to a goal, or changes the note of a linked one.
    public static let linkSolution = RPCMethod<LinkSolutionRequest, GoalView>.unary(name, "LinkSolution")
    public static let unlinkSolution = RPCMethod<UnlinkSolutionRequest, GoalView>.unary(name, "UnlinkSolution")
}

@WireMessage
public struct CreateGoalRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goal: GoalDraft

    enum CodingKeys: Int, CodingKey { case accountID = 1, goal = 2 }
}

/// Changes to a goal read at `expectedVersion` (see ``CurrentRecord`` for the co-editing rule):
/// a `nil` field is kept, a field in ``clear`` is emptied (naming a field in both is refused),
/// `metrics`, when given, replaces the whole list (``GoalsService/setMetric`` changes one).
@WireMessage
public struct UpdateGoalRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    /// The version the caller read.
    public var expectedVersion: Int
    public var kind: GoalKind?
    /// Only for objectives and initiatives: a goal of the same account.
    public var parentID: UUID?
    public var title: String?
    public var description: String?
    public var department: String?
    public var status: GoalStatus?
    public var targetDate: CalendarDate?
    public var metrics: [GoalMetric]?
    public var clear: [GoalView.ClearableField]

    public init(
        accountID: UUID, goalID: UUID, expectedVersion: Int, kind: GoalKind? = nil, parentID: UUID? = nil, title: String? = nil,
        description: String? = nil, department: String? = nil, status: GoalStatus? = nil, targetDate: CalendarDate? = nil,
        metrics: [GoalMetric]? = nil, clear: [GoalView.ClearableField] = []
    ) {
        self.accountID = accountID
        self.goalID = goalID
        self.expectedVersion = expectedVersion
        self.kind = kind
        self.parentID = parentID
        self.title = title
        self.description = description
        self.department = department
        self.status = status
        self.targetDate = targetDate
        self.metrics = metrics
        self.clear = clear
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, goalID = 2, expectedVersion = 3, kind = 4, parentID = 5, title = 6, description = 7
        case department = 8, status = 9, targetDate = 10, metrics = 11, clear = 12
    }

    /// `draft` with this request's changes applied.
    public func applied(to draft: GoalDraft) -> GoalDraft {
        var draft = draft
        if let kind { draft.kind = kind }
        if let parentID { draft.parentID = parentID }
        if let title { draft.title = title }
        if let description { draft.description = description }
        if let department { draft.department = department }
        if let status { draft.status = status }
        if let targetDate { draft.targetDate = targetDate }
        if let metrics { draft.metrics = metrics }
        for field in clear {
            switch field {
            case .parent: draft.parentID = nil
            case .targetDate: draft.targetDate = nil
            }
        }
        return draft
    }

    /// The fields both set and cleared, which a request may not name.
    public var contradictions: [GoalView.ClearableField] {
        clear.filter { field in
            switch field {
            case .parent: parentID != nil
            case .targetDate: targetDate != nil
            }
        }
    }
}

/// Adds a metric to a goal read at `expectedVersion`, or changes the one of that `name` (ignoring
/// case): a `nil` value is kept (a new metric's is empty), a value in ``clear`` is emptied, and
/// `newName` renames it. Raises the goal's version like any change of the goal.
@WireMessage
public struct SetGoalMetricRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    public var expectedVersion: Int
    /// The metric's name.
    public var name: String
    public var newName: String?
    public var unit: String?
    public var baseline: Decimal?
    public var target: Decimal?
    public var current: Decimal?
    public var clear: [GoalMetric.ClearableField]

    public init(
        accountID: UUID, goalID: UUID, expectedVersion: Int, name: String, newName: String? = nil, unit: String? = nil,
        baseline: Decimal? = nil, target: Decimal? = nil, current: Decimal? = nil, clear: [GoalMetric.ClearableField] = []
    ) {
        self.accountID = accountID
        self.goalID = goalID
        self.expectedVersion = expectedVersion
        self.name = name
        self.newName = newName
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.current = current
        self.clear = clear
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, goalID = 2, expectedVersion = 3, name = 4, newName = 5, unit = 6, baseline = 7, target = 8
        case current = 9, clear = 10
    }

    /// `metric` (a new one when `nil`) with this request's changes applied.
    public func applied(to metric: GoalMetric?) -> GoalMetric {
        var metric = metric ?? GoalMetric(name: name)
        if let newName { metric.name = newName }
        if let unit { metric.unit = unit }
        if let baseline { metric.baseline = baseline }
        if let target { metric.target = target }
        if let current { metric.current = current }
        for field in clear {
            switch field {
            case .baseline: metric.baseline = nil
            case .target: metric.target = nil
            case .current: metric.current = nil
            }
        }
        return metric
    }

    /// The values both set and cleared, which a request may not name.
    public var contradictions: [GoalMetric.ClearableField] {
        clear.filter { field in
            switch field {
            case .baseline: baseline != nil
            case .target: target != nil
            case .current: current != nil
            }
        }
    }
}

/// Removes the metric of that `name` (ignoring case) from a goal read at `expectedVersion`.
@WireMessage
public struct RemoveGoalMetricRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    public var expectedVersion: Int
    public var name: String

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID = 2, expectedVersion = 3, name = 4 }
}

@WireMessage
public struct DeleteGoalRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    /// The version the caller read.
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID = 2, expectedVersion = 3 }
}

@WireMessage
public struct GoalRef: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID = 2 }
}

@WireMessage
public struct LinkSolutionRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    /// Our solution's name: 1 to 200 characters.
    public var solution: String
    /// How it serves the goal: at most 2,000 characters.
    public var note: String

    public init(accountID: UUID, goalID: UUID, solution: String, note: String = "") {
        self.accountID = accountID
        self.goalID = goalID
        self.solution = solution
        self.note = note
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID = 2, solution = 3, note = 4 }
}

@WireMessage
public struct UnlinkSolutionRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    public var solution: String

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID = 2, solution = 3 }
}

extension KeyplanClient {
    public func createGoal(accountID: UUID, _ goal: GoalDraft) async throws -> GoalView {
        try await call(GoalsService.create, CreateGoalRequest(accountID: accountID, goal: goal))
    }

    /// Throws ABORTED carrying the current goal when `expectedVersion` is stale.
    public func updateGoal(_ request: UpdateGoalRequest) async throws -> GoalView {
        try await call(GoalsService.update, request)
    }

    public func setGoalMetric(_ request: SetGoalMetricRequest) async throws -> GoalView {
        try await call(GoalsService.setMetric, request)
    }

    public func removeGoalMetric(_ request: RemoveGoalMetricRequest) async throws -> GoalView {
        try await call(GoalsService.removeMetric, request)
    }

    public func deleteGoal(accountID: UUID, goalID: UUID, expectedVersion: Int) async throws {
        _ = try await call(GoalsService.delete, DeleteGoalRequest(accountID: accountID, goalID: goalID, expectedVersion: expectedVersion))
    }

    public func goals(accountID: UUID) async throws -> GoalTree {
        try await call(GoalsService.list, AccountRef(accountID: accountID))
    }

    public func goal(accountID: UUID, goalID: UUID) async throws -> GoalView {
        try await call(GoalsService.get, GoalRef(accountID: accountID, goalID: goalID))
    }

    public func linkSolution(accountID: UUID, goalID: UUID, solution: String, note: String = "") async throws -> GoalView {
        try await call(GoalsService.linkSolution, LinkSolutionRequest(accountID: accountID, goalID: goalID, solution: solution, note: note))
    }

    public func unlinkSolution(accountID: UUID, goalID: UUID, solution: String) async throws -> GoalView {
        try await call(GoalsService.unlinkSolution, UnlinkSolutionRequest(accountID: accountID, goalID: goalID, solution: solution))
    }
}
