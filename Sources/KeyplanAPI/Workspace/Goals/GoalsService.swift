import Foundation
import KeyplanRPC
import KeyplanWire

/// `keyplan.Goals`: the customer's goals, objectives and initiatives with their metrics, co-edited
/// by sellers and customer editors, read by everyone on the account; and our solutions linked to
/// them (sellers only). Every change is journaled (shared) and can be listed with
/// ``WorkspaceService/history``.
///
/// Updates and deletions name the version they read: a stale one answers ABORTED carrying the
/// current ``GoalView`` (`error.currentRecord(as: GoalView.self)`), and nothing is written.
public enum GoalsService {
    public static let name = "keyplan.Goals"
    public static let create = RPCMethod<CreateGoalRequest, GoalView>.unary(name, "Create")
    /// Replaces the goal's editable fields (metrics included) with the draft.
    public static let update = RPCMethod<UpdateGoalRequest, GoalView>.unary(name, "Update")
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

    public init(accountID: UUID, goal: GoalDraft) {
        self.accountID = accountID
        self.goal = goal
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, goal }
}

@WireMessage
public struct UpdateGoalRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    /// The version the caller read.
    public var expectedVersion: Int
    /// The goal's editable fields as they should be.
    public var goal: GoalDraft

    public init(accountID: UUID, goalID: UUID, expectedVersion: Int, goal: GoalDraft) {
        self.accountID = accountID
        self.goalID = goalID
        self.expectedVersion = expectedVersion
        self.goal = goal
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID, expectedVersion, goal }
}

@WireMessage
public struct DeleteGoalRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    /// The version the caller read.
    public var expectedVersion: Int

    public init(accountID: UUID, goalID: UUID, expectedVersion: Int) {
        self.accountID = accountID
        self.goalID = goalID
        self.expectedVersion = expectedVersion
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID, expectedVersion }
}

@WireMessage
public struct GoalRef: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID

    public init(accountID: UUID, goalID: UUID) {
        self.accountID = accountID
        self.goalID = goalID
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID }
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

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID, solution, note }
}

@WireMessage
public struct UnlinkSolutionRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var goalID: UUID
    public var solution: String

    public init(accountID: UUID, goalID: UUID, solution: String) {
        self.accountID = accountID
        self.goalID = goalID
        self.solution = solution
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, goalID, solution }
}

extension KeyplanClient {
    public func createGoal(accountID: UUID, _ goal: GoalDraft) async throws -> GoalView {
        try await call(GoalsService.create, CreateGoalRequest(accountID: accountID, goal: goal))
    }

    /// Throws ABORTED carrying the current goal when `expectedVersion` is stale.
    public func updateGoal(accountID: UUID, goalID: UUID, expectedVersion: Int, _ goal: GoalDraft) async throws -> GoalView {
        try await call(GoalsService.update, UpdateGoalRequest(accountID: accountID, goalID: goalID, expectedVersion: expectedVersion, goal: goal))
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
