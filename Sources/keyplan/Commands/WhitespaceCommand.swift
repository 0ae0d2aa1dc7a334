public import ArgumentParser
import Foundation
public import KeyplanAPI

extension WhitespaceStatus: ExpressibleByArgument {}
extension WhitespaceProvider: ExpressibleByArgument {}

extension WhitespaceCell: ShownRecord {
    static var noun: String { "whitespace cell" }
    var details: String { WhitespaceCommand.details(self) }
}

extension Solution: ShownRecord {
    static var noun: String { "solution" }
    var details: String {
        "\(name)\(archived ? "  (archived)" : "")\nid \(id.short)  version \(version)" + (description.isEmpty ? "" : "\n\n\(description)")
    }
}

/// `keyplan whitespace`: the tenant's solutions catalogue and each account's whitespace map.
struct WhitespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whitespace",
        abstract: "The whitespace map: business units × our solutions; internal unless shared as ideas to discuss.",
        subcommands: [Grid.self, Add.self, Update.self, Remove.self, Rollup.self, Solutions.self])

    static func details(_ cell: WhitespaceCell) -> String {
        var lines = ["\(cell.businessUnit) × \(cell.solutionName)", "id \(cell.id.short)  version \(cell.version)"]
        if let status = cell.status {
            let provider = cell.servedBy == .competitor ? "competitor \(cell.competitor ?? "")" : cell.servedBy?.rawValue ?? "unknown"
            lines += [
                "status: \(status.title)", "served by: \(provider)",
                "annual value: \(cell.annualValue.map { "\($0) \(cell.currency ?? "")" } ?? "-")",
                "contract ends: \(cell.contractEndsOn?.description ?? "-")",
            ]
        }
        if !cell.goalIDs.isEmpty { lines.append("goals: \(cell.goalIDs.map(\.short).joined(separator: ", "))") }
        if !cell.opportunityIDs.isEmpty { lines.append("opportunities: \(cell.opportunityIDs.map(\.short).joined(separator: ", "))") }
        lines.append("visibility: \(cell.shared ? "shared with the customer (an idea to discuss)" : "internal")")
        if !cell.idea.isEmpty { lines.append("idea: \(cell.idea)") }
        if let note = cell.note, !note.isEmpty { lines.append("note: \(note)") }
        lines.append("changed by \(cell.updatedBy.labelWithSide) at \(cell.updatedAt.localDescription)")
        return lines.joined(separator: "\n")
    }

    static func solution(_ text: String, _ client: KeyplanClient) async throws -> Solution {
        try Reference.named("solution", try await client.solutions(includeArchived: true), name: \.name, id: \.id).resolve(text)
    }

    /// The cell of a business unit and a solution, both by name.
    struct CellTarget: ParsableArguments {
        @OptionGroup var account: AccountOption
        @Option(help: "The business unit (or initiative), by name.") var unit: String
        @Option(help: "The solution: its name or a unique prefix of it.") var solution: String

        func resolve(_ client: KeyplanClient) async throws -> WhitespaceCell {
            let grid = try await client.whitespace(of: try await account.id(client))
            let column = try Reference.named("solution", grid.solutions, name: \.name, id: \.solutionID).resolve(solution)
            guard let cell = grid.cell(unit, column.solutionID) else {
                throw CLIError("“\(unit)” has no cell for \(column.name) yet: add one with `keyplan whitespace add`", code: "NOT_FOUND")
            }
            return cell
        }
    }

    /// Goals by title or id prefix.
    static func goals(_ texts: [String], account: UUID, _ client: KeyplanClient) async throws -> [UUID] {
        var ids: [UUID] = []
        for text in texts { ids.append(try await Records.goal(text, account: account, client).id) }
        return ids
    }

    static func opportunities(_ texts: [String]) throws -> [UUID] {
        try texts.map { text in
            guard let id = UUID(uuidString: text) else {
                throw CLIError("an opportunity is named by its full id, not “\(text)”", code: "INVALID_ARGUMENT")
            }
            return id
        }
    }

    struct Grid: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's map as a table, or as an SVG picture.",
            discussion: """
                Cells are coloured by status with their annual value or potential; a customer sees the cells shared with them only.

                Examples:
                  keyplan whitespace grid --account Globex
                  keyplan whitespace grid --account Globex --svg globex-whitespace.svg
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "Write the map as SVG to this file.") var svg: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let grid = try await options.withClient { client, _ in try await client.whitespace(of: try await account.id(client)) }
            let chart = WhitespaceChart(grid: grid)
            guard let svg else { return try options.print(grid) { chart.text() } }
            do {
                try chart.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(svg): \(error.localizedDescription)", code: "INVALID_ARGUMENT")
            }
            try options.print(["output": svg, "cells": "\(grid.cells.count)"]) { "wrote \(svg) (\(grid.cells.count) cells)" }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a cell to an account's map (sellers on the team).",
            discussion: """
                It is internal unless --shared: a customer then reads the unit, the solution, the idea and the goals only.

                Examples:
                  keyplan whitespace add --account Globex --unit "Plant operations" --solution Analytics --status opportunity --value 120000 \\
                      --idea "Predict outages a week ahead" --goal "Grow EMEA" --shared
                  keyplan whitespace add --account Globex --unit Finance --solution Cloud --status competitor --served-by competitor \\
                      --competitor Initrode --contract-end 2027-06-30 --note "renewal talks in Q1"
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The business unit (or initiative).") var unit: String
        @Option(help: "The solution: its name or a unique prefix of it.") var solution: String
        @Option(help: "in_use, opportunity, competitor, not_a_fit or unknown.") var status: WhitespaceStatus = .unknown
        @Option(help: "Who serves it today: unknown, us, competitor, internal or nobody.") var servedBy: WhitespaceProvider = .unknown
        @Option(help: "The competitor serving it (with --served-by competitor).") var competitor = ""
        @Option(help: "Annual value today, or potential, in the account's currency.") var value: Amount?
        @Option(help: "When the current contract ends, YYYY-MM-DD.") var contractEnd: CalendarDate?
        @Option(help: "A note for the sellers.") var note = ""
        @Option(help: "The idea, in the customer's words: what they read when it is shared.") var idea = ""
        @Option(help: "A goal it serves (title or id prefix); repeat for several.") var goal: [String] = []
        @Option(help: "A CRM opportunity it relates to (its id); repeat for several.") var opportunity: [String] = []
        @Flag(help: "Share it with the customer as an idea to discuss.") var shared = false
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let cell = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let solutionID = try await WhitespaceCommand.solution(solution, client).id
                return try await client.createWhitespaceCell(
                    CreateWhitespaceCellRequest(
                        accountID: accountID, businessUnit: unit, solutionID: solutionID, status: status, servedBy: servedBy,
                        competitor: competitor, annualValue: value?.value, contractEndsOn: contractEnd, note: note, idea: idea,
                        goalIDs: try await WhitespaceCommand.goals(goal, account: accountID, client),
                        opportunityIDs: try WhitespaceCommand.opportunities(opportunity), shared: shared))
            }
            try options.print(cell) { WhitespaceCommand.details(cell) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a cell: only the fields you give.",
            discussion: """
                \(CoEditingHelp.rule) --value and --contract-end take `none` to remove them; --goal replaces the goals \
                (--no-goals removes them).

                Examples:
                  keyplan whitespace update --account Globex --unit "Plant operations" --solution Analytics --version 1 --status in_use --served-by us
                  keyplan whitespace update --unit Finance --solution Cloud --version 2 --shared --idea "One cloud for finance"
                """)
        @OptionGroup var target: CellTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option(help: "Rename the business unit.") var renameUnit: String?
        @Option var status: WhitespaceStatus?
        @Option var servedBy: WhitespaceProvider?
        @Option var competitor: String?
        @Option(help: "The annual value or potential, or none.") var value: Clearable<Amount>?
        @Option(help: "The contract's end YYYY-MM-DD, or none.") var contractEnd: Clearable<CalendarDate>?
        @Option var note: String?
        @Option var idea: String?
        @Option(help: "The goals it serves (title or id prefix); repeat for several.") var goal: [String] = []
        @Flag(help: "Relate it to no goal.") var noGoals = false
        @Flag(inversion: .prefixedNo, help: "Share with the customer, or make internal (--no-shared).") var shared: Bool?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let cell = try await target.resolve(client)
                var request = UpdateWhitespaceCellRequest(
                    accountID: cell.accountID, cellID: cell.id, expectedVersion: version, businessUnit: renameUnit, status: status,
                    servedBy: servedBy, competitor: competitor, annualValue: value?.value?.value, contractEndsOn: contractEnd?.value, note: note,
                    idea: idea, shared: shared)
                if noGoals {
                    request.goalIDs = []
                } else if !goal.isEmpty {
                    request.goalIDs = try await WhitespaceCommand.goals(goal, account: cell.accountID, client)
                }
                if value?.clears == true { request.clear.append(.annualValue) }
                if contractEnd?.clears == true { request.clear.append(.contractEndsOn) }
                return try await options.coEditing(WhitespaceCell.self, read: version) { try await client.updateWhitespaceCell(request) }
            }
            try options.print(updated) { WhitespaceCommand.details(updated) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a cell from an account's map.",
            discussion: """
                Example:
                  keyplan whitespace remove --account Globex --unit Finance --solution Cloud --version 3
                """)
        @OptionGroup var target: CellTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let removed = try await options.withClient { client, _ in
                let cell = try await target.resolve(client)
                try await options.coEditing(WhitespaceCell.self, read: version) {
                    try await client.deleteWhitespaceCell(
                        DeleteWhitespaceCellRequest(accountID: cell.accountID, cellID: cell.id, expectedVersion: version))
                }
                return cell
            }
            try options.print(["deleted": removed.id]) { "removed \(removed.businessUnit) × \(removed.solutionName)" }
        }
    }

    struct Rollup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The tenant's whitespace potential by solution and by account (admins, leaders, marketing).",
            discussion: """
                Opportunities' annual values, per currency (amounts in different currencies are never added).

                Example:
                  keyplan whitespace rollup
                """)
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let rollup = try await options.withClient { client, _ in try await client.whitespaceRollup() }
            try options.print(rollup) {
                guard !rollup.groups.isEmpty else { return "No opportunities on any whitespace map yet." }
                return rollup.groups.map { group in
                    let entries = { (title: String, entries: [WhitespaceRollup.Entry]) in
                        ["  \(title):"] + entries.map { "    \($0.name)\t\($0.potential) \(group.currency)\t\($0.opportunities) opportunities" }
                    }
                    return
                        (["Potential \(group.totalPotential) \(group.currency) in \(group.opportunities) opportunities"]
                        + entries("by solution", group.bySolution) + entries("by account", group.byAccount)).joined(separator: "\n")
                }.joined(separator: "\n\n")
            }
        }
    }

    /// `keyplan whitespace solutions`: the tenant's catalogue.
    struct Solutions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The tenant's solutions catalogue: the map's columns.", subcommands: [List.self, Add.self, Update.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The catalogue by name.",
                discussion: """
                    Examples:
                      keyplan whitespace solutions list
                      keyplan whitespace solutions list --all
                    """)
            @Flag(help: "Archived solutions too.") var all = false
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let solutions = try await options.withClient { client, _ in try await client.solutions(includeArchived: all) }
                try options.print(solutions) {
                    solutions.isEmpty
                        ? "The catalogue is empty: add solutions with `keyplan whitespace solutions add`."
                        : solutions.map { "\($0.name)\($0.archived ? " (archived)" : "")\t\($0.id.short)\t\($0.description)" }.joined(separator: "\n")
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a solution (admins, leaders, marketing).",
                discussion: """
                    Example:
                      keyplan whitespace solutions add --name Analytics --description "Predictive analytics for operations"
                    """)
            @Option var name: String
            @Option var description = ""
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let solution = try await options.withClient { client, _ in
                    try await client.createSolution(CreateSolutionRequest(name: name, description: description))
                }
                try options.print(solution) { solution.details }
            }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rename, describe, archive or restore a solution.",
                discussion: """
                    Examples:
                      keyplan whitespace solutions update Analytics --version 1 --description "Analytics and AI"
                      keyplan whitespace solutions update Analytics --version 2 --archived
                    """)
            @Argument(help: "The solution: its name or a unique prefix of it.") var solution: String
            @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
            @Option var name: String?
            @Option var description: String?
            @Flag(inversion: .prefixedNo, help: "Archive it (no new cells), or restore it (--no-archived).") var archived: Bool?
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let updated = try await options.withClient { client, _ in
                    let found = try await WhitespaceCommand.solution(solution, client)
                    return try await options.coEditing(Solution.self, read: version) {
                        try await client.updateSolution(
                            UpdateSolutionRequest(
                                solutionID: found.id, expectedVersion: version, name: name, description: description, archived: archived))
                    }
                }
                try options.print(updated) { updated.details }
            }
        }
    }
}
