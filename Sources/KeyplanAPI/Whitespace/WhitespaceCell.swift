public import Foundation
public import KeyplanWire

/// One cell of an account's whitespace map: a business unit (or initiative) of the customer and
/// one of our solutions. Seller-internal unless ``shared`` with the customer as an idea to
/// discuss; a customer then receives the business unit, the solution, the ``idea`` and the goals
/// only — the fields marked *internal* are `nil` (or empty) for them, never read on the server.
@WireMessage
public struct WhitespaceCell: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    /// The row: 1 to 200 characters, one cell per business unit (regardless of case) and solution.
    public var businessUnit: String
    public var solutionID: UUID
    public var solutionName: String
    /// Internal.
    public var status: WhitespaceStatus?
    /// Who serves it today. Internal.
    public var servedBy: WhitespaceProvider?
    /// The competitor serving it, when ``servedBy`` is `competitor`. Internal.
    public var competitor: String?
    /// Annual value today (in use) or potential (an opportunity), in ``currency``. Internal.
    public var annualValue: Decimal?
    /// The account's currency. Internal.
    public var currency: String?
    /// When the current contract (ours or theirs) ends. Internal.
    public var contractEndsOn: CalendarDate?
    /// At most 2,000 characters. Internal.
    public var note: String?
    /// What a customer reads of a shared cell, in their words; at most 2,000 characters.
    public var idea: String
    /// Goals of the account the cell serves.
    public var goalIDs: [UUID]
    /// CRM opportunities of the account it relates to. Internal (empty for customers).
    public var opportunityIDs: [UUID]
    public var shared: Bool
    public var version: Int
    public var createdBy: WorkspaceChange.Actor
    public var createdAt: Date
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date

    /// The fields of a cell that can be emptied (``UpdateWhitespaceCellRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case annualValue = "annual_value"
        case contractEndsOn = "contract_ends_on"
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, businessUnit = 3, solutionID = 4, solutionName = 5, status = 6, servedBy = 7, competitor = 8
        case annualValue = 9, currency = 10, contractEndsOn = 11, note = 12, idea = 13, goalIDs = 14, opportunityIDs = 15
        case shared = 16, version = 17, createdBy = 18, createdAt = 19, updatedBy = 20, updatedAt = 21
    }
}

/// Where a cell stands for us.
public enum WhitespaceStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// They use our solution there.
    case inUse = "in_use"
    /// We could sell it there.
    case opportunity
    /// A competitor holds it.
    case competitor
    /// It does not fit that business unit.
    case notAFit = "not_a_fit"
    case unknown

    /// How people call it.
    public var title: String {
        switch self {
        case .inUse: "in use"
        case .opportunity: "opportunity"
        case .competitor: "competitor"
        case .notAFit: "not a fit"
        case .unknown: "unknown"
        }
    }
}

/// Who serves a cell's need today.
public enum WhitespaceProvider: String, Codable, Hashable, Sendable, CaseIterable {
    case unknown
    case us
    /// A named competitor (``WhitespaceCell/competitor``).
    case competitor
    /// The customer's own people or systems.
    case `internal`
    case nobody
}
