import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC

/// `keyplan.Whitespace`: the solutions catalogue and each account's whitespace map. The policy
/// lets the team write cells (`edit`) and everyone in scope read the grid; customers read the
/// shared cells only, without their internal fields (``WhitespaceCellRepository``).
struct AccountWhitespaceService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenant(WhitespaceService.createSolution) { request, call in
            let name = try Validate.line(request.name, field: "the solution's name", characters: 1...200)
            let description = try Validate.freeText(request.description, field: "the description", maximum: 2000)
            let solutions = SolutionRepository(transaction: call.transaction)
            if try await solutions.nameIsTaken(name) {
                throw RPCError(code: .alreadyExists, message: "the catalogue already has a solution named “\(name)”: choose another name")
            }
            let solution = try await solutions.insert(
                tenantID: call.principal.tenantID, name: name, description: description, by: call.principal.userID)
            CallAudit.record { $0.objectID = solution.id }
            return solution
        }
        routes.tenant(WhitespaceService.updateSolution) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let solutions = SolutionRepository(transaction: call.transaction)
            let before = try await solutions.lock(request.solutionID)
                .unchanged(since: request.expectedVersion, missing: "no solution \(request.solutionID) in the catalogue")
            let name = try request.name.map { try Validate.line($0, field: "the solution's name", characters: 1...200) } ?? before.name
            let description = try request.description.map { try Validate.freeText($0, field: "the description", maximum: 2000) } ?? before.description
            if name.lowercased() != before.name.lowercased(), try await solutions.nameIsTaken(name, except: before.id) {
                throw RPCError(code: .alreadyExists, message: "the catalogue already has a solution named “\(name)”: choose another name")
            }
            CallAudit.record { $0.objectID = before.id }
            return try await solutions.update(
                before.id, name: name, description: description, archived: request.archived ?? before.archived, by: call.principal.userID)
        }
        routes.tenant(WhitespaceService.listSolutions) { request, call in
            SolutionList(solutions: try await SolutionRepository(transaction: call.transaction).list(includeArchived: request.includeArchived))
        }
        routes.account(WhitespaceService.createCell) { request, call in
            let caller = call.principal
            let fields = try Self.checked(
                WhitespaceCellFields(
                    businessUnit: request.businessUnit, solutionID: request.solutionID, status: request.status, servedBy: request.servedBy,
                    competitor: request.competitor, annualValue: request.annualValue, contractEndsOn: request.contractEndsOn, note: request.note,
                    idea: request.idea, goalIDs: request.goalIDs, opportunityIDs: request.opportunityIDs, shared: request.shared))
            let cells = WhitespaceCellRepository(transaction: call.transaction)
            try await Self.checkReferences(fields, was: nil, in: request.accountID, on: call.transaction)
            let cell = try await cells.insert(tenantID: caller.tenantID, accountID: request.accountID, fields, by: caller)
            try await Self.journal(before: nil, after: cell, by: caller, on: call.transaction)
            CallAudit.record { $0.objectID = cell.id }
            return cell
        }
        routes.account(WhitespaceService.updateCell) { request, call in
            let caller = call.principal
            try Validate.expectedVersion(request.expectedVersion)
            try Validate.noContradictions(request.contradictions)
            let cells = WhitespaceCellRepository(transaction: call.transaction)
            let before = try await cells.lock(request.cellID, in: request.accountID, for: caller)
                .unchanged(since: request.expectedVersion, missing: "no whitespace cell \(request.cellID) in this account")
            let fields = try Self.checked(try Self.fields(of: before, changedBy: request))
            try await Self.checkReferences(fields, was: try Self.fields(of: before), in: request.accountID, on: call.transaction, except: before.id)
            let after = try await cells.update(before.id, fields, by: caller)
            try await Self.journal(before: before, after: after, by: caller, on: call.transaction)
            return after
        }
        routes.account(WhitespaceService.deleteCell) { request, call in
            try Validate.expectedVersion(request.expectedVersion)
            let cells = WhitespaceCellRepository(transaction: call.transaction)
            let before = try await cells.lock(request.cellID, in: request.accountID, for: call.principal)
                .unchanged(since: request.expectedVersion, missing: "no whitespace cell \(request.cellID) in this account")
            try await cells.delete(before.id)
            try await Self.journal(before: before, after: nil, by: call.principal, on: call.transaction)
            return Empty()
        }
        routes.account(WhitespaceService.grid) { request, call in
            try await WhitespaceGridQuery(transaction: call.transaction).grid(of: request.accountID, for: call.principal)
        }
        routes.tenant(WhitespaceService.rollup) { _, call in
            try await WhitespaceGridQuery(transaction: call.transaction).rollup()
        }
    }

    /// The fields of `cell` (read by a seller: every field is there), with the changes of `request` applied.
    static func fields(of cell: WhitespaceCell, changedBy request: UpdateWhitespaceCellRequest? = nil) throws -> WhitespaceCellFields {
        guard let status = cell.status, let servedBy = cell.servedBy else {
            throw RPCError(code: .internal, message: "internal error: a cell was read without its internal fields")
        }
        var fields = WhitespaceCellFields(
            businessUnit: cell.businessUnit, solutionID: cell.solutionID, status: status, servedBy: servedBy, competitor: cell.competitor ?? "",
            annualValue: cell.annualValue, contractEndsOn: cell.contractEndsOn, note: cell.note ?? "", idea: cell.idea, goalIDs: cell.goalIDs,
            opportunityIDs: cell.opportunityIDs, shared: cell.shared)
        guard let request else { return fields }
        if let unit = request.businessUnit { fields.businessUnit = unit }
        if let status = request.status { fields.status = status }
        if let servedBy = request.servedBy {
            fields.servedBy = servedBy
            // Another provider leaves no competitor behind (unless the request names one, refused below).
            if servedBy != .competitor, request.competitor == nil { fields.competitor = "" }
        }
        if let competitor = request.competitor { fields.competitor = competitor }
        if let value = request.annualValue { fields.annualValue = value }
        if let ends = request.contractEndsOn { fields.contractEndsOn = ends }
        if let note = request.note { fields.note = note }
        if let idea = request.idea { fields.idea = idea }
        if let goals = request.goalIDs { fields.goalIDs = goals }
        if let opportunities = request.opportunityIDs { fields.opportunityIDs = opportunities }
        if let shared = request.shared { fields.shared = shared }
        for field in request.clear {
            switch field {
            case .annualValue: fields.annualValue = nil
            case .contractEndsOn: fields.contractEndsOn = nil
            }
        }
        return fields
    }

    static func checked(_ fields: WhitespaceCellFields) throws -> WhitespaceCellFields {
        var fields = fields
        fields.businessUnit = try Validate.line(fields.businessUnit, field: "the business unit", characters: 1...200)
        fields.competitor = try Validate.line(fields.competitor, field: "the competitor", characters: 0...200)
        fields.note = try Validate.freeText(fields.note, field: "the note", maximum: 2000)
        fields.idea = try Validate.freeText(fields.idea, field: "the idea", maximum: 2000)
        try Validate.amount(fields.annualValue, "the annual value")
        fields.goalIDs = Array(Set(fields.goalIDs)).sorted { $0.uuidString < $1.uuidString }
        fields.opportunityIDs = Array(Set(fields.opportunityIDs)).sorted { $0.uuidString < $1.uuidString }
        guard fields.goalIDs.count <= 50, fields.opportunityIDs.count <= 50 else {
            throw RPCError(code: .invalidArgument, message: "a cell relates to at most 50 goals and 50 opportunities")
        }
        switch (fields.servedBy, fields.competitor.isEmpty) {
        case (.competitor, true):
            throw RPCError(code: .invalidArgument, message: "name the competitor that serves it (competitor), or choose another provider")
        case (.competitor, false), (_, true): break
        case (_, false):
            throw RPCError(code: .invalidArgument, message: "name a competitor only when a competitor serves it (served by: competitor)")
        }
        return fields
    }

    /// What a cell refers to: a solution of the catalogue (not archived, for a new cell or a
    /// cell moved onto it), goals and opportunities of the same account, and a business unit and
    /// solution with no other cell. Only what changed is checked.
    static func checkReferences(
        _ fields: WhitespaceCellFields, was old: WhitespaceCellFields?, in accountID: UUID, on transaction: TenantTransaction, except: UUID? = nil
    ) async throws {
        let cells = WhitespaceCellRepository(transaction: transaction)
        if fields.solutionID != old?.solutionID {
            guard let solution = try await SolutionRepository(transaction: transaction).lockShared(fields.solutionID) else {
                throw RPCError(code: .failedPrecondition, message: "no solution \(fields.solutionID) in the catalogue")
            }
            if solution.archived {
                throw RPCError(code: .failedPrecondition, message: "the solution “\(solution.name)” is archived: restore it in the catalogue first")
            }
        }
        if fields.businessUnit.lowercased() != old?.businessUnit.lowercased() || fields.solutionID != old?.solutionID,
            let taken = try await cells.existing(fields.businessUnit, fields.solutionID, in: accountID, except: except)
        {
            throw RPCError(
                code: .alreadyExists,
                message: "“\(fields.businessUnit)” already has a cell for this solution (at version \(taken.version)): update that one")
        }
        if fields.goalIDs != old?.goalIDs, let goal = try await cells.missingGoals(fields.goalIDs, in: accountID).first {
            throw RPCError(code: .failedPrecondition, message: "no goal \(goal) in this account")
        }
        if fields.opportunityIDs != old?.opportunityIDs,
            let opportunity = try await cells.missingOpportunities(fields.opportunityIDs, in: accountID).first
        {
            throw RPCError(code: .failedPrecondition, message: "no opportunity \(opportunity) in this account")
        }
    }

    /// Journals a change so that customers never read an internal value: the sellers get the
    /// whole change (internal); while the cell is shared, the customers get the change of what
    /// they can read of it (shared, only when that changed): it enters their ideas as it is now,
    /// and leaves them without fields (journaled first, as for actions).
    static func journal(before: WhitespaceCell?, after: WhitespaceCell?, by caller: Principal, on transaction: TenantTransaction) async throws {
        guard let record = after ?? before else { return }
        let journal = WorkspaceJournal(transaction: transaction)
        let seen = (before: before.flatMap { $0.shared ? $0.customerView : nil }, after: after.flatMap { $0.shared ? $0.customerView : nil })
        func entry(_ operation: WorkspaceChange.Operation, _ visibility: Visibility, _ summary: String, _ fields: [FieldChange]) -> JournalEntry {
            JournalEntry(
                accountID: record.accountID, entity: .whitespaceCell, entityID: record.id, operation: operation,
                version: operation == .deleted ? nil : after?.version, visibility: visibility, summary: summary, fields: fields)
        }
        if let shown = seen.before, seen.after == nil {
            try await journal.record(entry(.deleted, .shared, "\(shown.journalName) is no longer an idea to discuss", []), by: caller)
        }
        let operation: WorkspaceChange.Operation = before == nil ? .created : after == nil ? .deleted : .updated
        try await journal.record(
            entry(operation, .internal, "\(record.journalName) \(operation.rawValue)", FieldChange.diff(before: before, after: after)), by: caller)
        if let shown = seen.after {
            if seen.before == nil {
                try await journal.record(
                    entry(.created, .shared, "\(shown.journalName) shared as an idea to discuss", FieldChange.diff(before: nil, after: shown)),
                    by: caller)
            } else {
                let changes = FieldChange.diff(before: seen.before, after: shown)
                if !changes.isEmpty { try await journal.record(entry(.updated, .shared, "\(shown.journalName) updated", changes), by: caller) }
            }
        }
    }
}

extension WhitespaceCell {
    /// What a customer reads of this cell when it is shared (as the repository selects it for them).
    var customerView: WhitespaceCell {
        var view = self
        view.status = nil
        view.servedBy = nil
        view.competitor = nil
        view.annualValue = nil
        view.currency = nil
        view.contractEndsOn = nil
        view.note = nil
        view.opportunityIDs = []
        return view
    }

    /// How the journal names it: `Whitespace “Plant operations × Analytics”`.
    var journalName: String { "Whitespace “\(businessUnit) × \(solutionName)”" }
}

extension WhitespaceCell: VersionedRecord {}
extension Solution: VersionedRecord {}
