public import Foundation
public import KeyplanRPC
public import KeyplanWire

/// `keyplan.Journey`: the customer's buying stages for an account — who on their side takes part
/// and what they need at each stage, where they are now, and our actions aligned to each. Shared
/// with the customer; customer editors maintain it with the sellers.
public enum JourneyService {
    public static let name = "keyplan.Journey"
    /// The account's journey, in stage order.
    public static let get = RPCMethod<AccountRef, BuyingJourney>.read(name, "Get")
    /// Starts an empty journey with the given stages (none: the usual seven, from need identified to renewal).
    public static let start = RPCMethod<StartJourneyRequest, BuyingJourney>.unary(name, "Start")
    public static let addStage = RPCMethod<AddBuyingStageRequest, BuyingStage>.unary(name, "AddStage")
    /// Changes a stage read at `expectedVersion`; `current: true` makes it the stage the customer is in now.
    public static let updateStage = RPCMethod<UpdateBuyingStageRequest, BuyingStage>.unary(name, "UpdateStage")
    public static let removeStage = RPCMethod<RemoveBuyingStageRequest, Empty>.unary(name, "RemoveStage")
}

/// One stage of the customer's buying process.
@WireMessage
public struct BuyingStage: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    /// Stages are read in ascending position (0 to 999).
    public var position: Int
    public var name: String
    /// Who on the customer's side takes part, in their words.
    public var customerPeople: String
    /// What the customer needs to see or decide to move on.
    public var criteria: String
    /// The stage the customer is in now (at most one).
    public var current: Bool
    /// Our actions aligned to this stage; a customer sees the shared ones only.
    public var actions: [ActionSummary]
    public var version: Int
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date
    /// The process map's key activities that serve this stage, in the map's order.
    public var processSteps: [ProcessStepSummary]

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, position = 3, name = 4, customerPeople = 5, criteria = 6, current = 7, actions = 8, version = 9
        case updatedBy = 10, updatedAt = 11, processSteps = 12
    }
}

/// A step of the process map, as a buying stage lists it.
@WireMessage
public struct ProcessStepSummary: Codable, Hashable, Sendable {
    public var id: UUID
    public var activity: String
    public var side: ProcessSide

    enum CodingKeys: Int, CodingKey { case id = 1, activity = 2, side = 3 }
}

/// An account's buying journey, in stage order.
@WireMessage
public struct BuyingJourney: Codable, Hashable, Sendable {
    public var stages: [BuyingStage]

    public init(stages: [BuyingStage]) { self.stages = stages }

    /// The stage the customer is in now.
    public var current: BuyingStage? { stages.first { $0.current } }

    enum CodingKeys: Int, CodingKey { case stages = 1 }
}

@WireMessage
public struct StartJourneyRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    /// The stage names in order; empty: ``defaultStages``.
    public var stages: [String]

    public init(accountID: UUID, stages: [String] = []) {
        self.accountID = accountID
        self.stages = stages
    }

    /// The usual stages of a business purchase.
    public static let defaultStages = [
        "Need identified", "Evaluation", "Business case", "Approval", "Procurement", "Rollout", "Renewal",
    ]

    enum CodingKeys: Int, CodingKey { case accountID = 1, stages = 2 }
}

/// A new stage; without a position it goes last.
@WireMessage
public struct AddBuyingStageRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var position: Int?
    public var name: String
    public var customerPeople: String
    public var criteria: String

    public init(accountID: UUID, position: Int? = nil, name: String, customerPeople: String = "", criteria: String = "") {
        self.accountID = accountID
        self.position = position
        self.name = name
        self.customerPeople = customerPeople
        self.criteria = criteria
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, position = 2, name = 3, customerPeople = 4, criteria = 5 }
}

/// Changes to a stage read at `expectedVersion` (the co-editing rule: ``CurrentRecord``); a `nil`
/// field is kept. `actionIDs` replaces the stage's actions — of those a customer cannot see, a
/// customer's update keeps what is there; `processStepIDs` replaces its process steps.
@WireMessage
public struct UpdateBuyingStageRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var stageID: UUID
    public var expectedVersion: Int
    public var position: Int?
    public var name: String?
    public var customerPeople: String?
    public var criteria: String?
    /// `true`: the customer is in this stage now (the previous current stage no longer is).
    public var current: Bool?
    public var actionIDs: [UUID]?
    public var processStepIDs: [UUID]?

    public init(
        accountID: UUID, stageID: UUID, expectedVersion: Int, position: Int? = nil, name: String? = nil, customerPeople: String? = nil,
        criteria: String? = nil, current: Bool? = nil, actionIDs: [UUID]? = nil, processStepIDs: [UUID]? = nil
    ) {
        self.accountID = accountID
        self.stageID = stageID
        self.expectedVersion = expectedVersion
        self.position = position
        self.name = name
        self.customerPeople = customerPeople
        self.criteria = criteria
        self.current = current
        self.actionIDs = actionIDs
        self.processStepIDs = processStepIDs
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, stageID = 2, expectedVersion = 3, position = 4, name = 5, customerPeople = 6, criteria = 7, current = 8
        case actionIDs = 9, processStepIDs = 10
    }
}

/// Removes a stage if it is still at the version read (else ABORTED with the current one).
@WireMessage
public struct RemoveBuyingStageRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var stageID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, stageID = 2, expectedVersion = 3 }
}

extension KeyplanClient {
    public func journey(of accountID: UUID) async throws -> BuyingJourney {
        try await call(JourneyService.get, AccountRef(accountID: accountID))
    }

    public func startJourney(_ request: StartJourneyRequest) async throws -> BuyingJourney {
        try await call(JourneyService.start, request)
    }

    public func addBuyingStage(_ request: AddBuyingStageRequest) async throws -> BuyingStage {
        try await call(JourneyService.addStage, request)
    }

    public func updateBuyingStage(_ request: UpdateBuyingStageRequest) async throws -> BuyingStage {
        try await call(JourneyService.updateStage, request)
    }

    public func removeBuyingStage(accountID: UUID, stageID: UUID, expectedVersion: Int) async throws {
        _ = try await call(
            JourneyService.removeStage, RemoveBuyingStageRequest(accountID: accountID, stageID: stageID, expectedVersion: expectedVersion))
    }
}
