public import Foundation
public import KeyplanRPC

/// `keyplan.Whitespace`: the tenant's catalogue of our solutions and each account's whitespace
/// map (business units × solutions). Sellers read the catalogue, admins, leaders and marketing
/// keep it. The map is the sellers': the team writes it, everyone in scope reads it, and a
/// customer reads only the cells shared with them, without their internal fields. The roll-up
/// of potential across the tenant is for admins, leaders and marketing, as analytics are.
public enum WhitespaceService {
    public static let name = "keyplan.Whitespace"
    public static let createSolution = RPCMethod<CreateSolutionRequest, Solution>.unary(name, "CreateSolution")
    /// Co-edited (``CurrentRecord``): a stale `expectedVersion` answers ABORTED with the current solution.
    public static let updateSolution = RPCMethod<UpdateSolutionRequest, Solution>.unary(name, "UpdateSolution")
    public static let listSolutions = RPCMethod<ListSolutionsRequest, SolutionList>.read(name, "ListSolutions")
    public static let createCell = RPCMethod<CreateWhitespaceCellRequest, WhitespaceCell>.unary(name, "CreateCell")
    /// Co-edited (``CurrentRecord``): a stale `expectedVersion` answers ABORTED with the current cell.
    public static let updateCell = RPCMethod<UpdateWhitespaceCellRequest, WhitespaceCell>.unary(name, "UpdateCell")
    public static let deleteCell = RPCMethod<DeleteWhitespaceCellRequest, Empty>.unary(name, "DeleteCell")
    public static let grid = RPCMethod<AccountRef, WhitespaceGrid>.read(name, "Grid")
    public static let rollup = RPCMethod<Empty, WhitespaceRollup>.read(name, "Rollup")
}

extension KeyplanClient {
    public func createSolution(_ request: CreateSolutionRequest) async throws -> Solution {
        try await call(WhitespaceService.createSolution, request)
    }

    public func updateSolution(_ request: UpdateSolutionRequest) async throws -> Solution {
        try await call(WhitespaceService.updateSolution, request)
    }

    public func solutions(includeArchived: Bool = false) async throws -> [Solution] {
        try await call(WhitespaceService.listSolutions, ListSolutionsRequest(includeArchived: includeArchived)).solutions
    }

    public func createWhitespaceCell(_ request: CreateWhitespaceCellRequest) async throws -> WhitespaceCell {
        try await call(WhitespaceService.createCell, request)
    }

    public func updateWhitespaceCell(_ request: UpdateWhitespaceCellRequest) async throws -> WhitespaceCell {
        try await call(WhitespaceService.updateCell, request)
    }

    public func deleteWhitespaceCell(_ request: DeleteWhitespaceCellRequest) async throws {
        _ = try await call(WhitespaceService.deleteCell, request)
    }

    public func whitespace(of accountID: UUID) async throws -> WhitespaceGrid {
        try await call(WhitespaceService.grid, AccountRef(accountID: accountID))
    }

    public func whitespaceRollup() async throws -> WhitespaceRollup {
        try await call(WhitespaceService.rollup, Empty())
    }
}
