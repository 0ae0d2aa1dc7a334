public import Foundation
public import KeyplanWire

/// A new cell of an account's whitespace map, internal unless `shared`.
@WireMessage
public struct CreateWhitespaceCellRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var businessUnit: String
    public var solutionID: UUID
    public var status: WhitespaceStatus
    public var servedBy: WhitespaceProvider
    /// Named only when `servedBy` is `competitor`, and then required.
    public var competitor: String
    public var annualValue: Decimal?
    public var contractEndsOn: CalendarDate?
    public var note: String
    public var idea: String
    public var goalIDs: [UUID]
    public var opportunityIDs: [UUID]
    public var shared: Bool

    public init(
        accountID: UUID, businessUnit: String, solutionID: UUID, status: WhitespaceStatus = .unknown, servedBy: WhitespaceProvider = .unknown,
        competitor: String = "", annualValue: Decimal? = nil, contractEndsOn: CalendarDate? = nil, note: String = "", idea: String = "",
        goalIDs: [UUID] = [], opportunityIDs: [UUID] = [], shared: Bool = false
    ) {
        self.accountID = accountID
        self.businessUnit = businessUnit
        self.solutionID = solutionID
        self.status = status
        self.servedBy = servedBy
        self.competitor = competitor
        self.annualValue = annualValue
        self.contractEndsOn = contractEndsOn
        self.note = note
        self.idea = idea
        self.goalIDs = goalIDs
        self.opportunityIDs = opportunityIDs
        self.shared = shared
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, businessUnit = 2, solutionID = 3, status = 4, servedBy = 5, competitor = 6, annualValue = 7
        case contractEndsOn = 8, note = 9, idea = 10, goalIDs = 11, opportunityIDs = 12, shared = 13
    }
}

/// Changes to a cell read at `expectedVersion` (the co-editing rule: ``CurrentRecord``): a `nil`
/// field is kept, a field in ``clear`` is emptied (naming a field in both is refused). A provider
/// other than `competitor` empties the competitor's name.
@WireMessage
public struct UpdateWhitespaceCellRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var cellID: UUID
    public var expectedVersion: Int
    public var businessUnit: String?
    public var status: WhitespaceStatus?
    public var servedBy: WhitespaceProvider?
    public var competitor: String?
    public var annualValue: Decimal?
    public var contractEndsOn: CalendarDate?
    public var note: String?
    public var idea: String?
    public var goalIDs: [UUID]?
    public var opportunityIDs: [UUID]?
    public var shared: Bool?
    public var clear: [WhitespaceCell.ClearableField]

    public init(
        accountID: UUID, cellID: UUID, expectedVersion: Int, businessUnit: String? = nil, status: WhitespaceStatus? = nil,
        servedBy: WhitespaceProvider? = nil, competitor: String? = nil, annualValue: Decimal? = nil, contractEndsOn: CalendarDate? = nil,
        note: String? = nil, idea: String? = nil, goalIDs: [UUID]? = nil, opportunityIDs: [UUID]? = nil, shared: Bool? = nil,
        clear: [WhitespaceCell.ClearableField] = []
    ) {
        self.accountID = accountID
        self.cellID = cellID
        self.expectedVersion = expectedVersion
        self.businessUnit = businessUnit
        self.status = status
        self.servedBy = servedBy
        self.competitor = competitor
        self.annualValue = annualValue
        self.contractEndsOn = contractEndsOn
        self.note = note
        self.idea = idea
        self.goalIDs = goalIDs
        self.opportunityIDs = opportunityIDs
        self.shared = shared
        self.clear = clear
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, cellID = 2, expectedVersion = 3, businessUnit = 4, status = 5, servedBy = 6, competitor = 7
        case annualValue = 8, contractEndsOn = 9, note = 10, idea = 11, goalIDs = 12, opportunityIDs = 13, shared = 14, clear = 15
    }

    /// The fields both set and cleared, which a request may not name.
    public var contradictions: [WhitespaceCell.ClearableField] {
        clear.filter { field in
            switch field {
            case .annualValue: annualValue != nil
            case .contractEndsOn: contractEndsOn != nil
            }
        }
    }
}

/// Deletes a cell if it is still at the version read (else ABORTED with the current one).
@WireMessage
public struct DeleteWhitespaceCellRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var cellID: UUID
    public var expectedVersion: Int

    public init(accountID: UUID, cellID: UUID, expectedVersion: Int) {
        self.accountID = accountID
        self.cellID = cellID
        self.expectedVersion = expectedVersion
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, cellID = 2, expectedVersion = 3 }
}
