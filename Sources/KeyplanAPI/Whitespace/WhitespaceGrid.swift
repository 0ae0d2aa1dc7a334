public import Foundation
public import KeyplanWire

/// An account's whitespace map: business units down, solutions across. A seller's grid has every
/// cell and a column for each active solution of the catalogue (an empty cell is whitespace no
/// one has looked at yet); a customer's has the shared cells only, with their internal fields
/// empty, and the columns and rows those cells use.
@WireMessage
public struct WhitespaceGrid: Codable, Hashable, Sendable {
    public var accountID: UUID
    public var accountName: String
    /// Rows, by name.
    public var businessUnits: [String]
    /// Columns, by name.
    public var solutions: [Column]
    public var cells: [WhitespaceCell]

    public init(accountID: UUID, accountName: String, businessUnits: [String], solutions: [Column], cells: [WhitespaceCell]) {
        self.accountID = accountID
        self.accountName = accountName
        self.businessUnits = businessUnits
        self.solutions = solutions
        self.cells = cells
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, accountName = 2, businessUnits = 3, solutions = 4, cells = 5 }

    /// A solution as a column of the grid.
    @WireMessage
    public struct Column: Codable, Hashable, Sendable {
        public var solutionID: UUID
        public var name: String

        public init(solutionID: UUID, name: String) {
            self.solutionID = solutionID
            self.name = name
        }

        enum CodingKeys: Int, CodingKey { case solutionID = 1, name = 2 }
    }

    /// The cell of a business unit (regardless of case) and a solution, if any.
    public func cell(_ businessUnit: String, _ solutionID: UUID) -> WhitespaceCell? {
        cells.first { $0.solutionID == solutionID && $0.businessUnit.lowercased() == businessUnit.lowercased() }
    }
}

/// The tenant's whitespace potential: the annual value of the cells that are opportunities, by
/// solution and by account, per currency (amounts in different currencies are never added).
@WireMessage
public struct WhitespaceRollup: Codable, Hashable, Sendable {
    public var groups: [Group]

    public init(groups: [Group]) { self.groups = groups }

    enum CodingKeys: Int, CodingKey { case groups = 1 }

    @WireMessage
    public struct Group: Codable, Hashable, Sendable {
        public var currency: String
        public var totalPotential: Decimal
        /// Opportunities counted, valued or not.
        public var opportunities: Int
        /// Largest potential first.
        public var bySolution: [Entry]
        /// Largest potential first.
        public var byAccount: [Entry]

        public init(currency: String, totalPotential: Decimal, opportunities: Int, bySolution: [Entry], byAccount: [Entry]) {
            self.currency = currency
            self.totalPotential = totalPotential
            self.opportunities = opportunities
            self.bySolution = bySolution
            self.byAccount = byAccount
        }

        enum CodingKeys: Int, CodingKey { case currency = 1, totalPotential = 2, opportunities = 3, bySolution = 4, byAccount = 5 }
    }

    /// A solution's or an account's potential.
    @WireMessage
    public struct Entry: Codable, Hashable, Sendable {
        public var id: UUID
        public var name: String
        public var potential: Decimal
        public var opportunities: Int

        public init(id: UUID, name: String, potential: Decimal, opportunities: Int) {
            self.id = id
            self.name = name
            self.potential = potential
            self.opportunities = opportunities
        }

        enum CodingKeys: Int, CodingKey { case id = 1, name = 2, potential = 3, opportunities = 4 }
    }
}
